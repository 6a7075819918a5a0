package io.oth.wizard;

import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.Storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers known before the questions start, as text by question key: from an existing site file
 * ({@code oth setup --site FILE}) or from the answers saved while a setup ran ({@link SavedAnswers}).
 * They are never trusted as values: {@link #replay} puts each through its question's check, in the
 * questions' order, as if it had been typed; an answer the check refuses is left out and named.
 * Secrets are never among them.
 */
record KnownAnswers(Map<String, String> answers, List<Map<String, String>> nodes) {

    KnownAnswers {
        answers = Map.copyOf(answers);
        nodes = nodes.stream().map(Map::copyOf).toList();
    }

    /** What the site file says, as the wizard would have been answered to write it. */
    static KnownAnswers of(Site site, Questions questions) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(Questions.FQDN, site.fqdn());
        a.put(Questions.SITE, site.name());
        site.bastion().ifPresentOrElse(b -> {
            a.put(Questions.BASTION, b.address());
            // What the file leaves to ssh_config or ssh-agent is asked, as for a new site.
            b.port().ifPresent(p -> a.put(Questions.BASTION_PORT, String.valueOf(p)));
            b.user().ifPresent(u -> a.put(Questions.BASTION_USER, u));
            b.key().ifPresent(k -> a.put(Questions.BASTION_KEY, k.toString()));
        }, () -> a.put(Questions.BASTION, Questions.DIRECT));
        site.nodes().stream().findFirst().map(Node::ssh).ifPresent(ssh -> {
            ssh.user().ifPresent(u -> a.put(Questions.SSH_USER, u));
            ssh.key().ifPresent(k -> a.put(Questions.SSH_KEY, k.toString()));
            ssh.port().ifPresent(p -> a.put(Questions.SSH_PORT, String.valueOf(p)));
        });
        // In the playbooks' order, as the wizard's default lists them, so that the same site renders the same file.
        a.put(Questions.FEATURES, list(questions.playbooks().features().keySet().stream().filter(site.features()::contains).toList()));
        service(a, Questions.DATABASE, site.storage().database());
        service(a, Questions.BROKER, site.storage().broker());
        Optional<Storage.S3> s3 = site.storage().objects().external();
        a.put(Questions.OBJECTS, s3.isPresent() ? Questions.EXTERNAL : Questions.LOCAL);
        s3.ifPresent(s -> {
            String prefix = Questions.OBJECTS + ".external.";
            a.put(prefix + "endpoint", s.endpoint());
            a.put(prefix + "region", s.region());
            a.put(prefix + "bucket", s.bucket());
            a.put(prefix + "access_key", s.accessKey());
        });
        a.put(Questions.BUNDLE, site.certificateBundle().map(Path::toString).orElse(Question.NONE));
        a.put(Questions.RELEASE, site.application().release().map(Path::toString).orElse(Question.NONE));
        a.put(Questions.TRAEFIK, site.application().traefik().map(Path::toString).orElse(Question.NONE));
        a.put(Questions.MINIO, site.application().minio().map(Path::toString).orElse(Question.NONE));
        a.put(Questions.SUPPORT, list(site.supportAddresses()));
        a.put(Questions.SITE_FILE, site.file().toString());
        List<Map<String, String>> nodes = new ArrayList<>();
        for (Node n : site.nodes()) {
            Map<String, String> node = new LinkedHashMap<>();
            node.put(Questions.NODE_ROLE, n.role());
            node.put(Questions.NODE_NAME, n.name());
            node.put(Questions.NODE_ADDRESS, n.address());
            n.publicAddress().ifPresent(p -> node.put(Questions.NODE_PUBLIC_ADDRESS, p));
            nodes.add(node);
        }
        return new KnownAnswers(a, nodes);
    }

    /** What {@code d} holds so far, secrets left out; the nodes are the ones added (not one half answered). */
    static KnownAnswers of(Draft d, Questions questions) {
        Map<String, String> a = new LinkedHashMap<>();
        for (Question q : questions.site()) {
            if (q.kind() != Question.Kind.SECRET) {
                d.text(q.key()).ifPresent(text -> a.put(q.key(), text));
            }
        }
        List<Map<String, String>> nodes = new ArrayList<>();
        for (Map<String, Draft.Answer> n : d.nodes()) {
            Map<String, String> node = new LinkedHashMap<>();
            n.forEach((key, answer) -> node.put(key, answer.text()));
            nodes.add(node);
        }
        return new KnownAnswers(a, nodes);
    }

    /**
     * Each answer through its question's check, in order, into {@code d}; the ones refused (a key
     * file that is gone, a support network the wizard cannot express) are left out and returned as
     * {@code key: message}, so that the question asks for them again.
     */
    List<String> replay(Draft d, Questions questions) {
        List<String> refused = new ArrayList<>();
        for (Question q : questions.site()) {
            if (q.kind() != Question.Kind.SECRET && q.asked().test(d) && answers.containsKey(q.key())) {
                replay(q, answers.get(q.key()), d, refused, "");
            }
            if (q.key().equals(Questions.SSH_PORT)) {
                nodes(d, questions, refused);
            }
        }
        d.discardPending();
        return refused;
    }

    private void nodes(Draft d, Questions questions, List<String> refused) {
        for (int i = 0; i < nodes.size(); i++) {
            d.discardPending();
            int before = refused.size();
            for (Question q : questions.node()) {
                String text = nodes.get(i).get(q.key());
                if (q.asked().test(d) && text != null) {
                    replay(q, text, d, refused, "nodes[" + i + "]." + q.key().substring(Questions.NODE_PREFIX.length()) + ": ");
                }
            }
            if (refused.size() == before && questions.node().stream().allMatch(q -> !q.asked().test(d) || d.answer(q.key()).isPresent())) {
                d.addPending();
            } else if (refused.size() == before) {
                refused.add("nodes[" + i + "]: incomplete (expected a role, a name and an address)");
            }
        }
    }

    private static void replay(Question q, String text, Draft d, List<String> refused, String label) {
        String where = label.isEmpty() ? q.key() + ": " : label;
        if (q.kind() == Question.Kind.LIST) {
            List<String> problems = new ArrayList<>();
            q.items(Question.split(text), d, (index, message) -> problems.add(where.replace(": ", "[" + index + "]: ") + message))
                    .ifPresentOrElse(values -> d.put(q.key(), text, values), () -> refused.addAll(problems));
            return;
        }
        Verdict<Object> verdict = q.check().check(text, d);
        if (verdict instanceof Verdict.Accepted<Object> accepted) {
            d.put(q.key(), text, accepted.value());
        } else if (verdict instanceof Verdict.Doubtful<Object> doubtful) {
            d.put(q.key(), text, doubtful.value());
        } else {
            refused.add(where + ((Verdict.Refused<Object>) verdict).message());
        }
    }

    private static void service(Map<String, String> a, String key, Storage.Service service) {
        a.put(key, service.isLocal() ? Questions.LOCAL : Questions.EXTERNAL);
        service.external().ifPresent(e -> {
            a.put(key + ".external.host", e.host());
            a.put(key + ".external.port", String.valueOf(e.port()));
            a.put(key + ".external.user", e.user());
        });
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? Question.NONE : String.join(", ", items);
    }
}
