package io.oth.cli;

import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * oth's help, wrapped at the usage width between words only. picocli breaks lines where Java's line
 * BreakIterator allows, which includes after a dot or a slash: {@code ./site.} and {@code yml} on two
 * lines. Here every text is broken at spaces before picocli lays it out, in lines that fit, so
 * picocli has nothing left to break; a word longer than a line gets a line of its own.
 */
final class WholeWordHelp extends Help {
    /** A line of the exit-code table: its continuation lines start under the meaning. */
    private static final Pattern NUMBERED = Pattern.compile("\\s*\\d+\\s+");

    WholeWordHelp(CommandSpec spec, ColorScheme colors) {
        super(spec, colors);
    }

    private UsageMessageSpec usage() {
        return commandSpec().usageMessage();
    }

    @Override
    public String description(Object... params) {
        return paragraphs(usage().description(), params);
    }

    @Override
    public String footer(Object... params) {
        return paragraphs(usage().footer(), params);
    }

    /** Options and parameters: the description column, wrapped by hand, picocli's own hanging indent of 2 kept. */
    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme colors) {
        TextTable table = TextTable.forDefaultColumns(colors, calcLongOptionColumnWidth(options, positionals, colors), usage().width());
        table.setAdjustLineBreaksForWideCJKCharacters(usage().adjustLineBreaksForWideCJKCharacters());
        return new Layout(colors, table, createDefaultOptionRenderer(), createDefaultParameterRenderer()) {
            @Override
            public void layout(ArgSpec arg, Ansi.Text[][] rows) {
                Column description = table.columns()[table.columns().length - 1];
                for (Ansi.Text[] row : rows) {
                    addWrapped(table, row, description.width - description.indent, colors);
                }
            }
        };
    }

    /** The command list: each command's first description line, wrapped under it. */
    @Override
    public String commandList(Map<String, Help> subcommands) {
        if (subcommands.isEmpty()) {
            return "";
        }
        int nameWidth = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), usage().width() / 2);
        TextTable table = TextTable.forColumns(colorScheme(), new Column(nameWidth + 2, 2, Column.Overflow.SPAN),
                new Column(usage().width() - (nameWidth + 2), 2, Column.Overflow.WRAP));
        table.setAdjustLineBreaksForWideCJKCharacters(usage().adjustLineBreaksForWideCJKCharacters());
        Column description = table.columns()[1];
        subcommands.values().forEach(help -> {
            UsageMessageSpec usage = help.commandSpec().usageMessage();
            String[] text = usage.header().length > 0 ? usage.header() : usage.description();
            String first = text.length > 0 ? String.format(text[0]).lines().findFirst().orElse("") : "";
            addWrapped(table, new Ansi.Text[] {help.commandNamesText(", "), colorScheme().text(first)}, description.width - description.indent, colorScheme());
        });
        return table.toString();
    }

    /** A row whose last cell is broken at spaces into lines of {@code room}; the lines after the first get their own rows, indented by 2. */
    private static void addWrapped(TextTable table, Ansi.Text[] row, int room, ColorScheme colors) {
        List<String> lines = wrap(row[row.length - 1].plainString(), room, "  ");
        Ansi.Text[] first = row.clone();
        first[row.length - 1] = colors.text(lines.get(0));
        table.addRowValues(first);
        for (String line : lines.subList(1, lines.size())) {
            Ansi.Text[] next = new Ansi.Text[row.length];
            Arrays.fill(next, colors.text(""));
            next[row.length - 1] = colors.text(line);
            table.addRowValues(next);
        }
    }

    /**
     * Description or footer lines, formatted, each wrapped at the usage width: an indented line goes
     * on at its indent, a numbered one (the exit codes) under its text.
     */
    private String paragraphs(String[] texts, Object... params) {
        StringBuilder out = new StringBuilder();
        for (String text : texts) {
            for (String line : String.format(text, params).split("\\R")) {
                Matcher numbered = NUMBERED.matcher(line);
                int leading = line.length() - line.stripLeading().length();
                int hanging = numbered.lookingAt() ? numbered.end() : leading;
                wrap(line, usage().width(), " ".repeat(hanging)).forEach(l -> out.append(l).append(System.lineSeparator()));
            }
        }
        return out.toString();
    }

    /**
     * {@code line} in lines of at most {@code width} characters, broken at spaces only; the lines after
     * the first start with {@code hanging}. A word longer than a line is not broken: it overflows.
     */
    static List<String> wrap(String line, int width, String hanging) {
        List<String> lines = new ArrayList<>();
        String indent = "";
        String rest = line.stripTrailing();
        int keep = rest.length() - rest.stripLeading().length();
        while (indent.length() + rest.length() > width) {
            int room = width - indent.length();
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= keep) {
                cut = rest.indexOf(' ', Math.max(room, keep + 1));
                if (cut < 0) {
                    break;
                }
            }
            lines.add(indent + rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            indent = hanging;
            keep = 0;
        }
        lines.add(indent + rest);
        return lines;
    }
}
