package io.oth.install;

import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.runlog.RunLogFiles;
import io.oth.site.SiteLoader;
import io.oth.site.StateDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A first install on the lab, as a person at a terminal sees it: the packaged {@code oth install}
 * under a real pseudo-terminal (expect), every chunk it draws recorded with the time it arrived.
 * While MinIO starts (the 63 silent seconds of issue 18) the status line changes at least once a
 * second and says what it waits for; the plain lines and the summary with the phases' times are
 * there too, and the run's log holds no status line.
 *
 * <p>Run it alone: {@code mvn -B package -DskipTests && mvn -B -pl installer verify -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=InstallProgressPtyIT} (as root, after
 * {@code lab/install-packages}; the lab comes up and goes down by itself).
 */
@ExtendWith(LabExtension.class)
class InstallProgressPtyIT {
    /** Where the elapsed time of the run is drawn: {@code oth install 12 s} or {@code oth install 1:03}. */
    private static final Pattern RUN_TIME = Pattern.compile("oth install (\\d+ s|\\d+:\\d\\d)");
    private static final Pattern ESCAPE = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

    @TempDir
    Path dir;

    @BeforeAll
    static void freshLab(Lab lab) {
        lab.bareNodes();
    }

    /** One chunk of what oth wrote to the terminal and when it arrived (ms since the spawn). */
    private record Chunk(long at, String text) {
        String plain() {
            return ESCAPE.matcher(text).replaceAll("");
        }
    }

    @Test
    void aFirstInstallShowsAStatusLineThatChangesEverySecondWhileMinioStarts(Lab lab) throws Exception {
        Path chunks = dir.resolve("chunks.txt");
        String launcher = System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString());
        // Each chunk as it arrives: milliseconds since the spawn, then its bytes in hex (escapes and all).
        String script = String.join("\n",
                "set timeout 900",
                "log_user 0",
                "set log [open {" + chunks + "} w]",
                "fconfigure $log -translation binary",
                "set start [clock milliseconds]",
                "stty rows 40 columns 140",
                "spawn -noecho " + launcher + " install --site {" + lab.site() + "}",
                "fconfigure $spawn_id -translation binary -encoding binary",
                "expect {",
                "  -re {.+} { puts $log \"[expr {[clock milliseconds] - $start}] [binary encode hex $expect_out(buffer)]\"; flush $log; exp_continue }",
                "  timeout { puts \"TIMEOUT\"; exit 3 }",
                "  eof",
                "}",
                "lassign [wait] pid spawnid os code",
                "close $log",
                "exit $code",
                "");
        Path expect = dir.resolve("install.exp");
        Files.writeString(expect, script);
        ProcessBuilder builder = new ProcessBuilder("expect", expect.toString()).redirectErrorStream(true).directory(dir.toFile());
        builder.environment().put("TERM", "xterm-256color");
        builder.environment().put("NO_COLOR", "1");
        builder.environment().put("OTH_SSH_CONFIG", "none");
        Process process = builder.start();
        process.getOutputStream().close();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(900, TimeUnit.SECONDS), said);

        List<Chunk> seen = new ArrayList<>();
        for (String line : Files.readAllLines(chunks)) {
            String[] parts = line.split(" ", 2);
            seen.add(new Chunk(Long.parseLong(parts[0]), new String(HexFormat.of().parseHex(parts.length > 1 ? parts[1] : ""), StandardCharsets.UTF_8)));
        }
        String screen = String.join("", seen.stream().map(Chunk::plain).toList());
        assertEquals(0, process.exitValue(), said + screen);

        assertTrue(seen.stream().anyMatch(c -> c.text().contains("\u001b[K")), "status lines are drawn with the terminal's escapes");
        long first = seen.stream().filter(c -> c.plain().contains("oth install ")).findFirst().orElseThrow().at();
        assertTrue(first < 3000, "the first status line comes with the JVM's start, not after the checks: " + first + " ms");

        // While MinIO starts: the wait is named (the line may be cut at the terminal's width), and the status line changes at least once a second.
        List<Chunk> minio = seen.stream().filter(c -> c.plain().matches("(?s).*waiting for (minio to start|MinIO on \\S+).*")).toList();
        assertFalse(minio.isEmpty(), "the wait for MinIO is shown\n" + screen);
        long from = minio.get(0).at();
        long to = minio.get(minio.size() - 1).at();
        String before = null;
        long changed = from;
        for (Chunk c : seen) {
            if (c.at() < from || c.at() > to + 1000) {
                continue;
            }
            Matcher m = RUN_TIME.matcher(c.plain());
            String time = null;
            while (m.find()) {
                time = m.group(1);
            }
            if (time != null && !time.equals(before)) {
                assertTrue(c.at() - changed <= 1500, "the status line did not change for " + (c.at() - changed) + " ms at " + c.at() + " ms\n" + screen);
                changed = c.at();
                before = time;
            }
        }

        assertTrue(screen.contains("[storage] == Storage node: MinIO object storage with TLS from the site CA"), screen);
        // A printed line starts after a newline, or after the carriage return that took the status line's place.
        assertTrue(screen.matches("(?s).*PHASE\\s+TIME\\s+SLOWEST ON.*[\\r\\n]objects\\s+\\d+\\.\\d s\\s+storage.*"), "the phases' times\n" + screen);
        assertTrue(screen.matches("(?s).*install: \\d+ change\\(s\\) made, 0 host\\(s\\) failed.*"), screen);

        Path log = RunLogFiles.newest(StateDir.of(SiteLoader.load(lab.site()).name()).resolve(StateDir.LOGS), "install");
        String logged = Files.readString(log);
        assertFalse(logged.contains("\u001b") || logged.contains("waiting for MinIO") || logged.contains("oth install 0 s"),
                "the run log keeps plain lines only\n" + logged);
        assertTrue(logged.contains("out   [storage] == Storage node: MinIO object storage"), logged);
    }
}
