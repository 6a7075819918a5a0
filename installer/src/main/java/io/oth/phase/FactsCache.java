package io.oth.phase;

import io.oth.op.Probe;
import io.oth.remote.RemoteException;
import io.oth.secret.PrivateFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The facts each node gave the site's last run that read them, on the operator's side
 * ({@code STATE/facts/NODE}): what a run plans every phase's probes from before it has the node's
 * facts of this run, so that they are asked in the session that takes the node's lock
 * ({@link ProbesAhead}). Nothing is ever decided from them: a run uses the probes' answers only when
 * the node's facts of this run are the same.
 *
 * <p>The files are oth's own, in the site's 0700 state directory; each is still read as untrusted
 * text (bounded, then through {@link HostFacts#parse}), and one that does not parse is no guess.
 */
public final class FactsCache {
    /** A few short lines; anything longer is not a file this class wrote. */
    private static final int MAX_BYTES = 4096;
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
    private static final String[] KEYS = {"hostname", "init", "source", "forwarding"};

    /** No cache: nothing is read or kept (a plan, a test). */
    public static final FactsCache NONE = new FactsCache(null);

    private final Path dir;

    FactsCache(Path dir) {
        this.dir = dir;
    }

    /** The cache in {@code siteState}, a site's state directory. */
    public static FactsCache in(Path siteState) {
        return new FactsCache(siteState.resolve("facts"));
    }

    /** The facts {@code node} gave the last run, when there are some that parse. */
    public Optional<HostFacts> last(String node) {
        if (dir == null || !NODE.matcher(node).matches()) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(dir.resolve(node))) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            // None kept yet (NoSuchFileException), or unreadable: no guess either way.
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) {
            return Optional.empty();
        }
        Map<String, Probe.Answer> answers = new HashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                answers.put(line.substring(0, eq), new Probe.Answer(0, line.substring(eq + 1)));
            }
        }
        try {
            return Optional.of(HostFacts.parse(node, answers));
        } catch (RemoteException e) {
            return Optional.empty();
        }
    }

    /** Keeps {@code facts} as {@code node}'s last (not the files a read removed: they are of that read only). */
    public void keep(String node, HostFacts facts) {
        if (dir == null || !NODE.matcher(node).matches() || last(node).filter(facts::plansLike).isPresent()) {
            return;
        }
        String[] values = {facts.hostname(), facts.init() == io.oth.op.InitSystem.SYSTEMD ? "systemd" : "sysv",
                facts.sshSource().getHostAddress() + " " + facts.sshPort(), facts.forwarding() ? "1" : "0"};
        StringBuilder text = new StringBuilder("# oth: the facts node " + node + " gave the last run (oth plans its probes from them)\n");
        for (int i = 0; i < KEYS.length; i++) {
            text.append(KEYS[i]).append('=').append(values[i]).append('\n');
        }
        try {
            PrivateFiles.createDirectory(dir);
            PrivateFiles.write(dir.resolve(node), text.toString());
        } catch (IOException e) {
            // A cache that cannot be written costs the next run one round trip, nothing more.
        }
    }
}
