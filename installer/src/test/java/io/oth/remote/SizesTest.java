package io.oth.remote;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SizesTest {
    @Test
    void kibibytesReadAsTheOperatorWouldWriteThem() {
        assertEquals("0 KiB", Sizes.ofKib(0));
        assertEquals("1023 KiB", Sizes.ofKib(1023));
        assertEquals("1 MiB", Sizes.ofKib(1024));
        assertEquals("300 MiB", Sizes.ofKib(300 * 1024 + 1000));
        assertEquals("3.1 GiB", Sizes.ofKib(3L * 1024 * 1024 + 110 * 1024));
    }

    @Test
    void bytesAreRoundedUpToWholeKibibytes() {
        assertEquals("1 KiB", Sizes.ofBytes(10));
        assertEquals("14 MiB", Sizes.ofBytes(14_856_318));
        assertEquals("16 MiB", Sizes.ofBytes(16L << 20));
    }
}
