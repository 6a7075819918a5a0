package io.oth.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * oth started as a person starts it, with the packaged launcher (installer/target/oth), its output
 * (stdout and stderr together) collected line by line as it comes, so that a test can act at a
 * given line: start a second run, or kill this one with SIGKILL.
 */
public final class Launched {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private Launched(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "oth-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static Launched oth(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of(System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString())));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new Launched(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process was killed: what it printed so far is kept.
        }
    }

    /** The first line that matches, once printed; empty when the run ended or the time ran out first. */
    public Optional<String> awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.test(lines.get(seen))) {
                        return Optional.of(lines.get(seen));
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /** The launcher's pid and its descendants' (the JVM, when the launcher does not exec it). */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(d -> pids.add(d.pid()));
        return pids;
    }

    /** SIGKILL to the launcher, as a person's kill -9 would do; returns once the launcher and its JVM are gone. */
    public void kill9() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the launcher did not die");
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the JVM under the launcher did not stop with it: " + p.pid(), e);
            }
        }
        reader.join(10_000);
    }

    /** For a test that failed halfway: this run must not go on into the next test. */
    public void stop() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }

    /** Waits for the run to end; its exit code. */
    public int exit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("oth did not end in " + timeout + "\n" + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines) + "\n";
        }
    }
}
