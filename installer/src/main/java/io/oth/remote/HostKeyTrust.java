package io.oth.remote;

/**
 * Decides about a host key that is not in known_hosts yet. Only a person who compared the
 * fingerprint may say yes; {@link #REFUSE} is the answer everywhere else.
 */
@FunctionalInterface
public interface HostKeyTrust {
    HostKeyTrust REFUSE = (label, address, type, fingerprint) -> false;

    /** {@code label} names the host for a person ("app1"), {@code address} is what known_hosts records. */
    boolean confirm(String label, String address, String keyType, String sha256Fingerprint);
}
