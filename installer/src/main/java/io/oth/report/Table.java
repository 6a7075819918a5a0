package io.oth.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A plain-text table: columns as wide as their widest cell, every row on one line. A column may be
 * given a limit; a longer cell is cut in the middle, where its start and its end (a path's file, an
 * address's port) stay readable. The last column is never padded nor cut: it is what wraps, if
 * anything does. Lines of their own (headings, hints) may stand between the rows.
 */
public final class Table {
    private final int columns;
    private final List<String> header;
    private final List<Entry> entries = new ArrayList<>();
    private final int[] limits;
    private final int[] gaps;
    private final List<UnaryOperator<String>> paints;
    private String ellipsis = "…";
    private String indent = "";

    /** An entry: a row of cells, or a line printed as it is. */
    private record Entry(List<String> cells, String line) {
    }

    /** A table with this header line. */
    public Table(String... header) {
        this(header.length, List.of(header));
    }

    private Table(int columns, List<String> header) {
        this.columns = columns;
        this.header = header;
        this.limits = new int[columns];
        this.gaps = new int[columns];
        Arrays.fill(gaps, 2);
        this.paints = new ArrayList<>(Collections.nCopies(columns, UnaryOperator.identity()));
    }

    /** A table of {@code columns} columns without a header line. */
    public static Table withoutHeader(int columns) {
        return new Table(columns, List.of());
    }

    public Table row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        entries.add(new Entry(Arrays.stream(cells).map(Table::oneLine).toList(), null));
        return this;
    }

    /** A line of its own after the rows so far (a heading, a hint): printed as it is, it does not widen any column. */
    public Table line(String text) {
        entries.add(new Entry(null, text));
        return this;
    }

    /** Cells of {@code column} longer than {@code width} are cut to it, in the middle. Not for the last column. */
    public Table limit(int column, int width) {
        if (column == columns - 1 || width < 5) {
            throw new IllegalArgumentException("the last column is not cut, and a cut cell is at least 5 characters wide");
        }
        limits[column] = width;
        return this;
    }

    /** The spaces after {@code column} (2 by default): 1 keeps a mark next to what it marks. */
    public Table gap(int column, int spaces) {
        gaps[column] = spaces;
        return this;
    }

    /** What marks a cut: … by default; "..." where the output cannot show it. */
    public Table ellipsis(String text) {
        this.ellipsis = text;
        return this;
    }

    /** Printed before every row (not before the lines of their own). */
    public Table indent(int spaces) {
        this.indent = " ".repeat(spaces);
        return this;
    }

    /**
     * Styles each cell of {@code column} after its width is known (colour: escapes that take no room
     * on the screen), the header's excepted.
     */
    public Table paint(int column, UnaryOperator<String> paint) {
        paints.set(column, paint);
        return this;
    }

    public void print(PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        entries.stream().filter(e -> e.cells() != null).forEach(e -> rows.add(cut(e.cells())));
        int[] widths = new int[columns];
        for (List<String> cells : header.isEmpty() ? rows : concat(cut(header), rows)) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], width(cells.get(i)));
            }
        }
        if (!header.isEmpty()) {
            out.println(indent + line(cut(header), widths, false));
        }
        int row = 0;
        for (Entry entry : entries) {
            out.println(entry.cells() == null ? entry.line() : indent + line(rows.get(row++), widths, true));
        }
    }

    private String line(List<String> cells, int[] widths, boolean painted) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < columns; i++) {
            String cell = cells.get(i);
            text.append(painted ? paints.get(i).apply(cell) : cell);
            if (i < columns - 1) {
                text.append(" ".repeat(widths[i] - width(cell) + gaps[i]));
            }
        }
        return text.toString().stripTrailing();
    }

    private List<String> cut(List<String> cells) {
        List<String> cut = new ArrayList<>(cells);
        for (int i = 0; i < columns; i++) {
            int limit = limits[i];
            String cell = cells.get(i);
            if (limit > 0 && width(cell) > limit) {
                int keep = limit - width(ellipsis);
                int head = (keep + 1) / 2;
                cut.set(i, codePoints(cell, 0, head) + ellipsis + codePoints(cell, width(cell) - (keep - head), width(cell)));
            }
        }
        return cut;
    }

    private static List<List<String>> concat(List<String> first, List<List<String>> rest) {
        List<List<String>> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** A cell stays on its row: line breaks and tabs become spaces. */
    private static String oneLine(String cell) {
        return cell.replaceAll("[\\r\\n\\t]+", " ");
    }

    /** The room a cell takes: one column per character (✓, →, … included). */
    private static int width(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String codePoints(String text, int from, int to) {
        return text.substring(text.offsetByCodePoints(0, from), text.offsetByCodePoints(0, to));
    }
}
