package io.oth.cli;

import io.oth.runlog.RunLog;
import io.oth.site.Site;
import io.oth.site.StateDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What every command that reaches a site's nodes shares: its run log in the site's state directory
 * ({@link RunLog}), opened once the command's own input checks have passed, and {@code --verbose}.
 */
final class RunLogOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = {"-v", "--verbose"}, description = "Also print the run log's debug lines: each remote command with its node, "
            + "exit status and time, each phase's start and end on each node.")
    boolean verbose;

    private final RunLog log;
    private final Supplier<Path> stateBase;

    RunLogOptions(RunLog log, Supplier<Path> stateBase) {
        this.log = log;
        this.stateBase = stateBase;
    }

    /**
     * Opens this run's log for {@code site}, with what was printed so far. A log that cannot be
     * written costs the run a warning, not its work.
     */
    void open(Site site, PrintWriter err) {
        String name = command.qualifiedName(" ").replaceFirst("^oth ", "");
        String header = "oth " + VersionProvider.version() + ": oth " + String.join(" ", command.commandLine().getParseResult().originalArgs())
                + " (site " + site.name() + "), started "
                + Instant.now() + ", pid " + ProcessHandle.current().pid() + ", user " + System.getProperty("user.name");
        try {
            log.open(stateBase.get().resolve(site.name()).resolve(StateDir.LOGS), name, header, verbose);
        } catch (IOException | RuntimeException e) {
            err.println("oth: warning: this run keeps no log (" + e.getMessage() + ")");
        }
    }
}
