package io.oth.cli;

import io.oth.check.Verdict;
import io.oth.phase.RunReport;
import io.oth.remote.Failure;

import java.util.Collection;
import java.util.Comparator;

/** oth's exit codes; {@code oth --help} lists them. */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "the operation failed or found problems"),
    USAGE(2, "bad command line or bad input (site file, answers file, ssh_config)"),
    UNREACHABLE(3, "a node or the bastion could not be reached"),
    HOST_KEY(4, "a host key is unknown or has changed"),
    AUTH(5, "authentication failed, or sudo needs a password"),
    PENDING(6, "--check: the nodes differ from the site, changes are pending"),
    WARNINGS(7, "doctor: warnings, but nothing failed"),
    BUSY(8, "another oth run is changing the site (the message names it); nothing was done"),
    SOFTWARE(70, "internal error (a bug in oth: please report it)"),
    INTERRUPTED(130, "stopped by Ctrl-C (128 + SIGINT, as a shell reports it)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public static ExitCode of(Failure failure) {
        return switch (failure) {
            case HOST_KEY_UNKNOWN, HOST_KEY_CHANGED -> HOST_KEY;
            case BASTION_AUTH, NODE_AUTH, SUDO_PASSWORD, KEY_FILE -> AUTH;
            case COMMAND_FAILED, DISK_FULL, CHECK_FAILED, FIREWALL_REVERTED, FIREWALL_REVERT_FAILED, FACT_REFUSED -> FAILED;
            case LOCKED -> BUSY;
            default -> UNREACHABLE;
        };
    }

    /** A run's outcome: the worst of its failures; else, for a plan, whether changes are pending. */
    public static ExitCode of(RunReport report) {
        if (report.failed()) {
            return worst(report.hosts().stream().flatMap(h -> h.kind().stream()).map(ExitCode::of).toList());
        }
        return report.check() && report.changes() > 0 ? PENDING : OK;
    }

    /** A doctor run's outcome from its worst finding: a failure, warnings only, or all well (skips and waivers are). */
    public static ExitCode of(Verdict worst) {
        return switch (worst) {
            case FAIL -> FAILED;
            case WARN -> WARNINGS;
            default -> OK;
        };
    }

    /** The most important of several outcomes: a host-key problem outranks auth, auth outranks reachability. */
    public static ExitCode worst(Collection<ExitCode> codes) {
        return codes.stream().max(Comparator.comparingInt(ExitCode::severity)).orElse(OK);
    }

    private int severity() {
        return switch (this) {
            case OK -> 0;
            case PENDING, WARNINGS -> 1;
            case FAILED -> 1;
            case UNREACHABLE, BUSY -> 2;
            case AUTH -> 3;
            case HOST_KEY -> 4;
            case USAGE -> 5;
            case SOFTWARE -> 6;
            case INTERRUPTED -> 7;
        };
    }

    /** The exit-code section of {@code --help}. */
    public static String table() {
        StringBuilder text = new StringBuilder();
        for (ExitCode c : values()) {
            text.append(String.format("  %3d  %s%n", c.code, c.meaning));
        }
        return text.toString();
    }
}
