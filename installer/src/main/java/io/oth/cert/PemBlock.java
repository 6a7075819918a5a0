package io.oth.cert;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One {@code -----BEGIN X-----} … {@code -----END X-----} block of a PEM file, cut out of the text
 * so that each block is parsed on its own: a damaged block then cannot hide the ones after it, and
 * every finding can name the block's position. Text between blocks is ignored, as OpenSSL does.
 */
record PemBlock(int number, String label, String text, boolean terminated) {
    private static final Pattern BEGIN = Pattern.compile("^[ \\t]*-----BEGIN ([A-Z0-9 ]+)-----[ \\t]*\\r?$", Pattern.MULTILINE);

    /** The blocks in file order, numbered from 1; trimmed lines, so CRLF and indentation do not matter. */
    static List<PemBlock> split(String text) {
        List<PemBlock> blocks = new ArrayList<>();
        Matcher begin = BEGIN.matcher(text);
        List<int[]> spans = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        while (begin.find()) {
            spans.add(new int[] {begin.start(), begin.end()});
            labels.add(begin.group(1));
        }
        for (int i = 0; i < spans.size(); i++) {
            int bodyStart = spans.get(i)[1];
            int regionEnd = i + 1 < spans.size() ? spans.get(i + 1)[0] : text.length();
            String label = labels.get(i);
            String end = "-----END " + label + "-----";
            String region = text.substring(bodyStart, regionEnd);
            int endAt = region.indexOf(end);
            String body = (endAt < 0 ? region : region.substring(0, endAt)).lines()
                    .map(String::trim)
                    .filter(line -> !line.isEmpty())
                    .collect(Collectors.joining("\n"));
            String block = "-----BEGIN " + label + "-----\n" + body + "\n" + end + "\n";
            blocks.add(new PemBlock(i + 1, label, block, endAt >= 0));
        }
        return blocks;
    }
}
