package io.oth.cert;

/**
 * One problem in a certificate bundle. {@code block} is the 1-based position of the PEM block it
 * concerns, 0 when it concerns the whole file; the message names the file and the block itself.
 */
public record Finding(FindingCode code, Severity severity, int block, String message) {

    static Finding of(FindingCode code, int block, String message) {
        return new Finding(code, code.severity(), block, message);
    }

    @Override
    public String toString() {
        return severity + " " + code + ": " + message;
    }
}
