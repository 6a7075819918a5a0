package io.oth.remote;

import java.util.Locale;

/** Amounts of disk and transfer as an operator reads them: 512 KiB, 300 MiB, 3.1 GiB. */
public final class Sizes {
    private Sizes() {
    }

    public static String ofKib(long kib) {
        if (kib < 1024) {
            return kib + " KiB";
        }
        if (kib < 1024 * 1024) {
            return kib / 1024 + " MiB";
        }
        return String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024));
    }

    /** Rounded up to whole KiB: a file of 10 bytes needs a block, not nothing. */
    public static String ofBytes(long bytes) {
        return ofKib((bytes + 1023) / 1024);
    }
}
