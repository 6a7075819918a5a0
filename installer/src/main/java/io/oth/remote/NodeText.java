package io.oth.remote;

/**
 * Text a node printed, made safe to show a person: quoted, control characters escaped (a node
 * must not be able to move the cursor or fake a line of oth's output), cut after a bound.
 */
public final class NodeText {
    static final int MAX_SHOWN = 80;

    private NodeText() {
    }

    public static String shown(String text) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(text.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        return text.length() > MAX_SHOWN ? out + " (" + text.length() + " characters, cut)" : out.toString();
    }
}
