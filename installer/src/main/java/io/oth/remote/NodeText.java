package io.oth.remote;

/**
 * Text a node printed, made safe to show a person: quoted, control characters escaped (a node
 * must not be able to move the cursor or fake a line of oth's output; a line break reads
 * {@code \n}, as in Java and JSON, the others {@code \u001b}), cut after a bound.
 */
public final class NodeText {
    static final int MAX_SHOWN = 80;
    /** A failed command's own words ({@link CommandResult#diagnostic()}): enough for an error message and its context. */
    static final int MAX_DIAGNOSTIC = 400;

    private NodeText() {
    }

    /** For a table cell: control characters as '?', at most {@code max} characters (then "..."). */
    public static String cell(String text, int max) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(max).forEach(c -> out.appendCodePoint(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c));
        return text.codePointCount(0, text.length()) > max ? out + "..." : out.toString();
    }

    /** For a message: quoted, escaped, cut after {@value #MAX_SHOWN} characters with the length said. */
    public static String shown(String text) {
        return shown(text, MAX_SHOWN);
    }

    /** What a failed command or probe said, stripped, for an error message: {@link #shown(String, int)} with a longer bound. */
    public static String diagnostic(String text) {
        return shown(text.strip(), MAX_DIAGNOSTIC);
    }

    /** Like {@link #shown(String)}, cut after {@code max} characters. */
    public static String shown(String text, int max) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(text.length(), max);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                escape(c, out);
            } else {
                out.append(c);
            }
        }
        out.append('"');
        return text.length() > max ? out + " (" + text.length() + " characters, cut)" : out.toString();
    }

    /** A control character {@code c} as a message shows it: a line break or tab as {@code \\n}, {@code \\r}, {@code \\t}, any other as {@code \\uXXXX}. */
    public static void escape(int c, StringBuilder out) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append(String.format("\\u%04x", c));
        }
    }
}
