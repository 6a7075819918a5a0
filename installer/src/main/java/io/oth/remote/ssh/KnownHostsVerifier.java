package io.oth.remote.ssh;

import io.oth.remote.Failure;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Strict host-key checking against an OpenSSH known_hosts file. A changed key is always refused;
 * an unknown key is accepted only when {@link HostKeyTrust} says a person confirmed it, and is then
 * recorded. One instance per connection attempt: it remembers why it refused. The file is parsed
 * once per fleet ({@link #parse}) and each verifier starts from a copy of those entries: parsing a
 * public key is not free (an RSA key's modulus is checked), and a fleet of N nodes would otherwise
 * parse the whole file N times.
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {
    private static final Object FILE_LOCK = new Object();

    private final File file;
    private final String hostLabel;
    private final HostKeyTrust trust;
    private RemoteException refusal;

    private KnownHostsVerifier(File knownHosts, List<KnownHostEntry> parsed, String hostLabel, HostKeyTrust trust) throws IOException {
        super(Reader.nullReader());
        this.file = knownHosts;
        this.hostLabel = hostLabel;
        this.trust = trust;
        entries.addAll(parsed);
    }

    /** A verifier for one connection, starting from the {@code parsed} entries of {@code knownHosts}. */
    static KnownHostsVerifier of(File knownHosts, List<KnownHostEntry> parsed, String hostLabel, HostKeyTrust trust) {
        try {
            return new KnownHostsVerifier(knownHosts, parsed, hostLabel, trust);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an empty reader", e);
        }
    }

    /** The entries of {@code knownHosts} (none when it does not exist yet). */
    static List<KnownHostEntry> parse(File knownHosts) throws IOException {
        return List.copyOf(new OpenSSHKnownHosts(knownHosts).entries());
    }

    @Override
    public File getFile() {
        return file;
    }

    /**
     * The host key algorithms to ask for first, because known_hosts has keys of their kind. sshj
     * names only "ssh-rsa" for a recorded RSA key, a SHA-1 signature that OpenSSH 8.8 and later
     * refuse; the server then offers another kind of key, which known_hosts does not have. Like
     * OpenSSH's client, ask for the RSA key with SHA-2 signatures first.
     */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        List<String> algorithms = new ArrayList<>();
        for (String algorithm : super.findExistingAlgorithms(hostname, port)) {
            if (algorithm.equals("ssh-rsa")) {
                algorithms.add("rsa-sha2-512");
                algorithms.add("rsa-sha2-256");
            }
            algorithms.add(algorithm);
        }
        return algorithms;
    }

    /** Why the last key was refused, if it was. */
    RemoteException refusal() {
        return refusal;
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
        String type = KeyType.fromKey(key).toString();
        String fingerprint = sha256(key);
        synchronized (FILE_LOCK) {
            if (trust.confirm(hostLabel, hostname, type, fingerprint)) {
                try {
                    File file = getFile();
                    File dir = file.getAbsoluteFile().getParentFile();
                    if (dir != null) {
                        Files.createDirectories(dir.toPath());
                    }
                    HostEntry entry = new HostEntry(null, hostname, KeyType.fromKey(key), key);
                    Files.writeString(file.toPath(), entry.getLine() + System.lineSeparator(),
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    entries.add(entry);
                    return true;
                } catch (IOException e) {
                    refusal = new RemoteException(hostLabel, Failure.HOST_KEY_UNKNOWN,
                            "confirmed, but could not record it in " + getFile() + ": " + e.getMessage());
                    return false;
                }
            }
        }
        refusal = new RemoteException(hostLabel, Failure.HOST_KEY_UNKNOWN,
                hostname + " offered " + type + " " + fingerprint + ", which " + getFile()
                        + " does not know; to trust it after checking the fingerprint: oth hosts trust");
        return false;
    }

    @Override
    protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
        String expected = String.join(", ", recordedFingerprints(entries(), hostname, KeyType.fromKey(key).toString()));
        refusal = new RemoteException(hostLabel, Failure.HOST_KEY_CHANGED,
                hostname + " offered " + KeyType.fromKey(key) + " " + sha256(key) + " but " + getFile()
                        + " records " + expected + "; nothing was sent to this host");
        return false;
    }

    /** The SHA256 fingerprints that {@code entries} record for {@code hostname} and key type. */
    static List<String> recordedFingerprints(List<KnownHostEntry> entries, String hostname, String type) {
        List<String> found = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            try {
                if (entry.appliesTo(KeyType.fromString(type), hostname) && entry instanceof HostEntry host) {
                    String[] fields = host.getLine().trim().split("\\s+");
                    for (int i = 0; i + 1 < fields.length; i++) {
                        if (fields[i].equals(type)) {
                            found.add(KnownHostsFiles.sha256(Base64.getDecoder().decode(fields[i + 1])));
                        }
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                found.add("an unreadable entry");
            }
        }
        return found;
    }

    /** OpenSSH's {@code SHA256:...} fingerprint of a public key. */
    static String sha256(PublicKey key) {
        return KnownHostsFiles.sha256(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
    }

}
