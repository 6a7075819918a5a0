package io.oth.remote.ssh;

import io.oth.remote.HostKeyTrust;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** Trust that comes from a known_hosts file someone gave up front, instead of from a person. */
public final class KnownHostsFiles {
    private KnownHostsFiles() {
    }

    /** Accepts exactly the keys {@code file} records for each address, never one it marks {@code @revoked}. */
    public static HostKeyTrust trustFrom(Path file) throws IOException {
        if (!file.toFile().exists()) {
            throw new NoSuchFileException(file.toString());
        }
        List<OpenSSHKnownHosts.KnownHostEntry> given = KnownHostsVerifier.parse(file.toFile());
        List<String> revoked = KnownHostsVerifier.revokedFingerprints(given);
        return (label, address, type, fingerprint) -> !revoked.contains(fingerprint)
                && KnownHostsVerifier.recordedFingerprints(given, address, type).contains(fingerprint);
    }

    /** OpenSSH's {@code SHA256:...} fingerprint of a public key blob (the base64-decoded middle of a .pub line). */
    public static String sha256(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
