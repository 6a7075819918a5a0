package io.oth.remote.ssh;

import io.oth.remote.HostKeyTrust;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

import java.io.IOException;
import java.nio.file.Path;

/** Trust that comes from a known_hosts file someone gave up front, instead of from a person. */
public final class KnownHostsFiles {
    private KnownHostsFiles() {
    }

    /** Accepts exactly the keys {@code file} records for each address. */
    public static HostKeyTrust trustFrom(Path file) throws IOException {
        OpenSSHKnownHosts given = new OpenSSHKnownHosts(file.toFile());
        return (label, address, type, fingerprint) ->
                KnownHostsVerifier.recordedFingerprints(given.entries(), address, type).contains(fingerprint);
    }
}
