package io.oth.wizard;

import io.oth.secret.ExternalSecret;
import io.oth.site.Playbooks;
import io.oth.site.Role;

import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the answers will install where, for a last look before the site file is written. */
final class Summary {
    private Summary() {
    }

    static String of(Draft d, Questions questions, Path secretsFile) {
        Playbooks playbooks = questions.playbooks();
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Summary of site " + d.string(Questions.SITE) + " (" + d.string(Questions.FQDN) + ")");
        lines.add("  reached " + (d.is(Questions.BASTION, Questions.DIRECT) ? "directly"
                : "through the bastion " + d.string(Questions.BASTION_USER) + "@" + d.string(Questions.BASTION)) + ", as "
                + d.string(Questions.SSH_USER) + " on the nodes");
        for (Map<String, Draft.Answer> n : d.nodes()) {
            Role role = playbooks.roles().get(d.nodeText(n, Questions.NODE_ROLE));
            String publicAddress = d.nodeText(n, Questions.NODE_PUBLIC_ADDRESS);
            lines.add(String.format("  %-12s %-16s %s%s", d.nodeText(n, Questions.NODE_NAME), d.nodeText(n, Questions.NODE_ADDRESS),
                    role.name().equals(Questions.STORAGE_ROLE) ? localServices(d) : role.description(),
                    publicAddress.isEmpty() ? "" : "; public " + publicAddress));
        }
        for (String key : List.of(Questions.DATABASE, Questions.BROKER)) {
            if (d.is(key, Questions.EXTERNAL)) {
                String prefix = key + ".external.";
                lines.add("  external " + key.substring("storage.".length()) + ": " + d.string(prefix + "host") + ":"
                        + d.value(prefix + "port", Integer.class).orElse(0) + " as " + d.string(prefix + "user"));
            }
        }
        if (d.is(Questions.OBJECTS, Questions.EXTERNAL)) {
            String prefix = Questions.OBJECTS + ".external.";
            lines.add("  external objects: " + d.string(prefix + "endpoint") + " bucket " + d.string(prefix + "bucket")
                    + " (" + d.string(prefix + "region") + ")");
        }
        lines.add("  features: " + listText(d, Questions.FEATURES));
        lines.add("  certificate bundle: " + d.value(Questions.BUNDLE, Path.class).map(Path::toString).orElse("not given yet (install needs it)"));
        lines.add("  support access (only during oth support open) from: " + listText(d, Questions.SUPPORT));
        if (!d.secrets().isEmpty()) {
            lines.add("  secrets " + String.join(", ", d.secrets().keySet().stream().map(ExternalSecret::secretName).toList())
                    + " go to " + secretsFile + " (0600), never into the site file");
        }
        List<String> missing = missing(d, questions, secretsFile);
        if (!missing.isEmpty()) {
            lines.add("Still missing before oth install can run:");
            missing.forEach(m -> lines.add("  " + m));
        }
        lines.add("");
        return String.join("\n", lines);
    }

    /** What the install will need that these answers do not give yet: bundles, trusted host keys, secrets. */
    static List<String> missing(Draft d, Questions questions, Path secretsFile) {
        List<String> missing = new ArrayList<>();
        for (Question q : questions.site()) {
            boolean bundle = List.of(Questions.BUNDLE, Questions.RELEASE, Questions.TRAEFIK, Questions.MINIO).contains(q.key());
            if (bundle && q.asked().test(d) && d.value(q.key(), Path.class).isEmpty()) {
                missing.add(q.prompt().replaceAll(" \\(.*", "") + ": not given (" + q.key() + " in the site file)");
            }
        }
        d.unusableHosts().ifPresentOrElse(
                hosts -> hosts.forEach((host, problem) -> missing.add("host " + host + ": " + problem + " (oth hosts trust)")),
                () -> missing.add("host keys: not checked here (oth hosts trust, or oth doctor --preflight)"));
        Set<String> saved = savedSecrets(secretsFile);
        for (Question q : questions.site()) {
            q.secret().filter(s -> q.asked().test(d) && !d.secrets().containsKey(s) && !saved.contains(s.secretName()))
                    .ifPresent(s -> missing.add("secret " + s.secretName() + ": not in " + secretsFile + " (oth secrets set " + s.secretName()
                            + ", or " + s.variable() + ")"));
        }
        return missing;
    }

    private static Set<String> savedSecrets(Path secretsFile) {
        if (!Files.exists(secretsFile)) {
            return Set.of();
        }
        try {
            return Secrets.open(secretsFile).names();
        } catch (SecretsException e) {
            return Set.of();
        }
    }

    private static String localServices(Draft d) {
        List<String> local = new ArrayList<>();
        if (d.is(Questions.DATABASE, Questions.LOCAL)) {
            local.add("MariaDB");
        }
        if (d.is(Questions.BROKER, Questions.LOCAL)) {
            local.add("RabbitMQ");
        }
        if (d.is(Questions.OBJECTS, Questions.LOCAL)) {
            local.add("MinIO");
        }
        return "storage node: " + String.join(", ", local);
    }

    private static String listText(Draft d, String key) {
        List<?> items = d.value(key, List.class).orElse(List.of());
        return items.isEmpty() ? "none" : String.join(", ", items.stream().map(Object::toString).toList());
    }
}
