package io.oth.input;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lengths of time as people type them: {@code 4h}, {@code 90m}, {@code 1h30m}, {@code 2d}, {@code 45s}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]{1,6})([dhms])");

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (t.isEmpty() || end != t.length()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a length of time: write it like 4h, 90m, 1h30m, 2d or 45s");
        }
        return total;
    }

    /** The shortest form: {@code 1h30m}, {@code 7d}, {@code 10s}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (s >= sizes[i]) {
                b.append(s / sizes[i]).append(units[i]);
                s %= sizes[i];
            }
        }
        return b.isEmpty() ? "0s" : b.toString();
    }
}
