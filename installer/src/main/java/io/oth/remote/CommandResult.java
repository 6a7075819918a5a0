package io.oth.remote;

/** What a remote command did. Output is decoded as UTF-8. */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /**
     * stderr if there is any, else stdout: what to show a person when the command failed, made safe
     * by {@link NodeText#diagnostic(String)} (quoted, control characters escaped, bounded). A node
     * chooses these bytes, so no caller gets them raw: a message must not carry a terminal's escape
     * codes or a fake line of oth's output.
     */
    public String diagnostic() {
        return NodeText.diagnostic(text());
    }

    /** stderr if there is any, else stdout, as the node sent it: to be read by code, never shown. */
    public String text() {
        return (stderr.isBlank() ? stdout : stderr).strip();
    }
}
