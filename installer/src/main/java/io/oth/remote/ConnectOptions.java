package io.oth.remote;

import io.oth.runlog.DebugLog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How to connect: where the known hosts are, how long to wait, how many nodes at once, who
 * confirms unknown host keys, where a key passphrase comes from (never the command line), and
 * where every remote command is traced ({@link TracedHost}).
 */
public record ConnectOptions(
        Path knownHosts,
        Duration timeout,
        int concurrency,
        HostKeyTrust trust,
        Supplier<char[]> passphrase,
        DebugLog debugLog) {

    /** Options whose remote commands are not traced. */
    public ConnectOptions(Path knownHosts, Duration timeout, int concurrency, HostKeyTrust trust, Supplier<char[]> passphrase) {
        this(knownHosts, timeout, concurrency, trust, passphrase, DebugLog.NONE);
    }

    /** Where a key's passphrase comes from without a terminal: the environment, never the command line. */
    public static final String PASSPHRASE_VARIABLE = "OTH_KEY_PASSPHRASE";

    public ConnectOptions withPassphrase(Supplier<char[]> newPassphrase) {
        return new ConnectOptions(knownHosts, timeout, concurrency, trust, newPassphrase, debugLog);
    }
}
