package io.oth.bundle;

import io.oth.site.Field;
import io.oth.site.PlaybookFiles;
import io.oth.site.Problem;
import io.oth.site.Syntax;
import io.oth.site.YamlDoc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * playbooks/bundle.yml: what {@code oth support bundle} collects on every node. Read through the
 * same validating reader as the other playbooks, so a broken list is named by file:line and field.
 *
 * @param commands     name to shell command; the output becomes {@code commands/NAME.txt}
 * @param files        absolute paths copied whole
 * @param logs         absolute paths of log files or directories, within the time window
 * @param certificates directories whose certificates are listed
 */
public record BundlePlaybook(Map<String, String> commands, List<String> files, List<String> logs, List<String> certificates) {
    private static final Syntax<String> NAME = Syntax.pattern("a command name", "[a-z][a-z0-9-]{0,31}");
    private static final Syntax<String> COMMAND = Syntax.of("a shell command", c -> !c.isBlank() && c.length() <= 2000 && c.indexOf('\n') < 0,
            "one line of shell, at most 2000 characters");
    private static final Syntax<String> PATH = Syntax.pattern("an absolute path", "(/[A-Za-z0-9._@+-]+)+");

    public BundlePlaybook {
        commands = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(commands));
        files = List.copyOf(files);
        logs = List.copyOf(logs);
        certificates = List.copyOf(certificates);
    }

    public static BundlePlaybook load() {
        return read(YamlDoc.parse(PlaybookFiles.label("bundle.yml"), PlaybookFiles.read("bundle.yml"), "a playbook"),
                problems -> PlaybookFiles.problem((PlaybookFiles.overridden() ? "the playbooks in $" + PlaybookFiles.OVERRIDE
                        : "the playbooks of this build") + " are broken:\n" + problems, null));
    }

    static BundlePlaybook read(YamlDoc doc, Function<String, RuntimeException> broken) {
        Optional<io.oth.site.FieldMap> top = doc.root().flatMap(root -> root.mapping(List.of("commands", "files", "logs", "certificates")));
        Optional<Map<String, String>> commands = top.flatMap(t -> t.require("commands", "a mapping of names to shell commands"))
                .flatMap(BundlePlaybook::commands);
        Optional<List<String>> files = top.flatMap(t -> t.require("files", "a list of absolute paths")).flatMap(f -> f.listOf(x -> x.read(PATH)));
        Optional<List<String>> logs = top.flatMap(t -> t.require("logs", "a list of absolute paths")).flatMap(f -> f.listOf(x -> x.read(PATH)));
        Optional<List<String>> certificates = top.flatMap(t -> t.require("certificates", "a list of directories"))
                .flatMap(f -> f.listOf(x -> x.read(PATH)));
        if (doc.hasProblems() || commands.isEmpty() || files.isEmpty() || logs.isEmpty() || certificates.isEmpty()) {
            throw broken.apply(doc.problems().stream().map(Problem::toString).collect(Collectors.joining("\n")));
        }
        return new BundlePlaybook(commands.get(), files.get(), logs.get(), certificates.get());
    }

    private static Optional<Map<String, String>> commands(Field field) {
        return field.mapping().flatMap(map -> {
            Map<String, String> commands = new LinkedHashMap<>();
            boolean ok = true;
            for (Map.Entry<String, Field> entry : map.entries().entrySet()) {
                if (NAME.parse(entry.getKey()).isEmpty()) {
                    entry.getValue().problem("\"" + entry.getKey() + "\" is not " + NAME.noun() + " (expected " + NAME.expected() + ")");
                    ok = false;
                    continue;
                }
                Optional<String> command = entry.getValue().read(COMMAND);
                command.ifPresent(c -> commands.put(entry.getKey(), c));
                ok &= command.isPresent();
            }
            return ok ? Optional.of(commands) : Optional.empty();
        });
    }
}
