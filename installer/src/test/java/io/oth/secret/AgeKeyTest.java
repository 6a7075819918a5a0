package io.oth.secret;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AgeKeyTest {
    /** A pair age-keygen 1.1.1 made (a test key, protecting nothing). */
    private static final String IDENTITY = "AGE-SECRET-KEY-1JPXDUSX43JPLSEQLKAFJR003V050QU6ZLW2507ZZNFTWZ9G65CZQNGE3LC";
    private static final String RECIPIENT = "age1tnmltc3gjysavrtqq8z7m702wvmepge0y59xnxxn7ayzzj7hnvnqhde0h3";

    @Test
    void theRecipientOfAnAgeKeygenIdentityIsTheOneAgeKeygenPrinted() {
        assertEquals(RECIPIENT, AgeKey.recipient(Secret.of(IDENTITY)));
        assertTrue(AgeKey.isRecipient(RECIPIENT));
    }

    @Test
    void aGeneratedIdentityIsWrittenAsAgeWritesOne() {
        Secret identity = AgeKey.generate(new SecureRandom());
        assertTrue(identity.reveal().matches("AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"), "upper-case bech32, 74 characters");
        String recipient = AgeKey.recipient(identity);
        assertTrue(recipient.matches("age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}"), recipient);
        assertFalse(recipient.equals(AgeKey.recipient(AgeKey.generate(new SecureRandom()))), "two keys, two recipients");
    }

    @Test
    void damagedOrForeignKeysAreRefusedWithoutBeingQuoted() {
        String flipped = IDENTITY.substring(0, 30) + (IDENTITY.charAt(30) == 'Q' ? 'P' : 'Q') + IDENTITY.substring(31);
        for (String bad : new String[] {flipped, IDENTITY.toLowerCase().substring(0, 20) + IDENTITY.substring(20), RECIPIENT, "", "AGE-SECRET-KEY-1",
                IDENTITY + "Q", "x".repeat(5000)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgeKey.recipient(Secret.of(bad)));
            assertFalse(!bad.isEmpty() && e.getMessage().contains(bad), e.getMessage());
        }
        assertFalse(AgeKey.isRecipient(IDENTITY));
        assertFalse(AgeKey.isRecipient(RECIPIENT.toUpperCase()));
        assertFalse(AgeKey.isRecipient(RECIPIENT.substring(0, RECIPIENT.length() - 1) + "q"));
        assertFalse(AgeKey.isRecipient("age1 ; rm -rf /"));
    }

    /** Debian's age, where it is installed (the lab and CI have it): it decrypts with our identity what it encrypted to our recipient. */
    @Test
    void debiansAgeTakesTheKeysThisClassMakes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/age")), "age is not installed");
        Secret identity = AgeKey.generate(new SecureRandom());
        Path sealed = Files.createTempFile("age-test", ".age");
        try {
            run(new ProcessBuilder("/usr/bin/age", "-r", AgeKey.recipient(identity), "-o", sealed.toString()), "a planted value");
            assertTrue(Files.readString(sealed, StandardCharsets.ISO_8859_1).startsWith("age-encryption.org/v1\n-> X25519 "));
            assertEquals("a planted value", run(new ProcessBuilder("/usr/bin/age", "-d", "-i", "-", sealed.toString()), identity.reveal() + "\n"));
        } finally {
            Files.deleteIfExists(sealed);
        }
    }

    private static String run(ProcessBuilder builder, String stdin) throws IOException, InterruptedException {
        Process p = builder.redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
