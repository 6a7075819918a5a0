package io.oth.site;

import io.oth.input.InputFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data in playbooks/ (packaged in the jar under {@code playbooks/}): the roles and the ports
 * they open, the features and the endpoints they reach, and OTH support's addresses.
 */
public record Playbooks(Map<String, Role> roles, Map<String, Feature> features, List<String> supportAddresses) {
    private static final List<String> SOURCES = List.of("anywhere", "bastion", "support");
    private static final Syntax<String> TEXT = Syntax.of("text", text -> !text.isBlank(), "text");
    private static final Syntax<Integer> COUNT = Syntax.integer("a node count", 0, 1000);
    private static final Syntax<Integer> PORT = Syntax.integer("a port number", 1, 65535);
    private static final Syntax<String> INBOUND_PROTO = Syntax.oneOf("a protocol", List.of("tcp", "udp"));
    private static final Syntax<String> OUTBOUND_PROTO = Syntax.oneOf("a protocol", List.of("tcp", "udp", "https"));
    private static final Syntax<String> SERVICE = Syntax.oneOf("a storage service", List.of("database", "broker", "objects"));
    private static final Syntax<Role.Condition> WHEN = new Syntax<>("a condition", text -> Stream.of(Role.Condition.values())
            .filter(c -> c.key().equals(text)).findFirst(), "one of " + String.join(", ", Stream.of(Role.Condition.values()).map(Role.Condition::key).toList())
            + " (a setting of the site file)");
    private static final Syntax<String> RULE_NAME = Syntax.pattern("a rule name", "[a-z][a-z0-9-]{0,31}");
    private static final Syntax<String> HOST = Syntax.of("a host name", text -> Addresses.isDnsName(text, 2), "a DNS name");
    private static final Syntax<Boolean> MANDATORY = Syntax.bool();
    private static final Syntax<Role.PublicAddress> PUBLIC_ADDRESS = new Syntax<>("a public_address rule", text -> switch (text) {
        case "required" -> Optional.of(Role.PublicAddress.REQUIRED);
        case "forbidden" -> Optional.of(Role.PublicAddress.FORBIDDEN);
        default -> Optional.empty();
    }, "required or forbidden (the default)");

    public Playbooks {
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
        supportAddresses = List.copyOf(supportAddresses);
    }

    /**
     * The playbooks, read once. Those of this build are tested with it, so a problem in them is a
     * bug; those of {@code OTH_PLAYBOOKS} are input ({@link PlaybookFiles.Broken}).
     */
    public static Playbooks load() {
        synchronized (Playbooks.class) {
            if (loaded == null) {
                loaded = read();
            }
            return loaded;
        }
    }

    /** Read on first use, not in a static initializer: a problem must reach the user as itself, not as an ExceptionInInitializerError. */
    private static Playbooks loaded;

    private static Playbooks read() {
        return read(Playbooks::resource, problems -> PlaybookFiles.problem((PlaybookFiles.overridden() ? "the playbooks in $" + PlaybookFiles.OVERRIDE
                : "the playbooks of this build") + " are broken:\n" + problems, null));
    }

    /** The playbooks in {@code dir}, read each time: a copy with another port table, as a test or a support engineer has it. */
    public static Playbooks read(Path dir) {
        return read(name -> {
            try {
                return YamlDoc.parse(dir.resolve(name), InputFiles.readText(dir.resolve(name), InputFiles.YAML_LIMIT, "a playbook"), "a playbook");
            } catch (IOException e) {
                throw new PlaybookFiles.Broken("cannot read " + dir.resolve(name) + ": " + e.getMessage());
            }
        }, problems -> new PlaybookFiles.Broken("the playbooks in " + dir + " are broken:\n" + problems));
    }

    private static Playbooks read(Function<String, YamlDoc> file, Function<String, RuntimeException> broken) {
        YamlDoc roles = file.apply("roles.yml");
        YamlDoc outbound = file.apply("outbound.yml");
        YamlDoc support = file.apply("support.yml");
        Playbooks playbooks = new Playbooks(roles(roles), features(outbound), supportAddresses(support));
        List<String> problems = new ArrayList<>(Stream.of(roles, outbound, support).flatMap(doc -> doc.problems().stream())
                .map(Problem::toString).toList());
        if (problems.isEmpty()) {
            // The code configures these roles' nodes itself (haproxy, the application, the storage services).
            Stream.of(Role.LB, Role.APP, Role.STORAGE).filter(name -> !playbooks.roles().containsKey(name))
                    .forEach(name -> problems.add(PlaybookFiles.label("roles.yml") + ": no role " + name + " (oth configures that role's nodes itself)"));
        }
        if (!problems.isEmpty()) {
            throw broken.apply(String.join("\n", problems));
        }
        return playbooks;
    }

    private static YamlDoc resource(String name) {
        return YamlDoc.parse(PlaybookFiles.label(name), PlaybookFiles.read(name), "a playbook");
    }

    private static Map<String, Role> roles(YamlDoc doc) {
        Map<String, Role> roles = new LinkedHashMap<>();
        top(doc, "roles").flatMap(Field::mapping).ifPresent(all -> {
            // Who may connect: a fixed party, or the nodes of a role.
            Syntax<String> source = Syntax.oneOf("a source", Stream.concat(SOURCES.stream(), all.entries().keySet().stream()).toList());
            all.entries().forEach((name, field) -> role(name, field, source).ifPresent(role -> roles.put(name, role)));
        });
        return roles;
    }

    private static Optional<Role> role(String name, Field field, Syntax<String> source) {
        return field.mapping(List.of("description", "count", "public_address", "inbound")).flatMap(role -> {
            Optional<String> description = role.require("description", TEXT);
            Optional<Role.Count> count = role.require("count", "a mapping with min and max")
                    .flatMap(f -> f.mapping(List.of("min", "max")))
                    .flatMap(c -> c.require("min", COUNT).map(min -> new Role.Count(min,
                            c.optional("max", COUNT).map(OptionalInt::of).orElse(OptionalInt.empty()))));
            Role.PublicAddress publicAddress = role.optional("public_address", PUBLIC_ADDRESS).orElse(Role.PublicAddress.FORBIDDEN);
            Optional<List<Role.Inbound>> inbound = role.require("inbound", "a list of ports").flatMap(f -> f.listOf(rule -> inbound(rule, source)));
            if (description.isEmpty() || count.isEmpty() || inbound.isEmpty()) {
                return Optional.empty();
            }
            // A name is how a service's configuration finds its port: two rules with one name would make that a guess.
            Set<String> named = new HashSet<>();
            Optional<String> twice = inbound.get().stream().flatMap(in -> in.name().stream()).filter(n -> !named.add(n)).findFirst();
            if (twice.isPresent()) {
                role.get("inbound").ifPresent(f -> f.problem("two rules are named " + twice.get() + " (a name picks one port for a service's configuration)"));
                return Optional.empty();
            }
            return Optional.of(new Role(name, description.get(), count.get(), publicAddress, inbound.get()));
        });
    }

    private static Optional<Role.Inbound> inbound(Field field, Syntax<String> source) {
        return field.mapping(List.of("port", "proto", "from", "service", "name", "when", "why")).flatMap(rule -> {
            Optional<Integer> port = rule.require("port", PORT);
            Optional<String> proto = rule.require("proto", INBOUND_PROTO);
            Optional<List<String>> from = rule.require("from", "a list of sources").flatMap(f -> f.listOf(item -> item.read(source)));
            Optional<String> service = rule.optional("service", SERVICE);
            Optional<String> name = rule.optional("name", RULE_NAME);
            Optional<Role.Condition> when = rule.optional("when", WHEN);
            Optional<String> why = rule.require("why", TEXT);
            if (port.isEmpty() || proto.isEmpty() || from.isEmpty() || why.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Role.Inbound(port.get(), proto.get(), from.get(), service, name, when, why.get()));
        });
    }

    private static Map<String, Feature> features(YamlDoc doc) {
        Map<String, Feature> features = new LinkedHashMap<>();
        top(doc, "features").flatMap(Field::mapping).ifPresent(all ->
                all.entries().forEach((name, field) -> feature(name, field).ifPresent(feature -> features.put(name, feature))));
        return features;
    }

    private static Optional<Feature> feature(String name, Field field) {
        return field.mapping(List.of("description", "mandatory", "endpoints")).flatMap(feature -> {
            Optional<String> description = feature.require("description", TEXT);
            Optional<Boolean> mandatory = feature.require("mandatory", MANDATORY);
            Optional<List<Feature.Endpoint>> endpoints = feature.require("endpoints", "a list of endpoints")
                    .flatMap(f -> f.listOf(Playbooks::endpoint));
            if (description.isEmpty() || mandatory.isEmpty() || endpoints.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Feature(name, description.get(), mandatory.get(), endpoints.get()));
        });
    }

    private static Optional<Feature.Endpoint> endpoint(Field field) {
        return field.mapping(List.of("host", "ports", "proto")).flatMap(endpoint -> {
            Optional<String> host = endpoint.require("host", HOST);
            Optional<List<Integer>> ports = endpoint.require("ports", "a list of port numbers").flatMap(f -> f.listOf(port -> port.read(PORT)));
            Optional<String> proto = endpoint.require("proto", OUTBOUND_PROTO);
            if (host.isEmpty() || ports.isEmpty() || proto.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Feature.Endpoint(host.get(), ports.get(), proto.get()));
        });
    }

    private static List<String> supportAddresses(YamlDoc doc) {
        return top(doc, "support")
                .flatMap(f -> f.mapping(List.of("addresses")))
                .flatMap(support -> support.require("addresses", "a list of CIDRs"))
                .flatMap(f -> f.listOf(Cidr::readNetwork))
                .orElse(List.of());
    }

    /** The one top-level entry a playbook has. */
    private static Optional<Field> top(YamlDoc doc, String key) {
        return doc.root().flatMap(root -> root.mapping(List.of(key))).flatMap(top -> top.require(key, "a mapping"));
    }
}
