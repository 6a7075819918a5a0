package io.oth.concurrent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oth's background work blocks (stream reads, network checks), so none of it may run on the JDK's
 * common pool, which {@code supplyAsync} and {@code runAsync} use when given no executor: with one
 * thread fewer than the cores, a machine of four would queue a fourth blocking read behind three
 * others. Every such call in main code names its executor ({@link OwnThread} for one-offs).
 */
class NoCommonPoolTest {
    private static final Path MAIN = Path.of("src/main/java/io/oth");
    private static final Pattern ASYNC = Pattern.compile("\\b(supplyAsync|runAsync)\\(");

    @Test
    void everyAsyncCallInMainCodeNamesItsExecutor() throws IOException {
        List<String> found = new ArrayList<>();
        int calls = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String code = Files.readString(file);
                Matcher m = ASYNC.matcher(code);
                while (m.find()) {
                    calls++;
                    if (!hasSecondArgument(code, m.end())) {
                        int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                        found.add(MAIN.relativize(file) + ":" + line + ": " + m.group(1) + " without an executor");
                    }
                }
            }
        }
        assertTrue(calls > 5, "the scan found the calls it is about: " + calls);
        assertEquals(List.of(), found, "runs on the common pool; pass an executor (OwnThread.named(...) for a one-off)");
    }

    @Test
    void theScanTellsOneArgumentFromTwo() {
        assertFalse(hasSecondArgument("supplyAsync(() -> f(a, b));", 12));
        assertFalse(hasSecondArgument("supplyAsync(() -> \"a, b\");", 12));
        assertTrue(hasSecondArgument("supplyAsync(() -> f(a, b), executor);", 12));
        assertTrue(hasSecondArgument("runAsync(() -> {\n  g(',');\n}, pool);", 9));
    }

    /** Whether the argument list that starts at {@code from} (just after its parenthesis) has a comma outside nested brackets and literals. */
    static boolean hasSecondArgument(String code, int from) {
        int depth = 0;
        for (int i = from; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '"' || c == '\'') {
                for (i++; i < code.length() && code.charAt(i) != c; i++) {
                    if (code.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                if (depth == 0) {
                    return false;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return true;
            }
        }
        return false;
    }
}
