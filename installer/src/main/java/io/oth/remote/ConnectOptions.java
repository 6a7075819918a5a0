package io.oth.remote;

import io.oth.runlog.DebugLog;
import io.oth.site.KeySources;
import io.oth.sshconfig.SshConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How to connect: where the known hosts are, how long to wait, how many nodes at once, who
 * confirms unknown host keys, where a key passphrase comes from (never the command line), where
 * every remote command is traced ({@link TracedHost}), and what ssh_config and ssh-agent add to
 * the site file ({@code keySources}).
 */
public record ConnectOptions(
        Path knownHosts,
        Duration timeout,
        int concurrency,
        HostKeyTrust trust,
        Supplier<char[]> passphrase,
        DebugLog debugLog,
        KeySources keySources) {

    /** Options without ssh_config, with the ssh-agent of this process's environment. */
    public ConnectOptions(Path knownHosts, Duration timeout, int concurrency, HostKeyTrust trust, Supplier<char[]> passphrase, DebugLog debugLog) {
        this(knownHosts, timeout, concurrency, trust, passphrase, debugLog, KeySources.of(SshConfig.NONE, System.getenv(AGENT_VARIABLE)));
    }

    /** Options whose remote commands are not traced. */
    public ConnectOptions(Path knownHosts, Duration timeout, int concurrency, HostKeyTrust trust, Supplier<char[]> passphrase) {
        this(knownHosts, timeout, concurrency, trust, passphrase, DebugLog.NONE);
    }

    /** Where a key's passphrase comes from without a terminal: the environment, never the command line. */
    public static final String PASSPHRASE_VARIABLE = "OTH_KEY_PASSPHRASE";
    /** Where ssh-agent's socket is, as OpenSSH's tools find it. */
    public static final String AGENT_VARIABLE = "SSH_AUTH_SOCK";

    public ConnectOptions withPassphrase(Supplier<char[]> newPassphrase) {
        return new ConnectOptions(knownHosts, timeout, concurrency, trust, newPassphrase, debugLog, keySources);
    }
}
