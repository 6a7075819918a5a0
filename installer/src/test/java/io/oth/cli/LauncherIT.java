package io.oth.cli;

import io.oth.site.SiteFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged launcher (packaging/oth) on its first run of a command, when it does not exec the
 * JVM but waits for it to record the class-data archive. No lab: {@code oth secrets set} waits
 * for one line of standard input, which is all these tests need.
 */
class LauncherIT {
    @TempDir
    Path dir;

    @Test
    void aFirstRunRecordsItsArchiveAndALaterRunUsesIt() throws Exception {
        Path site = SiteFixtures.stage("good/minimal.yml", dir);
        for (int run = 1; run <= 2; run++) {
            Process oth = start(site);
            try (OutputStream in = oth.getOutputStream()) {
                in.write("s3cret-value\n".getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(oth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(oth.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, oth.exitValue(), out);
            assertTrue(out.contains("external.database.password saved in"), out);
            assertEquals(List.of("secrets-"), archives().stream().map(f -> f.substring(0, f.indexOf('-') + 1)).toList());
            assertTrue(archives().get(0).endsWith(".jsa"), archives()::toString);
        }
    }

    /** A help run, or one refused for its arguments, loads too little of its command to record the command's archive from. */
    @Test
    void helpAndRefusedRunsRecordNoArchiveAndTheFirstRealRunDoes() throws Exception {
        Path site = SiteFixtures.stage("good/minimal.yml", dir);
        for (List<String> args : List.of(List.of("secrets", "set", "--help"), List.of("--version"),
                List.of("secrets", "set", "external.database.password", "--site", site.toString(), "--no-such-option"))) {
            ProcessBuilder pb = builder(site).command(Stream.concat(Stream.of(System.getProperty("oth.launcher")), args.stream()).toList());
            Process oth = pb.start();
            oth.getOutputStream().close();
            String out = new String(oth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(oth.waitFor(60, TimeUnit.SECONDS));
            assertEquals(args.contains("--no-such-option") ? 2 : 0, oth.exitValue(), out);
            assertEquals(List.of(), archives().stream().filter(f -> f.endsWith(".jsa")).toList(), args + " recorded an archive");
        }
        Process real = start(site);
        try (OutputStream in = real.getOutputStream()) {
            in.write("s3cret-value\n".getBytes(StandardCharsets.UTF_8));
        }
        real.getInputStream().readAllBytes();
        assertTrue(real.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, real.exitValue());
        assertEquals(List.of("secrets-"), archives().stream().map(f -> f.substring(0, f.indexOf('-') + 1)).toList());
    }

    @Test
    void brokenPlaybooksFromOthPlaybooksAreTheUsersInputAndExitTwoNamingTheFile() throws Exception {
        Path site = SiteFixtures.stage("good/minimal.yml", dir);
        Path playbooks = Files.createDirectories(dir.resolve("playbooks"));
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("oth.repo"), "playbooks"))) {
            for (Path f : files.toList()) {
                Files.copy(f, playbooks.resolve(f.getFileName()));
            }
        }
        Files.writeString(playbooks.resolve("roles.yml"), "roles:\n  lb: [\n");
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("oth.launcher"), "site", "validate", site.toString()).redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        pb.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        pb.environment().put("OTH_PLAYBOOKS", playbooks.toString());
        Process oth = pb.start();
        String out = new String(oth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(oth.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, oth.exitValue(), out);
        assertTrue(out.contains(playbooks.resolve("roles.yml") + ":"), out);
        assertFalse(out.contains("internal error"), out);
    }

    @Test
    void killingTheLauncherOutrightStopsTheJvmItStartedAndTheNextRunTidiesUp() throws Exception {
        Path site = SiteFixtures.stage("good/minimal.yml", dir);
        // Standard input from a FIFO this test holds open: the JVM waits on it for as long as the
        // test likes (a pipe from ProcessBuilder would close when the launcher is reaped).
        Path fifo = dir.resolve("stdin");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (RandomAccessFile held = new RandomAccessFile(fifo.toFile(), "rw")) {
            ProcessBuilder pb = builder(site).redirectInput(fifo.toFile());
            Process oth = pb.start();
            ProcessHandle jvm = jvmUnder(oth.toHandle());
            oth.destroyForcibly();
            assertTrue(oth.waitFor(10, TimeUnit.SECONDS));
            jvm.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(jvm.isAlive(), "the JVM went on without its launcher");
        }
        assertTrue(archives().stream().noneMatch(f -> f.endsWith(".jsa")), "a killed run recorded an archive: " + archives());

        Process again = start(site);
        again.getOutputStream().close();
        again.getInputStream().readAllBytes();
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        List<String> left = archives();
        assertTrue(left.stream().noneMatch(f -> f.contains(".jsa.")), "what the killed run left is still there: " + left);
    }

    /**
     * A plan run ({@code --check}) records and uses an archive of its own, so a real run of the same
     * command after it records the full one. Run with a stand-in JVM that only notes the archive
     * options it was given (and writes the archive it is asked to record).
     */
    @Test
    void aPlanRunKeepsAnArchiveOfItsOwn() throws Exception {
        Path noted = dir.resolve("noted");
        Path java = standInJava(noted);
        for (List<String> args : List.of(List.of("install", "--check"), List.of("install", "--check"), List.of("install"), List.of("install"),
                List.of("install", "--site", "x.yml", "--check"))) {
            ProcessBuilder pb = builder(dir).command(Stream.concat(Stream.of(System.getProperty("oth.launcher")), args.stream()).toList());
            pb.environment().put("JAVA", java.toString());
            Process run = pb.start();
            run.getInputStream().readAllBytes();
            assertTrue(run.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, run.exitValue(), args::toString);
        }
        List<String> options = Files.readAllLines(noted).stream().map(l -> l.replaceAll("-[0-9]+\\.jsa(\\.[0-9]+)?$", "")).toList();
        assertEquals(List.of("install.check", "install.check", "install", "install", "install.check"), options,
                "recorded by the first plan run, used by the next; recorded by the first real run, used by the next; the plan run's still there");
        assertEquals(List.of("install-", "install.check-"), archives().stream().map(f -> f.substring(0, f.indexOf('-') + 1)).sorted().toList());
    }

    /**
     * A build moved elsewhere (a move keeps the jar's size and time) records an archive of its own:
     * the JVM cannot use one that names the class files where they were, and says nothing.
     */
    @Test
    void aMovedBuildRecordsAnArchiveOfItsOwn() throws Exception {
        Path noted = dir.resolve("noted");
        Path java = standInJava(noted);
        Path launcher = Path.of(System.getProperty("oth.launcher"));
        for (String where : List.of("here", "there")) {
            Path build = Files.createDirectories(dir.resolve(where));
            Files.copy(launcher, build.resolve("oth"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(launcher.resolveSibling("oth.jar"), build.resolve("oth.jar"), StandardCopyOption.COPY_ATTRIBUTES);
            for (int i = 0; i < 2; i++) {
                ProcessBuilder pb = builder(dir).command(build.resolve("oth").toString(), "nodes");
                pb.environment().put("JAVA", java.toString());
                Process run = pb.start();
                run.getInputStream().readAllBytes();
                assertTrue(run.waitFor(60, TimeUnit.SECONDS));
            }
        }
        List<String> names = Files.readAllLines(noted).stream().map(l -> l.replaceAll("\\.jsa\\.[0-9]+$", ".jsa")).toList();
        assertEquals(4, names.size(), names::toString);
        assertEquals(names.get(0), names.get(1), "recorded here, then used here");
        assertEquals(names.get(2), names.get(3), "recorded there, then used there");
        assertFalse(names.get(0).equals(names.get(2)), "the moved build did not take the archive recorded for the other: " + names);
    }

    /**
     * A stand-in JVM (with the release file the launcher reads) that only notes the archive options
     * it was given, one file name a line in {@code noted}, and writes the archive it is asked to record.
     */
    private Path standInJava(Path noted) throws IOException {
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(dir.resolve("jdk/release"), "JAVA_VERSION=\"17.0.15\"\n");
        Path java = Files.writeString(jdk.resolve("java"), "#!/bin/sh\n"
                + "for a; do case $a in -XX:SharedArchiveFile=*|-XX:ArchiveClassesAtExit=*) printf '%s\\n' \"${a##*/}\" >>" + noted + ";; esac; done\n"
                + "for a; do case $a in -XX:ArchiveClassesAtExit=*) echo archive >\"${a#*=}\";; esac; done\n");
        java.toFile().setExecutable(true);
        return java;
    }

    private Process start(Path site) throws IOException {
        return builder(site).start();
    }

    private ProcessBuilder builder(Path site) {
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("oth.launcher"), "secrets", "set", "external.database.password", "--site", site.toString())
                .redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        pb.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        pb.environment().remove("OTH_CDS");
        pb.environment().remove("OTH_JAVA_OPTS");
        return pb;
    }

    /** The JVM the launcher started, once it is there. */
    private static ProcessHandle jvmUnder(ProcessHandle launcher) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Optional<ProcessHandle> child = launcher.children().filter(c -> c.info().command().orElse("").endsWith("java")).findFirst();
            if (child.isPresent()) {
                Thread.sleep(500); // past its start, into the wait for standard input
                return child.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the launcher started no JVM");
    }

    private List<String> archives() throws IOException {
        Path cache = dir.resolve("cache/oth");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
