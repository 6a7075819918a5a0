package io.oth.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SupportKeysTest {
    static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOdF7uiMkD6NA8puBrBzBD4pAbqe7PNscbpgnqBm8jhX alice@support";

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("support.pub");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void keysAreReadWithTheirFingerprintsSkippingCommentsAndBlankLines() throws Exception {
        SupportKeys keys = SupportKeys.read(file("# the support team\n\n" + ED25519 + "\n"));
        assertEquals(1, keys.keys().size());
        SupportKeys.Key key = keys.keys().get(0);
        assertEquals("ssh-ed25519", key.type());
        assertEquals("alice@support", key.comment());
        assertEquals(FINGERPRINT, key.fingerprint());
        assertEquals("restrict " + ED25519, key.line("restrict"));
    }

    /** What {@code ssh-keygen -lf} prints for {@link #ED25519}. */
    static final String FINGERPRINT = "SHA256:hUQOI37jJHbmoI95Tb/yjoF3wotYPcHL0k0ZEs8yuhw";

    @Test
    void aKeyFileThatIsAFifoOrADeviceIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("support.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertEquals(fifo + " is a FIFO, not a regular file (expected a file of OpenSSH public keys)", message(fifo));
        Path zero = Files.createSymbolicLink(dir.resolve("zero.pub"), Path.of("/dev/zero"));
        assertEquals(zero + " is a character device, not a regular file (expected a file of OpenSSH public keys)", message(zero));
    }

    @Test
    void eachBadLineIsNamedWithItsFileAndLine() throws Exception {
        Path f = file(ED25519 + "\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOdF7uiMkD6NA8pu\n");
        assertEquals(f + " line 2: the ssh-ed25519 key does not decode", message(f).replaceAll(" \\(.*", ""));
        assertEquals(f + " line 1: starts with authorized_keys options; give the bare key (oth sets from=, expiry-time= and the restrictions itself)",
                message(file("from=\"10.0.0.1\" " + ED25519)));
        assertEquals(f + " line 1: \"ssh-dss2\" is not an SSH public key type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ...)",
                message(file(ED25519.replace("ssh-ed25519", "ssh-dss2"))));
        assertEquals(f + " line 1: expected \"TYPE BASE64 [COMMENT]\", as in a .pub file", message(file("ssh-ed25519\n")));
        assertEquals(f + " line 1: this is a private key; give the public one (the .pub file) and keep the private key with its owner",
                message(file("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n")));
        assertEquals(f + " line 1: the line says ssh-rsa but the key inside is ssh-ed25519",
                message(file(ED25519.replace("ssh-ed25519", "ssh-rsa"))));
        assertEquals(f + ": no public key in it (one OpenSSH public key per line, as in a .pub file)", message(file("# nobody yet\n")));
        assertEquals(f + " line 1: the key is not valid base64", message(file("ssh-ed25519 not*base64")).replaceAll(" \\(.*", ""));
    }

    private static String message(Path f) {
        return assertThrows(SupportKeys.KeyFileException.class, () -> SupportKeys.read(f)).getMessage();
    }
}
