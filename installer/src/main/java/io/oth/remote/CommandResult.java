package io.oth.remote;

/** What a remote command did. Output is decoded as UTF-8. */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** stderr if there is any, else stdout: what to show a person when the command failed. */
    public String diagnostic() {
        String text = stderr.isBlank() ? stdout : stderr;
        return text.strip();
    }
}
