package io.oth.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's own list of what it collected ({@code index.tsv}: kind, path, status, size), as it
 * reported it: bounded and checked line by line, a line that does not fit is left out.
 */
final class NodeIndex {
    static final int MAX_LINES = 5000;
    private static final long MAX_BYTES = 2L << 20;

    private NodeIndex() {
    }

    static List<Map<String, Object>> read(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
            return List.of();
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (String line : Files.readString(file, StandardCharsets.UTF_8).lines().limit(MAX_LINES).toList()) {
            String[] cells = line.split("\t", -1);
            if (cells.length != 4 || !cells[0].matches("[a-z]{1,20}(:[0-9]{1,3})?") || cells[1].length() > 1024
                    || !cells[2].matches("[a-z -]{1,40}") || !cells[3].matches("[0-9]{1,15}")) {
                continue;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("kind", cells[0]);
            item.put("path", cells[1]);
            item.put("status", cells[2]);
            item.put("bytes", Long.parseLong(cells[3]));
            items.add(item);
        }
        return items;
    }
}
