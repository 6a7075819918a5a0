package io.oth.cli;

import io.oth.fleet.FleetConnector;
import io.oth.layout.Layout;
import io.oth.progress.Screen;
import io.oth.progress.Ticker;
import io.oth.runlog.RunLog;
import io.oth.site.PlaybookFiles;
import io.oth.site.StateDir;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.ListResourceBundle;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The {@code oth} command: only wiring; each subcommand is its own class. */
@Command(name = "oth",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Installs, checks and operates a self-hosted OTH site.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  Make the site file by answering questions (oth alone does it on a terminal):",
            "    oth setup",
            "  Check that the site is ready, then install it:",
            "    oth doctor --preflight && oth install",
            "  The help of a command:",
            "    oth help doctor"})
public final class OthCommand implements Callable<Integer> {
    /**
     * oth's commands by name, in the order its help lists them. They are added to the command line
     * by {@link #commandLine}, not named in the annotation: a run builds only the one it runs (see
     * {@link #needed}). The names are written here too, so that choosing one parses no annotation;
     * each is its class's {@code @Command} name (OthCommandTest).
     */
    static final Map<String, Class<?>> COMMANDS = commands(
            "site", SiteCommand.class,
            "nodes", NodesCommand.class,
            "install", InstallCommand.class,
            "bundle", BundleCommand.class,
            "backup", BackupCommand.class,
            "certs", CertsCommand.class,
            "doctor", DoctorCommand.class,
            "setup", SetupCommand.class,
            "hosts", HostsCommand.class,
            "secrets", SecretsCommand.class,
            "support", SupportCommand.class,
            "upgrade", UpgradeCommand.class,
            "version", VersionCommand.class,
            "help", HelpCommand.class,
            "generate-completion", AutoComplete.GenerateCompletion.class);

    /** Help text names oth's docs directory as {@code ${bundle:oth.docs}}: where it is depends on how oth was installed. */
    static final String DOCS = "oth.docs";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A person at a real terminal gets the setup wizard; anything else (scripts, CI, pipes) gets the usage. */
    @Override
    public Integer call() {
        if (System.console() != null && !"dumb".equals(System.getenv("TERM"))) {
            return spec.commandLine().getSubcommands().get("setup").execute();
        }
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.OK.code();
    }

    /**
     * Runs oth with {@code args}: what it prints goes to {@code out} and {@code err} and into the run's
     * log, which a command that reaches a site opens in the site's state directory under
     * {@code stateBase} (oth's own state directory, which also takes crash reports).
     */
    public static int execute(PrintWriter out, PrintWriter err, Prompter prompter, Stdout stdout, Supplier<Path> stateBase, String... args) {
        return execute(out, err, prompter, stdout, Ticker.DAEMON, stateBase, args);
    }

    /**
     * {@link #execute(PrintWriter, PrintWriter, Prompter, Stdout, Supplier, String...)} with status lines, on a terminal,
     * drawn again on every tick of {@code ticker}. What the run prints reaches {@code out} and {@code err} through a
     * {@link Screen}, beneath the run log: lines go above the status lines, and the log never sees those.
     */
    static int execute(PrintWriter out, PrintWriter err, Prompter prompter, Stdout stdout, Ticker ticker, Supplier<Path> stateBase, String... args) {
        Screen screen = new Screen(out, err);
        return execute(new PrintWriter(screen.out()), new PrintWriter(screen.err()), stateBase,
                log -> commandLine(prompter, stdout, stateBase, log, new ProgressOptionsFactory(Optional.of(screen), stdout, ticker), needed(args)), args);
    }

    /** {@link #execute(PrintWriter, PrintWriter, Prompter, Stdout, Supplier, String...)} with the command line {@code build} makes for the run's log. */
    static int execute(PrintWriter out, PrintWriter err, Supplier<Path> stateBase, Function<RunLog, CommandLine> build, String... args) {
        warmUp(args);
        try (RunLog log = RunLog.start(Clock.systemUTC(), err)) {
            PrintWriter loggedOut = new PrintWriter(log.tee(out, "out"), true);
            PrintWriter loggedErr = new PrintWriter(log.tee(err, "err"), true);
            int code;
            try {
                code = build.apply(log).setOut(loggedOut).setErr(loggedErr).execute(args);
            } catch (Throwable e) {
                // Anything that escaped picocli (its own parsing, or the command line's construction).
                code = CrashReport.report(e, loggedErr, stateBase, log);
            }
            loggedOut.flush();
            loggedErr.flush();
            return code;
        }
    }

    /** For a command that connects to the nodes ({@link ConnectsToNodes}), the SSH machinery is set up beside its start (FleetConnector#warmUpInBackground). */
    private static void warmUp(String... args) {
        if (args.length > 0 && COMMANDS.containsKey(args[0]) && ConnectsToNodes.class.isAssignableFrom(COMMANDS.get(args[0]))) {
            FleetConnector.warmUpInBackground();
        }
    }

    /** A ready command line: exit codes, error handling and the prompter every command shares; no run log. */
    public static CommandLine commandLine(Prompter prompter) {
        return commandLine(prompter, StateDir::base, RunLog.none());
    }

    /** {@link #commandLine(Prompter, Stdout, Supplier, RunLog)} printing to this process's standard output. */
    static CommandLine commandLine(Prompter prompter, Supplier<Path> stateBase, RunLog log) {
        return commandLine(prompter, Stdout.system(), stateBase, log);
    }

    /**
     * {@code stateBase}: where an internal error's details are written, and the run log. Exceptions
     * reach picocli's handler; Errors (out of memory, stack overflow) pass picocli by, so the
     * execution strategy catches them too.
     */
    static CommandLine commandLine(Prompter prompter, Stdout stdout, Supplier<Path> stateBase, RunLog log) {
        return commandLine(prompter, stdout, stateBase, log, name -> true);
    }

    /** {@link #commandLine(Prompter, Stdout, Supplier, RunLog)} with only the commands {@code needed} names. */
    static CommandLine commandLine(Prompter prompter, Stdout stdout, Supplier<Path> stateBase, RunLog log, Predicate<String> needed) {
        return commandLine(prompter, stdout, stateBase, log, new ProgressOptionsFactory(Optional.empty(), stdout, Ticker.DAEMON), needed);
    }

    /**
     * The commands a run of {@code args} needs: only the one its first argument names (picocli
     * builds a command's model from its annotations by reflection, a good part of a short run's
     * start-up); all of them for anything else (no command, an option, help, a name misspelt,
     * which picocli answers with the names that come close).
     */
    static Predicate<String> needed(String... args) {
        if (args.length == 0 || args[0].equals("help")) {
            return name -> true;
        }
        String first = args[0];
        return COMMANDS.containsKey(first) ? first::equals : name -> true;
    }

    private static Map<String, Class<?>> commands(Object... nameThenClass) {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            commands.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return Collections.unmodifiableMap(commands);
    }

    private static CommandLine commandLine(Prompter prompter, Stdout stdout, Supplier<Path> stateBase, RunLog log, ProgressOptionsFactory progress,
            Predicate<String> needed) {
        CommandFactory factory = new CommandFactory(prompter, stdout, log, stateBase, progress);
        CommandLine cli = new CommandLine(new OthCommand(), factory);
        COMMANDS.forEach((name, command) -> {
            if (needed.test(name)) {
                cli.addSubcommand(name, new CommandLine(command, factory));
            }
        });
        CommandLine.Model.UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        usage.footer(Stream.concat(Arrays.stream(usage.footer()), Stream.of("", "Exit codes:", ExitCode.table())).toArray(String[]::new));
        cli.setResourceBundle(docsAt(Layout.docs()));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> brokenPlaybooks(e).map(b -> {
            b.getMessage().lines().forEach(line -> cmd.getErr().println("oth: " + line));
            cmd.getErr().println("oth: nothing was done");
            return ExitCode.USAGE.code();
        }).orElseGet(() -> CrashReport.report(e, cmd.getErr(), stateBase, log)));
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cli.setExecutionStrategy(parsed -> {
            try {
                return run.execute(parsed);
            } catch (CommandLine.ParameterException | CommandLine.ExecutionException e) {
                throw e;
            } catch (Error e) {
                return CrashReport.report(e, parsed.commandSpec().commandLine().getErr(), stateBase, log);
            }
        });
        Optional.ofNullable(cli.getSubcommands().get("generate-completion")).ifPresent(completion -> completion.getCommandSpec().usageMessage().hidden(true)
                .footerHeading("%nExamples:%n").footer("  Complete oth's commands and options in this bash:", "    source <(oth generate-completion)"));
        // As wide as the terminal, each line broken between words only.
        cli.setUsageHelpAutoWidth(true);
        cli.setHelpFactory(WholeWordHelp::new);
        return cli;
    }

    /** The resource bundle through which help text names the docs directory {@code docs}. */
    static ResourceBundle docsAt(Path docs) {
        return new ListResourceBundle() {
            @Override
            protected Object[][] getContents() {
                return new Object[][] {{DOCS, docs.toString()}};
            }
        };
    }

    /** The user's broken playbooks behind {@code e}, however deep a worker thread wrapped them. */
    private static Optional<PlaybookFiles.Broken> brokenPlaybooks(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PlaybookFiles.Broken broken) {
                return Optional.of(broken);
            }
        }
        return Optional.empty();
    }

    /** What every command's {@link ProgressOptions} draws on: the run's screen, when it has one of its own. */
    private record ProgressOptionsFactory(Optional<Screen> screen, Stdout stdout, Ticker ticker) {
        ProgressOptions create() {
            return new ProgressOptions(screen, stdout, ticker);
        }
    }

    /** Hands every command the same prompter, what it knows of standard output, the run's log and its screen. */
    private record CommandFactory(Prompter prompter, Stdout stdout, RunLog log, Supplier<Path> stateBase, ProgressOptionsFactory progress)
            implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ProgressOptions.class) {
                return type.cast(progress.create());
            }
            if (type == RunLogOptions.class) {
                return type.cast(new RunLogOptions(log, stateBase));
            }
            if (type == SiteOptions.class) {
                return type.cast(new SiteOptions(log));
            }
            if (type == DoctorCommand.class) {
                return type.cast(new DoctorCommand(stdout));
            }
            if (type == HostsCommand.Trust.class) {
                return type.cast(new HostsCommand.Trust(prompter));
            }
            if (type == SecretsCommand.Set.class) {
                return type.cast(new SecretsCommand.Set(SecretsCommand.ValueSource.system()));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
