package io.oth.install.phase;

import io.oth.phase.Journal;
import io.oth.phase.PhaseRunner;
import io.oth.remote.Fleet;
import io.oth.remote.TracedHost;
import io.oth.runlog.RunLog;
import io.oth.site.Playbooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An install applied to recording nodes, its output and debug lines in a run log as a command keeps
 * them: the log names every remote command, yet none of the site's secrets (generated passwords,
 * the Erlang cookie, MinIO's keys, external credentials), which reach the nodes on stdin and in
 * uploaded files only.
 */
class RunLogSecretsTest {
    @TempDir
    Path dir;

    @Test
    void noSecretOfTheSiteIsInTheRunLogOfAnInstall() throws Exception {
        PhaseFixture fixture = PhaseFixture.of("good/full.yml", Files.createDirectories(dir.resolve("site")));
        Fleet fleet = fixture.fleet;
        Path file;
        try (RunLog log = RunLog.start(PhaseFixture.CLOCK, new PrintWriter(new StringWriter()))) {
            PrintWriter out = new PrintWriter(log.tee(new StringWriter(), "out"), true);
            file = log.open(dir.resolve("logs"), "install", "test", true);
            Fleet traced = new Fleet() {
                @Override
                public List<Reach> reaches() {
                    return fleet.reaches().stream().map(r -> Reach.reached(r.node(), TracedHost.of(r.host().orElseThrow(), log), r.latency())).toList();
                }

                @Override
                public int sessionsOpened() {
                    return 0;
                }

                @Override
                public int connectionsOpened() {
                    return 0;
                }

                @Override
                public void close() {
                }
            };
            new PhaseRunner(fixture.site, traced, false, new Journal(dir.resolve("journal")), fixture.fleet::connection, out, 2).debugLog(log)
                    .run(fixture.phases(Playbooks.load()));
        }
        String text = Files.readString(file);

        Set<String> names = fixture.inputs.secrets().names();
        assertTrue(names.size() >= 5, () -> "the install made the site's secrets: " + names);
        assertTrue(text.contains("(stdin not logged)"), "a secret went to a node on stdin during this run");
        assertTrue(text.lines().anyMatch(l -> l.matches("\\S+ debug \\[storage] upload .* -> ok in \\d+ ms")), "uploads are logged");
        assertTrue(text.lines().anyMatch(l -> l.matches("\\S+ debug \\[app1] phase \\S+: end, \\d+ change\\(s\\) in \\d+ ms")), "phase timings");
        assertTrue(text.lines().anyMatch(l -> l.matches("\\S+ out   \\[lb] .*")), "what the run printed");
        for (String name : names) {
            String value = fixture.inputs.secrets().get(name).orElseThrow().reveal();
            assertFalse(text.contains(value), () -> "the value of " + name + " is in the run log");
        }
    }
}
