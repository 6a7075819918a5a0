package io.oth.op;

import io.oth.remote.Command;

import java.util.Optional;

/** How services are controlled on a node: systemd when it is PID 1, else Debian's init scripts. */
public enum InitSystem {
    SYSTEMD {
        @Override
        public String isRunning(String service) {
            return "systemctl is-active --quiet " + Command.quote(service);
        }

        @Override
        public String start(String service) {
            return "systemctl daemon-reload && systemctl enable --now " + Command.quote(service);
        }

        @Override
        public String stop(String service) {
            return "systemctl stop " + Command.quote(service);
        }

        @Override
        public String restart(String service) {
            return "systemctl daemon-reload && systemctl restart " + Command.quote(service);
        }

        @Override
        String reload(String service) {
            return "systemctl reload " + Command.quote(service);
        }
    },
    SYSV {
        @Override
        public String isRunning(String service) {
            return "service " + Command.quote(service) + " status >/dev/null 2>&1";
        }

        @Override
        public String start(String service) {
            return "service " + Command.quote(service) + " start </dev/null";
        }

        @Override
        public String stop(String service) {
            return "service " + Command.quote(service) + " stop </dev/null";
        }

        @Override
        public String restart(String service) {
            return "service " + Command.quote(service) + " restart </dev/null";
        }

        @Override
        String reload(String service) {
            return "service " + Command.quote(service) + " reload </dev/null";
        }
    };

    /** A shell test that systemd runs the node (is PID 1), as sd_booted() tells it. */
    public static final String SYSTEMD_RUNS = "[ -d /run/systemd/system ]";
    /** The probe that tells which one a node has. */
    public static final String PROBE = SYSTEMD_RUNS + " && echo systemd || echo sysv";

    /** The runlevel whose start links say that Debian's init scripts start a service at boot (its default multi-user level). */
    public static final String SYSV_RUNLEVEL = "2";

    /**
     * A shell test, builtins only and not exiting the shell, that init script {@code script} has a
     * start link in runlevel {@code level} ({@code S} for rcS): Debian starts it when the node boots.
     */
    public static String sysvLinked(String script, String level) {
        return "_oth_s=1; for _oth_f in /etc/rc" + level + ".d/S[0-9][0-9]" + Command.quote(script) + "; do [ -e \"$_oth_f\" ] && _oth_s=0; done; [ $_oth_s = 0 ]";
    }

    /**
     * Links init script {@code script} by its LSB header (update-rc.d), and fails, saying so, when that made no
     * start link in runlevel {@code level}. update-rc.d's {@code defaults} leaves a script alone that has any link
     * already: one disabled by hand (its K links) is enabled again, as systemd's {@code enable} would.
     */
    public static String sysvLink(String script, String level) {
        String linked = "{ " + sysvLinked(script, level) + "; }";
        String name = Command.quote(script);
        return "update-rc.d " + name + " defaults >/dev/null && { " + linked + " || update-rc.d " + name + " enable >/dev/null; } && " + linked
                + " || { echo 'update-rc.d made no start link in /etc/rc" + level + ".d for " + script + "' >&2; false; }";
    }

    /** What {@link #PROBE} printed, exactly; anything else is not an answer. */
    public static Optional<InitSystem> parse(String probeOutput) {
        return switch (probeOutput.strip()) {
            case "systemd" -> Optional.of(SYSTEMD);
            case "sysv" -> Optional.of(SYSV);
            default -> Optional.empty();
        };
    }

    /** A shell command that succeeds when the service runs: also for operations that must not talk to a stopped one. */
    public abstract String isRunning(String service);

    /** Starts the service (and enables it where the init system has that). */
    public abstract String start(String service);

    /** Stops the service; it stays enabled. */
    public abstract String stop(String service);


    public abstract String restart(String service);

    abstract String reload(String service);
}
