package io.oth.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code oth version}: what {@code oth --version} prints, for those who type it as a command. */
@Command(name = "version",
        description = "Print oth's version and the Java that runs it (the same as oth --version).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  Which oth is this, on which Java:",
            "    oth version"})
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean helpRequested;

    @Override
    public Integer call() {
        spec.root().commandLine().printVersionHelp(spec.commandLine().getOut());
        return ExitCode.OK.code();
    }
}
