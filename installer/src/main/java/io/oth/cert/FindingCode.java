package io.oth.cert;

import static io.oth.cert.Severity.ERROR;
import static io.oth.cert.Severity.WARNING;

/**
 * What is wrong with a certificate bundle. The names are stable: support scripts and docs/certificates.md
 * refer to them.
 */
public enum FindingCode {
    FILE_UNREADABLE(ERROR),
    NOT_PEM(ERROR),
    UNREADABLE_BLOCK(ERROR),
    NO_KEY(ERROR),
    KEY_NOT_FIRST(ERROR),
    MULTIPLE_KEYS(ERROR),
    ENCRYPTED_KEY(ERROR),
    UNSUPPORTED_KEY(ERROR),
    NO_CERTIFICATE(ERROR),
    KEY_MISMATCH(ERROR),
    SELF_SIGNED(ERROR),
    WRONG_ORDER(ERROR),
    INTERMEDIATE_MISSING(ERROR),
    ROOT_MISSING(ERROR),
    CHAIN_INVALID(ERROR),
    NAME_MISMATCH(ERROR),
    NO_SAN(ERROR),
    EXPIRED(ERROR),
    NOT_YET_VALID(ERROR),
    EXPIRES_SOON(WARNING),
    WEAK_KEY(ERROR),
    EXTRA_BLOCKS(WARNING);

    private final Severity severity;

    FindingCode(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }
}
