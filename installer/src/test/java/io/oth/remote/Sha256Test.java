package io.oth.remote;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class Sha256Test {
    @Test
    void printsWhatSha256sumPrints() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0]));
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Sha256.hex("hello".getBytes()));
    }

    @Test
    void aLargeContentIsRememberedPerArrayNotPerValue() {
        byte[] one = new byte[1 << 20];
        byte[] other = new byte[1 << 20];
        other[0] = 1;
        String first = Sha256.hex(one);
        assertEquals(first, Sha256.hex(one));
        assertNotEquals(first, Sha256.hex(other));
        // An equal copy is another array: hashed on its own, to the same digest.
        assertEquals(first, Sha256.hex(Arrays.copyOf(one, one.length)));
    }

    @Test
    void threadsAskingForOneArrayAllGetItsDigest() throws Exception {
        byte[] content = new byte[4 << 20];
        Arrays.fill(content, (byte) 7);
        String expected = Sha256.hex(Arrays.copyOf(content, content.length));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> Sha256.hex(content)));
            }
            for (Future<String> answer : answers) {
                assertEquals(expected, answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
