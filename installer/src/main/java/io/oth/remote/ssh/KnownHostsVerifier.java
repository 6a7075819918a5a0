package io.oth.remote.ssh;

import io.oth.remote.Failure;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.site.SiteLoader;
import com.hierynomus.sshj.userauth.certificate.Certificate;
import io.oth.input.InputFiles;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.LoggerFactory;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Strict host-key checking against an OpenSSH known_hosts file, read as OpenSSH reads it. A key on
 * an {@code @revoked} line is refused whatever other lines say; an {@code @cert-authority} line
 * accepts host certificates signed by its key (sshj has checked the certificate's validity and
 * principals) and says nothing about plain keys; a changed key is always refused; an unknown key
 * is accepted only when {@link HostKeyTrust} says a person confirmed it, and is then recorded. One instance per connection attempt: it remembers why it refused. The file is parsed
 * once per fleet ({@link #parse}) and each verifier starts from a copy of those entries: parsing a
 * public key is not free (an RSA key's modulus is checked), and a fleet of N nodes would otherwise
 * parse the whole file N times.
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {
    private static final Object FILE_LOCK = new Object();
    /** Thousands of hosts with every key type each; a known_hosts file larger than this is not one. */
    static final int LIMIT = 8 << 20;

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

    /**
     * The entries of {@code knownHosts} (none when it does not exist yet), read as untrusted input:
     * a regular file of at most {@link #LIMIT} bytes.
     */
    static List<KnownHostEntry> parse(File knownHosts) throws IOException {
        if (!knownHosts.exists()) {
            return List.of();
        }
        String text = InputFiles.readText(knownHosts.toPath(), LIMIT, "an OpenSSH known_hosts file");
        return List.copyOf(new OpenSSHKnownHosts(new StringReader(text), LoggerFactory.DEFAULT).entries());
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

    /**
     * sshj's own loop lets a later line accept a key that an {@code @revoked} line names, and takes
     * an {@code @cert-authority} line whose CA key type matches a plain host key as that host's
     * recorded key (so every plain key of a host under a CA looked "changed").
     */
    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        KeyType type = KeyType.fromKey(key);
        if (type == KeyType.UNKNOWN) {
            return false;
        }
        String host = port != SiteLoader.SSH_PORT ? "[" + hostname.toLowerCase() + "]:" + port : hostname.toLowerCase();
        Optional<String> revoked = revokedBy(entries(), key);
        if (revoked.isPresent()) {
            refusal = new RemoteException(hostLabel, Failure.HOST_KEY_CHANGED, host + " offered " + type + " " + sha256(key)
                    + ", which " + getFile() + " marks @revoked (" + revoked.get() + "); nothing was sent to this host");
            return false;
        }
        boolean recorded = false;
        for (KnownHostEntry entry : entries()) {
            try {
                boolean authority = Marker.of(entry) == Marker.CA;
                if (authority != key instanceof Certificate<?> || !entry.appliesTo(type, host)) {
                    continue;
                }
                recorded |= !authority;
                if (entry.verify(key)) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                recorded = true;
            }
        }
        return recorded ? hostKeyChangedAction(host, key) : hostKeyUnverifiableAction(host, key);
    }

    /** What an entry's first field marks it as. sshj keeps the marker to itself; its line shows it. */
    enum Marker {
        NONE, CA, REVOKED;

        static Marker of(KnownHostEntry entry) {
            if (!(entry instanceof HostEntry host)) {
                return NONE;
            }
            String line = host.getLine();
            return line.startsWith("@revoked") ? REVOKED : line.startsWith("@cert-authority") ? CA : NONE;
        }
    }

    /**
     * The {@code @revoked} line that names {@code key}, or for a certificate its own key or its
     * CA's, if there is one. A revoked key is never accepted, for any host.
     */
    static Optional<String> revokedBy(List<KnownHostEntry> entries, PublicKey key) {
        List<String> keys = new ArrayList<>();
        keys.add(blob(key));
        if (key instanceof Certificate<?> certificate) {
            keys.add(blob(certificate.getKey()));
            keys.add(Base64.getEncoder().encodeToString(certificate.getSignatureKey()));
        }
        for (KnownHostEntry entry : entries) {
            if (Marker.of(entry) == Marker.REVOKED) {
                String[] fields = ((HostEntry) entry).getLine().trim().split("\\s+");
                if (fields.length >= 4 && keys.contains(fields[3])) {
                    return Optional.of("@revoked " + fields[1] + " " + fields[2] + " " + KnownHostsFiles.sha256(Base64.getDecoder().decode(fields[3])));
                }
            }
        }
        return Optional.empty();
    }

    /** The SHA256 fingerprints of every key that {@code entries} mark {@code @revoked}. */
    static List<String> revokedFingerprints(List<KnownHostEntry> entries) {
        List<String> found = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            if (Marker.of(entry) == Marker.REVOKED) {
                String[] fields = ((HostEntry) entry).getLine().trim().split("\\s+");
                if (fields.length >= 4) {
                    found.add(KnownHostsFiles.sha256(Base64.getDecoder().decode(fields[3])));
                }
            }
        }
        return found;
    }

    private static String blob(PublicKey key) {
        return Base64.getEncoder().encodeToString(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
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

    /** The SHA256 fingerprints that {@code entries} record for {@code hostname} and key type (marked lines are not records). */
    static List<String> recordedFingerprints(List<KnownHostEntry> entries, String hostname, String type) {
        List<String> found = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            try {
                if (Marker.of(entry) == Marker.NONE && entry.appliesTo(KeyType.fromString(type), hostname) && entry instanceof HostEntry host) {
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
