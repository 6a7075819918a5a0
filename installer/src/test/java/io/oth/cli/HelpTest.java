package io.oth.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** oth's help: reachable as oth help, with examples that parse, wrapped between words only. */
class HelpTest {
    /** Every command line of oth, the hidden ones too. */
    private static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        walk(OthCommand.commandLine(Prompter.NOBODY), all);
        return all;
    }

    private static void walk(CommandLine cli, List<CommandLine> all) {
        all.add(cli);
        cli.getSubcommands().values().forEach(sub -> walk(sub, all));
    }

    private static String usage(CommandLine cli) {
        StringWriter text = new StringWriter();
        cli.usage(new PrintWriter(text), CommandLine.Help.Ansi.OFF);
        return text.toString();
    }

    @Test
    void helpShowsACommandsOrASubcommandsHelp() {
        Run help = Run.oth("help", "install");
        assertEquals(0, help.code(), help::toString);
        assertEquals(Run.oth("install", "--help").out(), help.out());
        Run sub = Run.oth("help", "secrets", "set");
        assertEquals(0, sub.code(), sub::toString);
        assertTrue(sub.out().startsWith("Usage: oth secrets set "), sub::toString);
        assertEquals(Run.oth("--help").out(), Run.oth("help").out());
    }

    @Test
    void helpOfWhatDoesNotExistIsAUsageError() {
        Run run = Run.oth("help", "secrets", "frob");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("Unknown command: 'oth secrets frob'"), run::toString);
    }

    @Test
    void versionAsACommandIsVersionAsAnOption() {
        Run command = Run.oth("version");
        assertEquals(0, command.code(), command::toString);
        assertEquals(Run.oth("--version").out(), command.out());
        assertTrue(command.out().startsWith("oth "), command::toString);
    }

    @Test
    void everyCommandHasExamplesOfItself() {
        for (CommandLine cli : everyCommand()) {
            String usage = usage(cli);
            String name = cli.getCommandSpec().qualifiedName(" ");
            assertTrue(usage.contains("\nExamples:\n"), () -> name + " has no examples\n" + usage);
            assertTrue(examples(usage).stream().anyMatch(e -> e.contains(name)), () -> name + "'s examples do not show it\n" + usage);
        }
    }

    /** The command lines of a help's Examples section. */
    private static List<String> examples(String usage) {
        String section = usage.substring(usage.indexOf("\nExamples:\n")).split("\n\n")[0];
        return section.lines().filter(l -> l.startsWith("    ")).map(String::strip).toList();
    }

    private static final Pattern WORD = Pattern.compile("'([^']*)'|(\\S+)");

    /** An example is what a person would type: each oth command in it parses as oth parses it. */
    @Test
    void everyExampleParses() {
        CommandLine oth = OthCommand.commandLine(Prompter.NOBODY);
        for (CommandLine cli : everyCommand()) {
            for (String example : examples(usage(cli))) {
                for (String command : example.split(" && ")) {
                    List<String> words = new ArrayList<>();
                    Matcher m = WORD.matcher(command.replaceFirst("^source <\\((.*)\\)$", "$1").replaceAll("\\s*[<>].*$", ""));
                    while (m.find()) {
                        words.add(m.group(1) != null ? m.group(1) : m.group(2));
                    }
                    assertEquals("oth", words.get(0), example);
                    try {
                        oth.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
                    } catch (CommandLine.ParameterException e) {
                        fail(cli.getCommandSpec().qualifiedName(" ") + ": example '" + example + "' does not parse: " + e.getMessage());
                    }
                }
            }
        }
    }

    @Test
    void helpIsAsWideAsTheTerminal() {
        for (CommandLine cli : everyCommand()) {
            assertTrue(cli.getCommandSpec().usageMessage().autoWidth(), cli.getCommandSpec().qualifiedName(" "));
        }
    }

    /** Every word of every text in the help, a path or a dotted name included, is on one line. */
    @Test
    void noWordIsBrokenAcrossLines() {
        for (CommandLine cli : everyCommand()) {
            CommandSpec spec = cli.getCommandSpec();
            String usage = usage(cli);
            Stream<String> texts = Stream.of(Arrays.stream(spec.usageMessage().description()), Arrays.stream(spec.usageMessage().footer()),
                            spec.args().stream().filter(a -> !a.hidden()).map(ArgSpec::description).flatMap(Arrays::stream),
                            cli.getSubcommands().values().stream().filter(c -> !c.getCommandSpec().usageMessage().hidden())
                                    .map(c -> c.getCommandSpec().usageMessage().description()).filter(d -> d.length > 0).map(d -> d[0]))
                    .flatMap(s -> s);
            texts.flatMap(t -> Arrays.stream(String.format(t).split("\\s+"))).filter(w -> !w.isEmpty() && w.length() < 60).forEach(word ->
                    assertTrue(usage.contains(word), () -> spec.qualifiedName(" ") + ": '" + word + "' is broken\n" + usage));
        }
        String install = usage(OthCommand.commandLine(Prompter.NOBODY).getSubcommands().get("install"));
        assertTrue(install.contains("ssh.known_hosts") && install.contains("./site.yml"), install);
    }

    @Test
    void linesBreakAtSpacesOnly() {
        assertEquals(List.of("the site's", "ssh.known_hosts", "file"), WholeWordHelp.wrap("the site's ssh.known_hosts file", 12, ""));
        assertEquals(List.of("    8  another oth run is", "       changing the site"), WholeWordHelp.wrap("    8  another oth run is changing the site", 25, "       "));
        assertEquals(List.of("averyveryverylongword", "  next"), WholeWordHelp.wrap("averyveryverylongword next", 10, "  "), "a word longer than a line overflows");
        assertEquals(List.of("short"), WholeWordHelp.wrap("short", 80, "  "));
    }
}
