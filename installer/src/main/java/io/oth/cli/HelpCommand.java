package io.oth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code oth help [COMMAND [SUBCOMMAND]]}: picocli's help command takes one name; oth's commands have subcommands. */
@Command(name = "help", helpCommand = true,
        description = "Show the help of oth, of a command, or of one of its subcommands (the same as COMMAND --help).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  The help of oth install:",
            "    oth help install",
            "  The help of a subcommand:",
            "    oth help secrets set"})
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean helpRequested;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command, and a subcommand of it.")
    List<String> path = new ArrayList<>();

    private CommandLine self;
    private ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter outWriter, PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public Integer call() {
        CommandLine shown = self.getParent();
        List<String> walked = new ArrayList<>();
        for (String name : path) {
            walked.add(name);
            shown = shown.getSubcommands().get(name);
            if (shown == null) {
                throw new CommandLine.ParameterException(self, "Unknown command: 'oth " + String.join(" ", walked) + "'; oth help lists the commands");
            }
        }
        shown.usage(out, colors);
        return ExitCode.OK.code();
    }
}
