package io.oth.cert;

/** How much a finding matters: an ERROR stops the install, a WARNING is shown and the install goes on. */
public enum Severity {
    ERROR,
    WARNING
}
