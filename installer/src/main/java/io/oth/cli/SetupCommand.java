package io.oth.cli;

import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteException;
import io.oth.site.SiteLoader;
import io.oth.site.StateDir;
import io.oth.wizard.Aborted;
import io.oth.wizard.AnswersFile;
import io.oth.wizard.Dialog;
import io.oth.wizard.Draft;
import io.oth.check.NameLookup;
import io.oth.wizard.Questions;
import io.oth.wizard.Setup;
import io.oth.wizard.SurveyConnector;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code oth setup}: the questions that make a site file, from a person or an answers file. */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Make the site file: asks for the name, the bastion, the nodes, the features, the storage, the certificate and the "
                + "support addresses, checking each answer; then writes site.yml (and the secrets, 0600) and offers oth doctor --preflight and oth install.",
            "With --answers, the same questions come from a YAML file (--print-answers prints a template)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Answer the questions, on a terminal:",
            "    oth setup",
            "  The same from a file: print the template, fill it in, then run it:",
            "    oth setup --print-answers > answers.yml",
            "    oth setup --answers answers.yml --site /etc/oth/site.yml"})
final class SetupCommand implements Callable<Integer> {
    /** Opens the terminal the questions are asked on: this process's in a run, one built on streams in a test. */
    @FunctionalInterface
    interface TerminalSource {
        Terminal open() throws IOException;
    }

    /** Where the answers of a setup in progress are kept, beside the sites' state directories: no site name has an underscore. */
    private static final String DRAFTS = "setup_drafts";

    private final TerminalSource terminals;

    @Spec
    CommandSpec spec;

    @Mixin
    SiteOptions options;

    @Option(names = "--answers", paramLabel = "FILE", description = "Answer the questions from this YAML file; no questions are asked.")
    Path answers;

    @Option(names = "--print-answers", description = "Print an answers file template: every key with its help.")
    boolean printAnswers;

    @Option(names = "--overwrite", description = "With --answers: replace an existing site file that differs (its diff is printed).")
    boolean overwrite;

    SetupCommand() {
        this(() -> TerminalBuilder.builder().system(true).dumb(true).build());
    }

    SetupCommand(TerminalSource terminals) {
        this.terminals = terminals;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Setup setup = new Setup(new Setup.Context(new Questions(Playbooks.load(), Clock.systemUTC()), NameLookup.system(), new SurveyConnector(options::connectOptions),
                StateDir::of, System::getenv, StateDir.base().resolve(DRAFTS), Clock.systemDefaultZone()));
        if (printAnswers) {
            out.print(AnswersFile.template(setup.context().questions()));
            return ExitCode.OK.code();
        }
        if (options.keySources(err).isEmpty()) {
            return ExitCode.USAGE.code();
        }
        try {
            if (answers != null) {
                return fromAnswers(setup, out, err);
            }
            return interactive(setup, out, err);
        } catch (Aborted e) {
            err.println("oth setup: stopped: " + e.getMessage() + "; the site file was not written");
            return e.isInterrupt() ? ExitCode.INTERRUPTED.code() : ExitCode.FAILED.code();
        }
    }

    private int fromAnswers(Setup setup, PrintWriter out, PrintWriter err) throws Aborted, IOException {
        AnswersFile.Read read = AnswersFile.read(answers, setup.context().questions(), setup.context().resolver(), System::getenv,
                options.file.given());
        read.warnings().forEach(err::println);
        if (read.draft().isEmpty()) {
            read.problems().forEach(err::println);
            err.println("oth: " + answers + ": " + read.problems().size() + " problem(s); nothing was written");
            return ExitCode.USAGE.code();
        }
        Setup.Result result = setup.fromAnswers(read.draft().get(), out, overwrite);
        if (!result.written()) {
            err.println("oth: " + result.siteFile() + " exists and differs; give --overwrite to replace it");
            return ExitCode.FAILED.code();
        }
        return ExitCode.OK.code();
    }

    private int interactive(Setup setup, PrintWriter out, PrintWriter err) throws Aborted, IOException {
        Optional<Site> existing = Optional.empty();
        Optional<Path> given = options.file.given();
        if (given.isPresent() && Files.exists(given.get())) {
            // The answers of an existing site file are the defaults; one that does not load is fixed first, not half-read.
            try {
                existing = Optional.of(SiteLoader.load(given.get()));
            } catch (SiteException e) {
                e.problems().forEach(err::println);
                err.println("oth: " + given.get() + ": " + e.problems().size() + " problem(s); fix them (oth site validate) or give "
                        + "another --site; nothing was asked");
                return ExitCode.USAGE.code();
            }
        }
        try (Terminal terminal = terminals.open()) {
            Dialog dialog = new Dialog(terminal);
            Draft draft = new Draft(Path.of(""));
            given.ifPresent(site -> draft.prefill(Questions.SITE_FILE, site.toString(), site.toAbsolutePath().normalize()));
            Setup.Result result = setup.interactive(dialog, draft, existing);
            if (!result.written()) {
                return ExitCode.FAILED.code();
            }
            String site = result.siteFile().toString();
            try {
                if (dialog.confirm("Run the preflight checks (oth doctor --preflight) now?", true)) {
                    run(out, err, "doctor", "--preflight", "--site", site);
                }
                if (dialog.confirm("Install the site (oth install) now?", false)) {
                    return run(out, err, "install", "--site", site);
                }
            } catch (Aborted e) {
                err.println("oth setup: stopped: " + e.getMessage() + "; " + site + " is written");
                return e.isInterrupt() ? ExitCode.INTERRUPTED.code() : ExitCode.FAILED.code();
            }
            dialog.say("Later: oth doctor --preflight --site " + site + "   then   oth install --site " + site + "   then   oth doctor --site " + site);
            return ExitCode.OK.code();
        }
    }

    private static int run(PrintWriter out, PrintWriter err, String... args) {
        return OthCommand.commandLine(Prompter.system()).setOut(out).setErr(err).execute(args);
    }
}
