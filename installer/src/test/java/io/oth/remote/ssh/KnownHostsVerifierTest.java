package io.oth.remote.ssh;

import io.oth.remote.Failure;
import io.oth.remote.HostKeyTrust;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts.KnownHostEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Security;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KnownHostsVerifierTest {
    private static final HostKeyTrust NOBODY = (label, address, type, fingerprint) -> false;

    @TempDir
    Path dir;

    @Test
    void oneParseServesEveryConnectionAndARecordedKeyIsAccepted() throws Exception {
        Class.forName(SshFleet.class.getName());
        PublicKey ed = key("Ed25519");
        PublicKey rsa = key("RSA");
        PublicKey ecdsa = key("EC");
        Path file = write(line("10.77.0.11", ed), line("10.77.0.12", rsa), line("10.77.0.20", ecdsa));
        List<KnownHostEntry> parsed = KnownHostsVerifier.parse(file.toFile());

        KnownHostsVerifier app1 = KnownHostsVerifier.of(file.toFile(), parsed, "app1", NOBODY);
        KnownHostsVerifier app2 = KnownHostsVerifier.of(file.toFile(), parsed, "app2", NOBODY);
        assertTrue(app1.verify("10.77.0.11", 22, ed));
        assertTrue(app2.verify("10.77.0.12", 22, rsa));
        assertTrue(KnownHostsVerifier.of(file.toFile(), parsed, "storage", NOBODY).verify("10.77.0.20", 22, ecdsa));
        assertNull(app1.refusal());
        assertEquals(file.toFile(), app1.getFile());
    }

    @Test
    void aRecordedRsaKeyIsAskedForWithSha2SignaturesFirst() throws Exception {
        Path file = write(line("10.77.0.11", key("RSA")), line("10.77.0.12", key("Ed25519")));
        List<KnownHostEntry> parsed = KnownHostsVerifier.parse(file.toFile());
        assertEquals(List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"),
                KnownHostsVerifier.of(file.toFile(), parsed, "app1", NOBODY).findExistingAlgorithms("10.77.0.11", 22));
        assertEquals(List.of("ssh-ed25519"), KnownHostsVerifier.of(file.toFile(), parsed, "app2", NOBODY).findExistingAlgorithms("10.77.0.12", 22));
    }

    @Test
    void theStartsSampleKeysAllDecodeSoThatEachKindIsWarmedUp() {
        assertEquals(3, SshFleet.warmKeyDecoding(), "one entry per kind of key: ECDSA, Ed25519, RSA");
    }

    @Test
    void aChangedKeyIsRefusedNamingWhatIsRecorded() throws Exception {
        PublicKey recorded = key("Ed25519");
        Path file = write(line("10.77.0.11", recorded));
        KnownHostsVerifier app1 = KnownHostsVerifier.of(file.toFile(), KnownHostsVerifier.parse(file.toFile()), "app1", (l, a, t, f) -> true);

        assertFalse(app1.verify("10.77.0.11", 22, key("Ed25519")));
        assertEquals(Failure.HOST_KEY_CHANGED, app1.refusal().failure());
        assertTrue(app1.refusal().getMessage().contains(KnownHostsVerifier.sha256(recorded)), app1.refusal().getMessage());
    }

    @Test
    void aConfirmedKeyIsAppendedAndAnUnconfirmedOneIsNot() throws Exception {
        Path file = write(line("10.77.0.11", key("Ed25519")));
        PublicKey fresh = key("Ed25519");
        List<String> asked = new ArrayList<>();
        HostKeyTrust person = (label, address, type, fingerprint) -> asked.add(label + " " + address + " " + type + " " + fingerprint);

        KnownHostsVerifier refusing = KnownHostsVerifier.of(file.toFile(), KnownHostsVerifier.parse(file.toFile()), "app2", NOBODY);
        assertFalse(refusing.verify("10.77.0.12", 22, fresh));
        assertEquals(Failure.HOST_KEY_UNKNOWN, refusing.refusal().failure());
        assertEquals(1, Files.readAllLines(file).size());

        KnownHostsVerifier confirming = KnownHostsVerifier.of(file.toFile(), KnownHostsVerifier.parse(file.toFile()), "app2", person);
        assertTrue(confirming.verify("10.77.0.12", 22, fresh));
        assertEquals(List.of("app2 10.77.0.12 ssh-ed25519 " + KnownHostsVerifier.sha256(fresh)), asked);
        assertEquals(2, Files.readAllLines(file).size());
        assertTrue(KnownHostsVerifier.of(file.toFile(), KnownHostsVerifier.parse(file.toFile()), "app2", NOBODY).verify("10.77.0.12", 22, fresh));
    }

    @Test
    void aRevokedKeyIsRefusedEvenWhenAnotherLineRecordsIt() throws Exception {
        PublicKey key = key("Ed25519");
        Path file = write(line("10.77.0.11", key), "@revoked * " + line("", key).strip());
        KnownHostsVerifier app1 = KnownHostsVerifier.of(file.toFile(), KnownHostsVerifier.parse(file.toFile()), "app1", (l, a, t, f) -> true);

        assertFalse(app1.verify("10.77.0.11", 22, key));
        assertEquals(Failure.HOST_KEY_CHANGED, app1.refusal().failure());
        assertTrue(app1.refusal().getMessage().contains("@revoked"), app1.refusal().getMessage());
        // Revoked for every host, also one no other line names, and never offered to a person.
        KnownHostsVerifier app2 = KnownHostsVerifier.of(file.toFile(), KnownHostsVerifier.parse(file.toFile()), "app2", (l, a, t, f) -> true);
        assertFalse(app2.verify("10.77.0.12", 22, key));
        assertEquals(2, Files.readAllLines(file).size());
    }

    @Test
    void aCertificateAuthorityLineDoesNotMakeAPlainKeyLookChanged() throws Exception {
        PublicKey ca = key("Ed25519");
        Path file = write("@cert-authority 10.77.0.* " + line("", ca).strip());
        KnownHostsVerifier app1 = KnownHostsVerifier.of(file.toFile(), KnownHostsVerifier.parse(file.toFile()), "app1", NOBODY);

        assertFalse(app1.verify("10.77.0.11", 22, key("Ed25519")));
        assertEquals(Failure.HOST_KEY_UNKNOWN, app1.refusal().failure());
        assertFalse(app1.verify("10.77.0.11", 22, ca), "a CA's own key is not a host key");
        assertTrue(app1.findExistingAlgorithms("10.77.0.11", 22).contains("ssh-ed25519-cert-v01@openssh.com"));
    }

    @Test
    void trustFromAFileNeverTrustsAKeyItRevokes() throws Exception {
        PublicKey listed = key("Ed25519");
        PublicKey onlyRevoked = key("Ed25519");
        PublicKey both = key("Ed25519");
        Path given = Files.write(dir.resolve("given"), List.of(line("10.77.0.11", listed), "@revoked 10.77.0.12 " + line("", onlyRevoked).strip(),
                line("10.77.0.13", both), "@revoked * " + line("", both).strip()));
        HostKeyTrust trust = KnownHostsFiles.trustFrom(given);

        assertTrue(trust.confirm("app1", "10.77.0.11", "ssh-ed25519", KnownHostsVerifier.sha256(listed)));
        assertFalse(trust.confirm("app2", "10.77.0.12", "ssh-ed25519", KnownHostsVerifier.sha256(onlyRevoked)));
        assertFalse(trust.confirm("app3", "10.77.0.13", "ssh-ed25519", KnownHostsVerifier.sha256(both)));
    }

    @Test
    void aKnownHostsFileThatIsAFifoOrTooLargeIsRefusedWithoutBeingRead() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        IOException refused = assertThrows(IOException.class, () -> KnownHostsVerifier.parse(fifo.toFile()));
        assertTrue(refused.getMessage().contains("FIFO"), refused.getMessage());

        Path big = dir.resolve("big");
        try (var out = Files.newOutputStream(big)) {
            out.write(new byte[KnownHostsVerifier.LIMIT + 1]);
        }
        assertThrows(IOException.class, () -> KnownHostsVerifier.parse(big.toFile()));
        assertThrows(IOException.class, () -> KnownHostsFiles.trustFrom(fifo));
        assertTrue(KnownHostsVerifier.parse(dir.resolve("none").toFile()).isEmpty(), "a file that does not exist yet is empty");
    }

    @Test
    void sshUsesOnlyTheJdksProvidersWithTheJdksEcKeysUnderTheNameEcdsa() throws Exception {
        // Whatever registered Bouncy Castle in this JVM before (another test), SSH must not need it.
        Security.removeProvider("BC");
        Security.removeProvider(SshJcaNames.NAME);
        SshFleet.useJdkProviders();
        SshFleet.useJdkProviders();
        assertNull(SecurityUtils.getSecurityProvider());
        assertNull(Security.getProvider("BC"));
        assertEquals(1, java.util.Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals(SshJcaNames.NAME)).count(), "added once");
        assertEquals("SunRsaSign", SecurityUtils.getKeyFactory("RSA").getProvider().getName());
        assertEquals("SunJCE", SecurityUtils.getCipher("AES/GCM/NoPadding").getProvider().getName());
        assertEquals(SshJcaNames.NAME, SecurityUtils.getKeyFactory("ECDSA").getProvider().getName());

        // An ECDSA key goes through sshj's encoding and back as the JDK's EC key, and verifies as one.
        PublicKey ecdsa = key("EC");
        Path file = write(line("10.0.0.7", ecdsa));
        List<KnownHostEntry> parsed = KnownHostsVerifier.parse(file.toFile());
        assertEquals(1, parsed.size());
        assertTrue(KnownHostsVerifier.of(file.toFile(), parsed, "storage", NOBODY).verify("10.0.0.7", 22, ecdsa), "the ECDSA key read back is the same key");
    }

    private Path write(String... lines) throws Exception {
        return Files.write(dir.resolve("known_hosts"), List.of(lines));
    }

    private static String line(String host, PublicKey key) {
        byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
        return host + " " + KeyType.fromKey(key) + " " + Base64.getEncoder().encodeToString(blob);
    }

    private static PublicKey key(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) {
            generator.initialize(2048);
        } else if (algorithm.equals("EC")) {
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        }
        return generator.generateKeyPair().getPublic();
    }
}
