package io.oth.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The namespace lab of lab/lab, driven from tests: real hosts with real sshd on this machine.
 * {@link LabExtension} brings it up once per test run and always tears it down.
 */
public final class Lab {
    private final Path script;
    private final Path dir;
    private final int apps;

    Lab(Path script, Path dir, int apps) {
        this.script = script;
        this.dir = dir;
        this.apps = apps;
    }

    /** oth as the build made it (installer/target/oth, or {@code -Doth.launcher}), started with {@code env} added: stdout and stderr together, stdin closed. */
    public static Process launcher(java.util.Map<String, String> env, String... args) throws java.io.IOException {
        List<String> argv = new ArrayList<>(List.of(System.getProperty("oth.launcher", repo().resolve("installer/target/oth").toString())));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    public static Path repo() {
        return Path.of(System.getProperty("oth.repo", "..")).toAbsolutePath().normalize();
    }

    /** The state directory holding site.yml, known_hosts and the operator key. */
    public Path dir() {
        return dir;
    }

    public Path site() {
        return dir.resolve("site.yml");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    public Path key() {
        return dir.resolve("id_ed25519");
    }

    public int apps() {
        return apps;
    }

    /** The lab's node names: the load balancer, the storage node and the app nodes. */
    public List<String> nodes() {
        List<String> nodes = new ArrayList<>(List.of("lb", "storage"));
        for (int i = 1; i <= apps; i++) {
            nodes.add("app" + i);
        }
        return nodes;
    }

    /** The same hosts built again from scratch, for a test class that starts from bare nodes whatever ran before it. */
    public void bareNodes() {
        Result up = lab("up", "--replace", String.valueOf(apps));
        if (up.exitCode() != 0) {
            throw new AssertionError("lab up --replace " + apps + " failed: " + up.output());
        }
    }

    /**
     * Bare nodes as {@link #bareNodes()} makes them, each with its own copy-on-write /usr
     * ({@code OTH_LAB_COW_USR=1}), for a test that installs Debian packages on them; a later
     * {@link #bareNodes()} gives the next test class hosts that share the machine's /usr again.
     */
    public void bareNodesWithOwnUsr() {
        Result up = run(script, dir, java.util.Map.of("OTH_LAB_COW_USR", "1"), "up", "--replace", String.valueOf(apps));
        if (up.exitCode() != 0) {
            throw new AssertionError("OTH_LAB_COW_USR=1 lab up --replace " + apps + " failed: " + up.output());
        }
    }

    /**
     * Starts a client on the internet host that asks the site for its health every 0.2 s, checking
     * the served certificate against the lab's root, until {@link #stopRequestLoop}; one log line
     * per answer: {@code ok}, or {@code fail} with curl's exit code, the HTTP status, the time and the start of
     * what came back.
     */
    public void startRequestLoop() {
        exec("inet", "sh", "-c", "rm -f /tmp/client.log; touch /tmp/client.run; setsid -f sh -c 'while [ -e /tmp/client.run ]; do"
                + " c=$(curl -sS --cacert /var/lib/oth-lab/trust/site-root.pem --max-time 3 -o /tmp/client.body -w %{http_code}"
                + " https://oth.example.test/healthz 2>/tmp/client.err); e=$?; if [ $e = 0 ] && [ \"$c\" = 200 ]; then echo ok;"
                + " else echo \"fail $e $c $(date +%T.%N) $(head -c 300 /tmp/client.body /tmp/client.err | tr -s \"\\n\" \" \")\"; fi >> /tmp/client.log;"
                + " sleep 0.2; done' </dev/null >/dev/null 2>&1");
    }

    /** Stops the client of {@link #startRequestLoop} (its last request may take up to 3 s) and returns its log. */
    public String stopRequestLoop() throws InterruptedException {
        exec("inet", "rm", "-f", "/tmp/client.run");
        Thread.sleep(3_500);
        return exec("inet", "cat", "/tmp/client.log");
    }

    /** Runs a command inside a lab host; fails the test when it exits non-zero. */
    public String exec(String host, String... command) {
        Result r = tryExec(host, command);
        if (r.exitCode != 0) {
            throw new AssertionError("lab exec " + host + " " + String.join(" ", command) + " exited " + r.exitCode + ": " + r.output);
        }
        return r.output;
    }

    public Result tryExec(String host, String... command) {
        List<String> argv = new ArrayList<>(List.of("exec", host));
        argv.addAll(List.of(command));
        return lab(argv.toArray(String[]::new));
    }

    /** Runs {@code lab ARGS...} and returns its exit code and combined output. */
    public Result lab(String... args) {
        return run(script, dir, args);
    }

    static Result run(Path script, Path dir, String... args) {
        return run(script, dir, java.util.Map.of(), args);
    }

    static Result run(Path script, Path dir, java.util.Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of(script.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("OTH_LAB_DIR", dir.toString());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("lab " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The lab's site file with every relative path made absolute, so a test can copy it anywhere. */
    public String siteText() {
        try {
            return Files.readString(site()).replace("./", dir + "/");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public record Result(int exitCode, String output) {
    }
}
