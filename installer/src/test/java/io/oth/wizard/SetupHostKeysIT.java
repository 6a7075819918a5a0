package io.oth.wizard;

import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.remote.ConnectOptions;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wizard's host key step against the lab's real bastion and nodes, starting from an empty known_hosts file. */
@ExtendWith(LabExtension.class)
class SetupHostKeysIT {
    @TempDir
    Path dir;

    @Test
    void keysThePersonConfirmsAreRecordedAndARejectedOneIsNot(Lab lab) throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "");
        List<String> typed = new ArrayList<>(List.of("oth.example.test", "lab", "203.0.113.10", "", "", lab.key().toString(), "", "", "",
                "add", "", "", "10.77.0.2", "203.0.113.20", "add storage", "", "10.77.0.20"));
        for (int i = 1; i <= lab.apps(); i++) {
            typed.addAll(List.of("add app", "", "10.77.0.10" + i));
        }
        // connect; the bastion's key: yes; the nodes one at a time: the first one no, every other yes; then go on
        typed.addAll(List.of("", "y", "y", "n"));
        for (int i = 1; i < lab.apps() + 2; i++) {
            typed.add("y");
        }
        typed.addAll(List.of("y", "", "", "", "", "", "", "", "", "", dir.resolve("site.yml").toString(), ""));

        Scripted wizard = new Scripted(dir.resolve("state"), Clock.systemUTC()).resolving("oth.example.test", "203.0.113.20")
                .connecting(new SurveyConnector((site, trust) -> new ConnectOptions(knownHosts, Duration.ofSeconds(10), 1, trust, () -> new char[0])));
        Scripted.Outcome run = wizard.run(dir, Scripted.lines(typed.toArray(String[]::new)));

        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        assertTrue(run.screen().contains("bastion 203.0.113.10 (203.0.113.10) offers this"), run::toString);
        String recorded = Files.readString(knownHosts);
        assertTrue(recorded.contains("203.0.113.10 "), recorded);
        List<String> nodes = List.of("10.77.0.2", "10.77.0.20", "10.77.0.101", "10.77.0.102").subList(0, 2 + lab.apps());
        List<String> missing = nodes.stream().filter(a -> !recorded.lines().anyMatch(l -> l.startsWith(a + " "))).toList();
        assertEquals(1, missing.size(), () -> "exactly the rejected node's key is not recorded\n" + recorded + "\n" + run);
        assertTrue(run.screen().contains("(" + missing.get(0) + ") offers this"), run::toString);
        assertTrue(run.screen().matches("(?s).*  \\S+: key not trusted; this host cannot be used until its key is trusted \\(oth hosts trust\\).*"), run::toString);
        assertTrue(run.screen().contains("unknown host key"), () -> "the rejected node is named as not usable\n" + run);
        assertFalse(run.screen().contains("lb: unknown host key") && missing.get(0).equals("10.77.0.20"));
        SiteLoader.load(dir.resolve("site.yml"));
    }
}
