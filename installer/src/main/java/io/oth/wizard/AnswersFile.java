package io.oth.wizard;

import io.oth.check.NameLookup;
import io.oth.secret.Secret;
import io.oth.site.Field;
import io.oth.site.FieldMap;
import io.oth.site.Problem;
import io.oth.site.Role;
import io.oth.site.Syntax;
import io.oth.site.YamlDoc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code oth setup --answers FILE}: the same questions answered by a YAML file whose keys mirror
 * them (docs/setup.md), checked by the same checks, in the same order. Every problem is reported at
 * once as {@code FILE:LINE:COLUMN: key: message}; warnings (DNS) are reported but do not stop the run.
 */
public final class AnswersFile {
    /** What the file gave: the answers when there is no problem, and every problem and warning. */
    public record Read(Optional<Draft> draft, List<Problem> problems, List<Problem> warnings) {
    }

    private final Path file;
    private final YamlDoc doc;
    private final Questions questions;
    private final UnaryOperator<String> environment;
    private final DnsCheck dns;
    private final Draft draft;
    private final Map<String, Set<String>> allowed = new HashMap<>();
    private final Map<String, Optional<FieldMap>> mappings = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    private AnswersFile(Path file, Questions questions, NameLookup resolver, UnaryOperator<String> environment) {
        this.file = file;
        this.doc = YamlDoc.read(file, "an answers file");
        this.questions = questions;
        this.environment = environment;
        this.dns = new DnsCheck(resolver);
        Path dir = file.toAbsolutePath().getParent();
        this.draft = new Draft(dir);
        for (Question q : questions.site()) {
            String[] parts = q.key().split("\\.");
            String path = "";
            for (String part : parts) {
                allowed.computeIfAbsent(path, k -> new LinkedHashSet<>()).add(part);
                path = path.isEmpty() ? part : path + "." + part;
            }
        }
        allowed.get("").add("nodes");
    }

    /** {@code siteFile}: a --site given on the command line, which wins over the file's site_file. */
    public static Read read(Path file, Questions questions, NameLookup resolver, UnaryOperator<String> environment, Optional<Path> siteFile) {
        AnswersFile answers = new AnswersFile(file, questions, resolver, environment);
        answers.readAll(siteFile);
        List<Problem> all = new ArrayList<>(answers.doc.problems());
        all.addAll(answers.problems);
        return new Read(all.isEmpty() ? Optional.of(answers.draft) : Optional.empty(), all, answers.warnings);
    }

    private void readAll(Optional<Path> siteFile) {
        if (map("").isEmpty()) {
            return;
        }
        for (Question q : questions.site()) {
            if (q.key().equals(Questions.SITE_FILE) && siteFile.isPresent()) {
                draft.put(q.key(), siteFile.get().toString(), siteFile.get().toAbsolutePath().normalize());
                continue;
            }
            answer(q, locate(q.key()), draft);
            if (q.key().equals(Questions.SSH_PORT)) {
                nodes();
                dnsWarning();
            }
        }
    }

    /** Where a key's answer is: a field, with the text it stands for when the file says it by its shape. */
    private record Located(Field field, Optional<String> text) {
    }

    private Optional<Located> locate(String key) {
        int dot = key.lastIndexOf('.');
        String parent = dot < 0 ? "" : key.substring(0, dot);
        String last = key.substring(dot + 1);
        // bastion: direct, and storage.SERVICE: local | {external: {...}}: a choice said by the shape of the value.
        if (key.equals(Questions.BASTION)) {
            Optional<Field> bastion = map("").flatMap(m -> m.get("bastion"));
            if (bastion.isPresent() && !bastion.get().isMapping()) {
                return Optional.of(new Located(bastion.get(), Optional.empty()));
            }
        }
        if (key.equals(Questions.DATABASE) || key.equals(Questions.BROKER) || key.equals(Questions.OBJECTS)) {
            Optional<Field> service = map("storage").flatMap(m -> m.get(last));
            if (service.isPresent() && service.get().isMapping()) {
                return Optional.of(new Located(service.get(), Optional.of(Questions.EXTERNAL)));
            }
            return service.map(f -> new Located(f, Optional.empty()));
        }
        return map(parent).flatMap(m -> m.get(last)).map(f -> new Located(f, Optional.empty()));
    }

    /** The mapping at {@code path}, read once (so that an unknown key is reported once). */
    private Optional<FieldMap> map(String path) {
        if (mappings.containsKey(path)) {
            return mappings.get(path);
        }
        Optional<FieldMap> result;
        if (path.isEmpty()) {
            result = doc.root().flatMap(root -> root.mapping(List.copyOf(allowed.get(""))));
        } else {
            int dot = path.lastIndexOf('.');
            String parent = dot < 0 ? "" : path.substring(0, dot);
            result = map(parent).flatMap(m -> m.get(path.substring(dot + 1)))
                    .filter(f -> f.isMapping() || !isChoice(path))
                    .flatMap(f -> f.mapping(List.copyOf(allowed.getOrDefault(path, Set.of()))));
        }
        mappings.put(path, result);
        return result;
    }

    private static boolean isChoice(String path) {
        return path.equals("bastion") || path.equals(Questions.DATABASE) || path.equals(Questions.BROKER) || path.equals(Questions.OBJECTS);
    }

    /** One question answered from {@code located}, or by its default, the environment, or not at all. */
    private void answer(Question q, Optional<Located> located, Draft into) {
        if (!q.asked().test(into)) {
            located.filter(l -> l.text().isEmpty() || !isChoice(q.key())).ifPresent(l ->
                    l.field().problem("is not used with these answers (expected no " + q.key() + ")"));
            return;
        }
        if (located.isEmpty()) {
            absent(q, into);
            return;
        }
        Field field = located.get().field();
        if (q.kind() == Question.Kind.LIST) {
            field.list().ifPresent(items -> {
                List<String> texts = items.stream().map(i -> i.read(TEXT.apply(q)).orElse("")).toList();
                q.items(texts, into, (index, message) -> items.get(index).problem(message))
                        .ifPresent(values -> into.put(q.key(), String.join(", ", texts), values));
            });
            return;
        }
        Optional<String> text = located.get().text().or(() -> field.read(TEXT.apply(q)));
        if (text.isEmpty()) {
            return;
        }
        if (q.kind() == Question.Kind.SECRET) {
            into.putSecret(q.secret().orElseThrow(), Secret.of(text.get()));
            return;
        }
        Verdict<Object> verdict = q.check().check(text.get(), into);
        if (verdict instanceof Verdict.Refused<Object> refused) {
            field.problem(refused.message());
        } else if (verdict instanceof Verdict.Doubtful<Object> doubtful) {
            warnings.add(field.warning(doubtful.warning()));
            into.put(q.key(), text.get(), doubtful.value());
        } else {
            into.put(q.key(), text.get(), ((Verdict.Accepted<Object>) verdict).value());
        }
    }

    private static final java.util.function.Function<Question, Syntax<String>> TEXT = q -> Syntax.of("text", t -> true, q.expected());

    private void absent(Question q, Draft into) {
        if (q.kind() == Question.Kind.SECRET) {
            var secret = q.secret().orElseThrow();
            secret.fromEnvironment(environment).ifPresentOrElse(v -> into.putSecret(secret, v),
                    () -> problems.add(new Problem(file, 0, 0, q.key(), "missing (expected " + secret.description() + " here, or in "
                            + secret.variable() + ")")));
            return;
        }
        String text = q.fallback().apply(into).orElse("");
        if (q.kind() == Question.Kind.LIST) {
            q.items(Question.split(text), into, (index, message) -> problems.add(new Problem(file, 0, 0, q.key(), message)))
                    .ifPresent(values -> into.put(q.key(), text, values));
            return;
        }
        Verdict<Object> verdict = q.check().check(text, into);
        if (verdict instanceof Verdict.Accepted<Object> accepted) {
            into.put(q.key(), text, accepted.value());
        } else if (verdict instanceof Verdict.Doubtful<Object> doubtful) {
            into.put(q.key(), text, doubtful.value());
        } else if (text.isEmpty()) {
            problems.add(new Problem(file, 0, 0, q.key(), "missing (expected " + q.expected() + ")"));
        } else {
            problems.add(new Problem(file, 0, 0, q.key(), "the default " + Checks.quote(text) + " does not do: "
                    + ((Verdict.Refused<Object>) verdict).message()));
        }
    }

    private void nodes() {
        Optional<Field> field = map("").flatMap(m -> m.get("nodes"));
        if (field.isEmpty()) {
            problems.add(new Problem(file, 0, 0, "nodes", "missing (expected a list of nodes with name, role, address)"));
            return;
        }
        List<String> keys = questions.node().stream().map(q -> q.key().substring(Questions.NODE_PREFIX.length())).toList();
        Optional<List<Field>> items = field.get().list();
        if (items.isEmpty()) {
            return;
        }
        boolean allRead = true;
        for (Field item : items.get()) {
            Optional<FieldMap> node = item.mapping(keys);
            if (node.isEmpty()) {
                allRead = false;
                continue;
            }
            int before = problemCount();
            draft.discardPending();
            for (Question q : questions.node()) {
                answer(q, node.get().get(q.key().substring(Questions.NODE_PREFIX.length())).map(f -> new Located(f, Optional.empty())), draft);
            }
            if (problemCount() == before) {
                draft.addPending();
            } else {
                allRead = false;
            }
        }
        if (allRead) {
            questions.rosterProblems(draft).forEach(field.get()::problem);
        }
    }

    private int problemCount() {
        return doc.problems().size() + problems.size();
    }

    private void dnsWarning() {
        Optional<String> publicAddress = draft.nodes().stream()
                .filter(n -> questions.playbooks().roles().get(draft.nodeText(n, Questions.NODE_ROLE)).publicAddress() == Role.PublicAddress.REQUIRED)
                .map(n -> draft.nodeText(n, Questions.NODE_PUBLIC_ADDRESS)).filter(a -> !a.isEmpty()).findFirst();
        Optional<Field> fqdn = map("").flatMap(m -> m.get(Questions.FQDN));
        if (publicAddress.isPresent() && fqdn.isPresent() && draft.answer(Questions.FQDN).isPresent()) {
            dns.mismatch(draft.string(Questions.FQDN), publicAddress.get()).ifPresent(w -> warnings.add(fqdn.get().warning(w)));
        }
    }

    /** {@code --print-answers}: every key with its help (templates/setup/answers.yml.peb). */
    public static String template(Questions questions) {
        Map<String, String> help = new LinkedHashMap<>();
        questions.site().forEach(q -> help.put(q.key(), q.help()));
        questions.node().forEach(q -> help.put(q.key(), q.help()));
        var playbooks = questions.playbooks();
        return io.oth.template.Templates.render("setup/answers.yml.peb", Map.of("help", help,
                "counts", String.join(", ", playbooks.roles().values().stream().map(r -> r.count().describe() + " " + r.name()).toList()),
                "features", String.join(", ", playbooks.features().keySet()),
                "support", String.join(", ", playbooks.supportAddresses())));
    }
}
