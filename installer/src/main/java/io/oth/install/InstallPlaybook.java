package io.oth.install;

import io.oth.phase.PhaseOrder;
import io.oth.site.Field;
import io.oth.site.FieldMap;
import io.oth.site.PlaybookFiles;
import io.oth.site.Playbooks;
import io.oth.site.Problem;
import io.oth.site.Syntax;
import io.oth.site.YamlDoc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** playbooks/install.yml: the phases of an install, in order, what each needs first, and the packages of each role and local storage service. */
public record InstallPlaybook(List<PhaseSpec> phases, Map<String, List<String>> packages, Map<String, List<String>> servicePackages,
                              Backups backups) {

    /** Where database backups go on the storage node, and for how many days they are kept. */
    /**
     * The Debian packages a node of {@code role} needs on {@code site}: its role's, and on the storage
     * node those of each storage service it runs itself. The one place that says so: the packages
     * phase installs them, {@code oth bundle create} packs them, doctor asks whether they can come.
     */
    public List<String> packagesFor(io.oth.site.Site site, String role) {
        List<String> wanted = new java.util.ArrayList<>(packages.getOrDefault(role, List.of()));
        if (role.equals(io.oth.site.Role.STORAGE)) {
            servicePackages.forEach((service, list) -> {
                if (io.oth.site.LocalServices.runsLocally(site, service)) {
                    list.stream().filter(p -> !wanted.contains(p)).forEach(wanted::add);
                }
            });
        }
        return List.copyOf(wanted);
    }

    public record Backups(String dir, int retentionDays) {
    }

    /**
     * One phase: its name (which code runs it), its title, the roles it applies to, and the phases
     * it needs finished on a node first as written (empty: the phase listed before it, see {@link PhaseOrder}).
     */
    public record PhaseSpec(String name, String title, List<String> roles, Optional<List<String>> needs) {
        public PhaseSpec(String name, String title, List<String> roles) {
            this(name, title, roles, Optional.empty());
        }
    }

    private static final Syntax<String> TEXT = Syntax.of("text", text -> !text.isBlank(), "text");
    private static final Syntax<String> PHASE = Syntax.pattern("a phase name", "[a-z][a-z0-9-]{0,31}");
    private static final Syntax<String> PACKAGE = Syntax.pattern("a Debian package name", "[a-z0-9][a-z0-9+.-]{1,63}");
    private static final Syntax<String> SERVICE = Syntax.oneOf("a storage service", List.of("database", "broker", "objects"));
    private static final Syntax<String> DIRECTORY = Syntax.pattern("an absolute directory", "(/[A-Za-z0-9._-]+)+");
    private static final Syntax<Integer> DAYS = Syntax.integer("a number of days", 1, 3650);

    /**
     * playbooks/install.yml, read through the same validating reader as the site file: a problem is
     * named by file:line:column and field, and a phase may name only roles of roles.yml.
     */
    public static InstallPlaybook load() {
        synchronized (InstallPlaybook.class) {
            if (loaded == null) {
                loaded = read(YamlDoc.parse(PlaybookFiles.label("install.yml"), PlaybookFiles.read("install.yml"), "a playbook"), Playbooks.load(),
                        problems -> PlaybookFiles.problem((PlaybookFiles.overridden() ? "the playbooks in $" + PlaybookFiles.OVERRIDE
                                : "the playbooks of this build") + " are broken:\n" + problems, null));
            }
            return loaded;
        }
    }

    /**
     * Read once a process, on first use, as {@link Playbooks#load} is: doctor asks for it for every
     * node it probes (the package sources check), twelve YAML parses at 10 app nodes otherwise.
     */
    private static InstallPlaybook loaded;

    /** An install.yml against the roles of {@code network}; {@code broken} makes the exception that lists the problems. */
    static InstallPlaybook read(YamlDoc doc, Playbooks network, Function<String, RuntimeException> broken) {
        Syntax<String> role = Syntax.oneOf("a role", network.roles().keySet());
        Optional<FieldMap> top = doc.root().flatMap(root -> root.mapping(List.of("phases", "packages", "services", "backups")));
        Map<String, Field> needsFields = new LinkedHashMap<>();
        Optional<List<PhaseSpec>> phases = top.flatMap(t -> t.require("phases", "a list of phases")).flatMap(f -> f.listOf(item ->
                item.mapping(List.of("name", "title", "roles", "needs")).flatMap(phase -> {
                    Optional<String> name = phase.require("name", PHASE);
                    Optional<String> title = phase.require("title", TEXT);
                    Optional<List<String>> roles = phase.require("roles", "a list of roles").flatMap(r -> r.listOf(x -> x.read(role)));
                    Optional<Field> needsField = phase.get("needs");
                    Optional<List<String>> needs = needsField.flatMap(n -> n.listOf(x -> x.read(PHASE)));
                    if (name.isEmpty() || title.isEmpty() || roles.isEmpty() || needsField.isPresent() && needs.isEmpty()) {
                        return Optional.empty();
                    }
                    needsField.ifPresent(n -> needsFields.put(name.get(), n));
                    return Optional.of(new PhaseSpec(name.get(), title.get(), roles.get(), needs));
                })));
        phases.ifPresent(list -> checkNeeds(list, needsFields));
        Optional<Map<String, List<String>>> packages = top.flatMap(t -> t.require("packages", "a mapping of roles to packages"))
                .flatMap(f -> packageLists(f, role));
        Optional<Map<String, List<String>>> services = top.flatMap(t -> t.get("services")).map(f -> packageLists(f, SERVICE))
                .orElse(Optional.of(Map.of()));
        Optional<Backups> backups = top.flatMap(t -> t.require("backups", "a mapping with dir and retention_days"))
                .flatMap(f -> f.mapping(List.of("dir", "retention_days"))).flatMap(b -> {
                    Optional<String> dir = b.require("dir", DIRECTORY);
                    Optional<Integer> days = b.require("retention_days", DAYS);
                    return dir.isEmpty() || days.isEmpty() ? Optional.empty() : Optional.of(new Backups(dir.get(), days.get()));
                });
        if (doc.hasProblems() || phases.isEmpty() || packages.isEmpty() || services.isEmpty() || backups.isEmpty()) {
            throw broken.apply(doc.problems().stream().map(Problem::toString).collect(Collectors.joining("\n")));
        }
        return new InstallPlaybook(phases.get(), packages.get(), services.get(), backups.get());
    }

    /**
     * Each phase needs only phases of this file, and no phase needs itself through others: either
     * would leave a phase that never starts.
     */
    private static void checkNeeds(List<PhaseSpec> phases, Map<String, Field> needsFields) {
        List<String> names = phases.stream().map(PhaseSpec::name).toList();
        boolean known = true;
        for (PhaseSpec phase : phases) {
            List<String> needs = phase.needs().orElse(List.of());
            for (int i = 0; i < needs.size(); i++) {
                if (!names.contains(needs.get(i))) {
                    Field item = needsFields.get(phase.name()).list().orElseThrow().get(i);
                    item.problem(item.quoted() + " is not a phase of this file (expected one of " + String.join(", ", names) + ")");
                    known = false;
                }
            }
        }
        if (!known) {
            return;
        }
        PhaseOrder.cycle(PhaseOrder.needs(names, phases.stream().map(PhaseSpec::needs).toList())).ifPresent(cycle -> {
            // Only a written need can point forward, and a cycle needs one that does.
            String at = cycle.stream().filter(needsFields::containsKey).findFirst().orElseThrow();
            needsFields.get(at).problem("the phases need each other in a cycle, so none of them would start: "
                    + String.join(" needs ", cycle));
        });
    }

    /** {@code key: [package, ...]} for each key in {@code keys}. */
    private static Optional<Map<String, List<String>>> packageLists(Field field, Syntax<String> keys) {
        return field.mapping().flatMap(map -> {
            Map<String, List<String>> lists = new LinkedHashMap<>();
            boolean ok = true;
            for (Map.Entry<String, Field> entry : map.entries().entrySet()) {
                Optional<String> key = keys.parse(entry.getKey());
                if (key.isEmpty()) {
                    entry.getValue().problem("\"" + entry.getKey() + "\" is not " + keys.noun() + " (expected " + keys.expected() + ")");
                    ok = false;
                    continue;
                }
                Optional<List<String>> list = entry.getValue().listOf(item -> item.read(PACKAGE));
                list.ifPresent(l -> lists.put(key.get(), l));
                ok &= list.isPresent();
            }
            return ok ? Optional.of(lists) : Optional.empty();
        });
    }
}
