package io.oth.site;

import io.oth.secret.PrivateFiles;
import io.oth.sshconfig.Jump;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a site file (docs/site-file.md) into a {@link Site}, or reports everything wrong with it:
 * its YAML, its shape, its values, and the files it names.
 */
public final class SiteLoader {
    private static final List<String> SITE_KEYS =
            List.of("site", "fqdn", "bastion", "ssh", "nodes", "features", "storage", "certificate", "support",
                    "application", "waivers", "credentials");
    /** credentials.max_age_days: a day at least, ten years at most. */
    private static final Syntax<Integer> MAX_AGE_DAYS = Syntax.integer("a number of days", 1, 3650);
    private static final List<String> WAIVER_KEYS = List.of("check", "node", "target", "reason", "until");
    private static final Syntax<String> CHECK_ID = Syntax.pattern("a check id", "[a-z]+\\.[a-z0-9_-]+");
    private static final Syntax<String> REASON = Syntax.of("a reason", text -> text.strip().length() >= 3, "why the finding is accepted, in words");
    /** Why a site departs from a rule (a public private address, a broad support network), for whoever reads the file next. */
    private static final Syntax<String> WHY = Syntax.of("a reason", text -> text.strip().length() >= 3, "why, in words");
    private static final Syntax<java.time.LocalDate> DATE = new Syntax<>("a date", SiteLoader::date, "a date as YYYY-MM-DD");
    private static final List<String> SSH_KEYS = List.of("user", "key", "port", "known_hosts");
    private static final List<String> BASTION_KEYS = List.of("address", "port", "user", "key", "jump");
    private static final List<String> JUMP_KEYS = List.of("address", "port", "user", "key");
    /** The bastion's jump hosts: with the bastion, at most {@link Jump#MAX_HOPS} hosts on the way to a node. */
    static final int MAX_JUMPS = Jump.MAX_HOPS - 1;
    /** The first word of an OpenSSH public key line (a .pub file): its type, then a space. */
    private static final Pattern PUBLIC_KEY_LINE = Pattern.compile(
            "(ssh-(ed25519|ed448|rsa|dss)|ecdsa-sha2-[a-z0-9]+|sk-[a-z0-9-]+@openssh\\.com|[a-z0-9-]+-cert-v01@openssh\\.com) .*", Pattern.DOTALL);
    private static final List<String> NODE_KEYS = List.of("name", "role", "address", "public_address", "public_address_reason", "user", "port", "key");
    private static final List<String> SUPPORT_NETWORK_KEYS = List.of("network", "reason");
    private static final List<String> STORAGE_KEYS = List.of("database", "broker", "objects", "plain_amqp");

    // Public: oth setup checks its answers with the same syntax and the same words.
    public static final Syntax<String> SITE_NAME = Syntax.pattern("a site name", "[a-z0-9-]{1,32}");
    public static final Syntax<String> FQDN =
            Syntax.of("a DNS name", text -> Addresses.isDnsName(text, 2), "a DNS name with at least two labels, like oth.example.com");
    public static final Syntax<String> NODE_NAME = Syntax.pattern("a node name", "[a-z][a-z0-9-]{0,62}");
    public static final Syntax<String> USER = Syntax.pattern("a user name", "[a-z_][a-z0-9_-]{0,31}");
    public static final Syntax<Integer> PORT = Syntax.integer("a port number", 1, 65535);
    public static final Syntax<String> IP_ADDRESS =
            Syntax.of("an IP address", text -> Addresses.ipLiteral(text).isPresent(), "an IPv4 or IPv6 literal");
    public static final Syntax<String> HOST =
            Syntax.of("an IP address or host name", Addresses::isHostOrIp, "an IPv4 or IPv6 literal, or a DNS name");
    private static final Syntax<String> PATH = Syntax.of("a path", text -> !text.isBlank(), "a file path");
    private static final Syntax<String> LOCAL_SERVICE =
            Syntax.of("a storage choice", "local"::equals, "local, or external: {host: ..., port: ...}");
    private static final Syntax<String> LOCAL_OBJECTS =
            Syntax.of("a storage choice", "local"::equals, "local, or external: {endpoint: ..., region: ..., bucket: ...}");
    public static final Syntax<String> S3_ENDPOINT = Syntax.of("an S3 endpoint", SiteLoader::isHttpUrl, "an http or https URL");
    public static final Syntax<String> S3_REGION = Syntax.pattern("a region", "[a-z0-9-]{1,64}");
    public static final Syntax<String> S3_BUCKET = Syntax.pattern("a bucket name", "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    public static final Syntax<String> ACCESS_KEY = Syntax.pattern("an access key", "[A-Za-z0-9._+/=-]{3,128}");
    /** SSH's own default port (RFC 4253): ssh.port's default, and the bastion's (its port is its own, not the nodes'). */
    public static final int SSH_PORT = 22;
    /** The role whose node runs the local storage services; the site file's schema names it. */
    private static final String STORAGE_ROLE = Role.STORAGE;
    private static final Storage ALL_LOCAL = new Storage(
            new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()), new Storage.ObjectStore(Optional.empty()), false);

    private final YamlDoc doc;
    private final Path dir;
    private final Playbooks playbooks;
    private final Syntax<Role> role;
    private final Syntax<String> feature;
    private final KeySources keySources;
    /** A site file as a support bundle recorded it: the files it names are on the customer's machine, not here. */
    private boolean recorded;

    private SiteLoader(YamlDoc doc, Path dir, Playbooks playbooks, KeySources keySources) {
        this.doc = doc;
        this.keySources = keySources;
        this.dir = dir;
        this.playbooks = playbooks;
        this.role = new Syntax<>("a role", name -> Optional.ofNullable(playbooks.roles().get(name)),
                "one of " + String.join(", ", playbooks.roles().keySet()));
        this.feature = Syntax.oneOf("a feature", playbooks.features().keySet());
    }

    /** The site in {@code file}, every login with a key in the site file; relative paths in it are resolved against its directory. */
    public static Site load(Path file) throws SiteException {
        return load(file, KeySources.NONE);
    }

    /** The site in {@code file}, where a login without a key in the site file may take one from {@code keySources}. */
    public static Site load(Path file, KeySources keySources) throws SiteException {
        return load(file, false, keySources);
    }

    private static Site load(Path file, boolean recorded, KeySources keySources) throws SiteException {
        Path absolute = file.toAbsolutePath().normalize();
        YamlDoc doc = YamlDoc.read(file, "a site file");
        SiteLoader loader = new SiteLoader(doc, absolute.getParent(), Playbooks.load(), keySources);
        loader.recorded = recorded;
        Optional<Site> site = doc.root().flatMap(root -> root.mapping(SITE_KEYS)).flatMap(top -> loader.site(absolute, top));
        if (doc.hasProblems()) {
            throw new SiteException(doc.problems());
        }
        return site.orElseThrow();
    }

    /**
     * The site in a file a support bundle recorded, checked as strictly as {@link #load} except that
     * the files it names (keys, bundles) need not exist here: for reading a bundle, never for a run.
     */
    public static Site loadRecorded(Path file) throws SiteException {
        return load(file, true, KeySources.NONE);
    }

    /** The site when nothing is wrong. Every part is read even after a problem, so that all are reported. */
    private Optional<Site> site(Path file, FieldMap top) {
        Optional<String> fqdn = top.require("fqdn", FQDN);
        Optional<String> name = siteName(top, fqdn);
        SshDefaults ssh = sshDefaults(top.get("ssh"));
        Optional<FieldMap> bastionMap = top.get("bastion").flatMap(f -> f.mapping(BASTION_KEYS));
        Optional<SshEndpoint> bastion = bastionMap.flatMap(m -> hostEndpoint(m, ssh));
        List<SshEndpoint> jumps = bastionMap.flatMap(m -> m.get("jump")).map(f -> jumps(f, ssh)).orElse(List.of());
        Optional<Storage> storage = top.get("storage").map(this::storage).orElse(Optional.of(ALL_LOCAL));
        List<Node> nodes = nodes(top, ssh, storage);
        Set<String> features = features(top.get("features"));
        Optional<Path> bundle = top.get("certificate").flatMap(f -> f.mapping(List.of("bundle")))
                .flatMap(m -> m.get("bundle")).flatMap(f -> existingFile(f, "a PEM certificate bundle"));
        List<String> support = top.get("support").flatMap(f -> f.mapping(List.of("addresses"))).flatMap(m -> m.get("addresses"))
                .map(f -> f.listOf(SiteLoader::supportNetwork).orElse(List.of()))
                .orElse(playbooks.supportAddresses());
        Optional<FieldMap> app = top.get("application").flatMap(f -> f.mapping(List.of("release", "traefik", "minio")));
        Application application = new Application(
                app.flatMap(m -> m.get("release")).flatMap(f -> existingFile(f, "an application release bundle (.tar.gz)")),
                app.flatMap(m -> m.get("traefik")).flatMap(f -> existingFile(f, "a traefik release bundle (.tar.gz)")),
                app.flatMap(m -> m.get("minio")).flatMap(f -> existingFile(f, "a MinIO release bundle (.tar.gz)")));
        List<Waiver> waivers = top.get("waivers").flatMap(f -> f.listOf(w -> waiver(w, nodes))).orElse(List.of());
        Optional<Integer> maxAge = top.get("credentials").flatMap(f -> f.mapping(List.of("max_age_days")))
                .map(m -> m.get("max_age_days").flatMap(f -> f.read(MAX_AGE_DAYS)).orElse(Site.CREDENTIALS_MAX_AGE_DAYS));
        if (doc.hasProblems()) {
            return Optional.empty();
        }
        return Optional.of(new Site(file, name.orElseThrow(), fqdn.orElseThrow(), bastion, ssh.knownHosts(), nodes, features,
                storage.orElseThrow(), bundle, support, application, waivers, jumps, maxAge.orElse(Site.CREDENTIALS_MAX_AGE_DAYS)));
    }

    /** Where doctor sees a finding from: a node, or the operator's machine, or the bastion. */
    private static final List<String> VANTAGE_POINTS = List.of("operator", "bastion");

    private Optional<Waiver> waiver(Field field, List<Node> nodes) {
        Optional<FieldMap> m = field.mapping(WAIVER_KEYS);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> check = m.get().require("check", CHECK_ID);
        List<String> vantages = new ArrayList<>(VANTAGE_POINTS);
        nodes.forEach(n -> vantages.add(n.name()));
        Optional<String> node = m.get().optional("node", Syntax.oneOf("a vantage point of this site", vantages));
        Optional<String> target = m.get().optional("target", Syntax.of("a target", t -> !t.isBlank(), "what the check looked at, as doctor shows it"));
        Optional<String> reason = m.get().require("reason", REASON);
        Optional<java.time.LocalDate> until = m.get().optional("until", DATE);
        if (check.isEmpty() || reason.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Waiver(check.get(), node, target, reason.get().strip(), until, field.where()));
    }

    private static Optional<java.time.LocalDate> date(String text) {
        try {
            return Optional.of(java.time.LocalDate.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private Optional<String> siteName(FieldMap top, Optional<String> fqdn) {
        if (top.get("site").isPresent()) {
            return top.optional("site", SITE_NAME);
        }
        Optional<String> label = fqdn.map(name -> name.substring(0, name.indexOf('.')).toLowerCase(Locale.ROOT));
        label.filter(l -> SITE_NAME.parse(l).isEmpty()).ifPresent(l -> top.missing("site",
                SITE_NAME.expected() + "; the default, the fqdn's first label \"" + l + "\", is too long"));
        return label.flatMap(SITE_NAME::parse);
    }

    /**
     * What nodes and the bastion inherit from {@code ssh}. {@code keyMissing}: no ssh.key to inherit,
     * and not because {@code ssh} itself is wrong (that is reported once, not again on every node).
     * What it leaves out, ssh_config may give, else oth's defaults.
     */
    private record SshDefaults(Optional<String> user, Optional<Integer> port, boolean keyMissing, Optional<Path> key, Optional<Path> knownHosts) {
    }

    private SshDefaults sshDefaults(Optional<Field> field) {
        Optional<FieldMap> ssh = field.flatMap(f -> f.mapping(SSH_KEYS));
        Optional<Field> key = ssh.flatMap(m -> m.get("key"));
        return new SshDefaults(
                ssh.flatMap(m -> m.optional("user", USER)),
                ssh.flatMap(m -> m.optional("port", PORT)),
                ssh.map(m -> key.isEmpty()).orElse(field.isEmpty()),
                key.flatMap(this::privateKey),
                ssh.flatMap(m -> m.get("known_hosts")).flatMap(f -> existingFile(f, "a known_hosts file")));
    }

    /** The bastion, or one of its jump hosts: a host name or an address, on its own port (it does not follow ssh.port). */
    private Optional<SshEndpoint> hostEndpoint(FieldMap m, SshDefaults ssh) {
        Optional<String> address = m.require("address", HOST.expected()).flatMap(f -> address(f, HOST, AddressRules::host));
        return endpoint(m, address, Optional.empty(), ssh);
    }

    /** bastion.jump: the hosts passed through before the bastion, in order. */
    private List<SshEndpoint> jumps(Field field, SshDefaults ssh) {
        Optional<List<Field>> items = field.list();
        if (items.isEmpty()) {
            return List.of();
        }
        if (items.get().size() > MAX_JUMPS) {
            items.get().get(MAX_JUMPS).problem(items.get().size() + " jump hosts (expected at most " + MAX_JUMPS
                    + ": with the bastion, at most " + Jump.MAX_HOPS + " hosts on the way to a node)");
            return List.of();
        }
        List<SshEndpoint> jumps = new ArrayList<>();
        for (Field item : items.get()) {
            item.mapping(JUMP_KEYS).flatMap(m -> hostEndpoint(m, ssh)).ifPresent(jumps::add);
        }
        return jumps;
    }

    private Optional<SshEndpoint> endpoint(FieldMap m, Optional<String> address, Optional<Integer> defaultPort, SshDefaults ssh) {
        Optional<Integer> port = m.optional("port", PORT).or(() -> defaultPort);
        Optional<String> user = m.optional("user", USER).or(ssh::user);
        Optional<Optional<Path>> key = m.get("key").isPresent() ? m.get("key").flatMap(this::privateKey).map(Optional::of)
                : inheritedKey(m, address, port, user, ssh);
        if (address.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SshEndpoint(address.get(), port, user, key.get()));
    }

    /**
     * ssh.key; without one, none (ssh_config's IdentityFile or ssh-agent's keys serve), or empty
     * after reporting that nothing would. Empty too when ssh.key is wrong: that is reported once, at ssh.key.
     */
    private Optional<Optional<Path>> inheritedKey(FieldMap m, Optional<String> address, Optional<Integer> port, Optional<String> user,
                                                  SshDefaults ssh) {
        if (!ssh.keyMissing()) {
            return ssh.key().map(Optional::of);
        }
        if (address.isPresent() && !recorded && !keySources.cover(address.get(), port, user, Path.of(System.getProperty("user.home")))) {
            m.missing("key", "a private key file, here or as ssh.key, or " + keySources.alternatives());
            return Optional.empty();
        }
        return Optional.of(Optional.empty());
    }

    /** What the nodes read so far claim, to check that names and addresses are unique and roles are counted right. */
    private static final class Roster {
        final FirstSeen<String> names = new FirstSeen<>("a name no other node has");
        final FirstSeen<InetAddress> addresses = new FirstSeen<>("an address no other node has");
        final Map<String, List<Field>> roles = new HashMap<>();
        boolean everyRoleKnown = true;
    }

    private List<Node> nodes(FieldMap top, SshDefaults ssh, Optional<Storage> storage) {
        Optional<Field> field = top.require("nodes", "a list");
        Optional<List<Field>> items = field.flatMap(Field::list);
        if (items.isEmpty()) {
            return List.of();
        }
        Roster roster = new Roster();
        List<Node> nodes = new ArrayList<>();
        for (Field item : items.get()) {
            item.mapping(NODE_KEYS).ifPresentOrElse(
                    m -> node(m, ssh, roster).ifPresent(nodes::add),
                    () -> roster.everyRoleKnown = false);
        }
        checkRoleCounts(field.get(), roster);
        storage.ifPresent(s -> checkStorageNode(field.get(), roster, s));
        return nodes;
    }

    private Optional<Node> node(FieldMap m, SshDefaults ssh, Roster roster) {
        Optional<String> name = m.require("name", NODE_NAME);
        name.ifPresent(n -> roster.names.add(n, m.get("name").orElseThrow()));
        Optional<Role> nodeRole = m.require("role", role);
        nodeRole.ifPresentOrElse(
                r -> roster.roles.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(m.get("role").orElseThrow()),
                () -> roster.everyRoleKnown = false);
        Optional<Field> reason = m.get("public_address_reason");
        boolean reasoned = m.optional("public_address_reason", WHY).isPresent();
        Optional<String> address = m.require("address", IP_ADDRESS.expected())
                .flatMap(f -> address(f, IP_ADDRESS, a -> AddressRules.privateAddress(a, reasoned)));
        address.ifPresent(a -> roster.addresses.add(Addresses.ipLiteral(a).orElseThrow(), m.get("address").orElseThrow()));
        address.filter(a -> reasoned && AddressRules.isPrivate(Addresses.ipLiteral(a).orElseThrow())).ifPresent(a -> reason.get().problem(
                "is given, but " + Field.quote(a) + " is a private address (expected no public_address_reason)"));
        Optional<Field> publicField = m.get("public_address");
        Optional<String> publicAddress = publicField.flatMap(f -> address(f, IP_ADDRESS, AddressRules::host));
        publicAddress.ifPresent(a -> roster.addresses.add(Addresses.ipLiteral(a).orElseThrow(), publicField.get()));
        nodeRole.ifPresent(r -> checkPublicAddress(m, r, publicField));
        Optional<SshEndpoint> endpoint = endpoint(m, address, ssh.port(), ssh);
        if (name.isEmpty() || nodeRole.isEmpty() || endpoint.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Node(name.get(), nodeRole.get().name(), address.orElseThrow(), publicAddress, endpoint.get()));
    }

    private void checkPublicAddress(FieldMap m, Role nodeRole, Optional<Field> publicAddress) {
        if (nodeRole.publicAddress() == Role.PublicAddress.REQUIRED && publicAddress.isEmpty()) {
            m.missing("public_address", IP_ADDRESS.expected() + ": a node with role " + nodeRole.name() + " needs one");
        }
        if (nodeRole.publicAddress() == Role.PublicAddress.FORBIDDEN && publicAddress.isPresent()) {
            List<String> allowed = playbooks.roles().values().stream()
                    .filter(r -> r.publicAddress() == Role.PublicAddress.REQUIRED).map(Role::name).toList();
            publicAddress.get().problem(publicAddress.get().quoted() + " is not allowed on a node with role " + nodeRole.name()
                    + " (expected no public_address: only " + String.join(", ", allowed) + " nodes have one)");
        }
    }

    private void checkRoleCounts(Field nodes, Roster roster) {
        for (Role r : playbooks.roles().values()) {
            List<Field> fields = roster.roles.getOrDefault(r.name(), List.of());
            String expected = " (expected " + r.count().describe() + ")";
            // A node whose role could not be read may be the one missing: do not guess.
            if (fields.size() < r.count().min() && roster.everyRoleKnown) {
                nodes.problem(nodeCount(fields.size(), r.name()) + expected);
            }
            if (r.count().max().isPresent() && fields.size() > r.count().max().getAsInt()) {
                fields.get(r.count().max().getAsInt()).problem(nodeCount(fields.size(), r.name()) + expected);
            }
        }
    }

    private static String nodeCount(int count, String roleName) {
        return (count == 0 ? "no node" : count == 1 ? "1 node" : count + " nodes") + " with role " + roleName;
    }

    private void checkStorageNode(Field nodes, Roster roster, Storage storage) {
        List<Field> storageNodes = roster.roles.getOrDefault(STORAGE_ROLE, List.of());
        if (storage.anyLocal() && storageNodes.isEmpty() && roster.everyRoleKnown) {
            List<String> local = new ArrayList<>();
            if (storage.database().isLocal()) {
                local.add("storage.database");
            }
            if (storage.broker().isLocal()) {
                local.add("storage.broker");
            }
            if (storage.objects().isLocal()) {
                local.add("storage.objects");
            }
            nodes.problem("no node with role " + STORAGE_ROLE + ", but " + String.join(" and ", local)
                    + (local.size() == 1 ? " is" : " are") + " local (expected a node with role " + STORAGE_ROLE
                    + ", or every storage service external)");
        }
        if (!storage.anyLocal()) {
            storageNodes.forEach(f -> f.problem("a " + STORAGE_ROLE + " node would have nothing to run: every storage service"
                    + " is external (expected no node with role " + STORAGE_ROLE + ")"));
        }
    }

    private Set<String> features(Optional<Field> field) {
        FirstSeen<String> seen = new FirstSeen<>("each feature once");
        Set<String> features = new LinkedHashSet<>();
        field.flatMap(Field::list).orElse(List.of()).forEach(item -> item.read(feature).ifPresent(name -> {
            seen.add(name, item);
            features.add(name);
        }));
        return features;
    }

    private Optional<Storage> storage(Field field) {
        return field.mapping(STORAGE_KEYS).flatMap(m -> {
            Optional<Storage.Service> database = m.get("database").map(f -> service(f, AppAccounts.DATABASE_USER)).orElse(Optional.of(ALL_LOCAL.database()));
            Optional<Storage.Service> broker = m.get("broker").map(f -> service(f, AppAccounts.BROKER_USER)).orElse(Optional.of(ALL_LOCAL.broker()));
            Optional<Storage.ObjectStore> objects = m.get("objects").map(this::objects).orElse(Optional.of(ALL_LOCAL.objects()));
            if (database.isEmpty() || broker.isEmpty() || objects.isEmpty()) {
                return Optional.empty();
            }
            boolean plainAmqp = m.optional("plain_amqp", Syntax.bool()).orElse(false);
            return Optional.of(new Storage(database.get(), broker.get(), objects.get(), plainAmqp));
        });
    }

    private Optional<Storage.Service> service(Field field, String defaultUser) {
        if (!field.isMapping()) {
            return field.read(LOCAL_SERVICE).map(local -> new Storage.Service(Optional.empty()));
        }
        return external(field, List.of("host", "port", "user")).flatMap(m -> {
            Optional<String> host = m.require("host", HOST.expected()).flatMap(f -> address(f, HOST, h -> Optional.empty()));
            Optional<Integer> port = m.require("port", PORT);
            String user = m.optional("user", USER).orElse(defaultUser);
            if (host.isEmpty() || port.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Storage.Service(Optional.of(new Storage.External(host.get(), port.get(), user))));
        });
    }

    private Optional<Storage.ObjectStore> objects(Field field) {
        if (!field.isMapping()) {
            return field.read(LOCAL_OBJECTS).map(local -> new Storage.ObjectStore(Optional.empty()));
        }
        return external(field, List.of("endpoint", "region", "bucket", "access_key")).flatMap(m -> {
            Optional<String> endpoint = m.require("endpoint", S3_ENDPOINT.expected()).flatMap(SiteLoader::endpoint);
            Optional<String> region = m.require("region", S3_REGION);
            Optional<String> bucket = m.require("bucket", S3_BUCKET);
            Optional<String> accessKey = m.require("access_key", ACCESS_KEY);
            if (endpoint.isEmpty() || region.isEmpty() || bucket.isEmpty() || accessKey.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Storage.ObjectStore(Optional.of(
                    new Storage.S3(endpoint.get(), region.get(), bucket.get(), accessKey.get()))));
        });
    }

    /** A value in {@code syntax} that {@code rule} (one of {@link AddressRules}) accepts; an IPv4-mapped literal is named as such. */
    private static Optional<String> address(Field field, Syntax<String> syntax, Function<String, Optional<String>> rule) {
        Optional<String> mapped = AddressRules.ipv4Mapped(field.text());
        Optional<String> value = mapped.isPresent() ? Optional.empty() : field.read(syntax);
        Optional<String> problem = mapped.or(() -> value.flatMap(rule));
        problem.ifPresent(field::problem);
        return problem.isPresent() ? Optional.empty() : value;
    }

    /** A support network: a CIDR, or {@code {network: CIDR, reason: ...}} when it is broader than the rules allow without one. */
    private static Optional<String> supportNetwork(Field item) {
        if (!item.isMapping()) {
            return supportNetwork(item, false);
        }
        Optional<FieldMap> m = item.mapping(SUPPORT_NETWORK_KEYS);
        Optional<Field> network = m.flatMap(map -> map.require("network", Cidr.SYNTAX.expected()));
        boolean reasoned = m.flatMap(map -> map.require("reason", WHY)).isPresent();
        return reasoned ? network.flatMap(f -> supportNetwork(f, true)) : Optional.empty();
    }

    private static Optional<String> supportNetwork(Field field, boolean reasoned) {
        Optional<String> mapped = AddressRules.ipv4Mapped(field.text());
        Optional<String> network = mapped.isPresent() ? Optional.empty() : Cidr.readNetwork(field);
        Optional<String> problem = mapped.or(() -> network.flatMap(t -> AddressRules.supportNetwork(Cidr.parse(t).orElseThrow(), t, reasoned)));
        problem.ifPresent(field::problem);
        return problem.isPresent() ? Optional.empty() : network;
    }

    /** An S3 endpoint URL; one with credentials in it is refused without repeating it. */
    private static Optional<String> endpoint(Field field) {
        Optional<String> credentials = AddressRules.credentialsInUrl(field.text());
        credentials.ifPresent(field::problem);
        return credentials.isPresent() ? Optional.empty() : field.read(S3_ENDPOINT);
    }

    /** The settings under {@code external:}, the only key a service's mapping has. */
    private static Optional<FieldMap> external(Field service, List<String> keys) {
        return service.mapping(List.of("external"))
                .flatMap(m -> m.require("external", "a mapping with " + String.join(", ", keys)))
                .flatMap(f -> f.mapping(keys));
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** A private key: an existing file that only its owner can read, as ssh itself insists, and not the public half of one. */
    private Optional<Path> privateKey(Field field) {
        return existingFile(field, "a private key file").filter(path -> {
            if (!recorded && isPublicKey(path)) {
                String text = field.text();
                String given = text.endsWith(".pub") ? " (" + text.substring(0, text.length() - ".pub".length()) + ")" : "";
                field.problem(text + " is a public key; give the private key" + given);
                return false;
            }
            Optional<Set<PosixFilePermission>> permissions = permissions(path);
            boolean shared = permissions.map(p -> p.stream().anyMatch(PrivateFiles::isGroupOrOther)).orElse(false);
            if (shared) {
                field.problem(path + " has mode " + PrivateFiles.mode(permissions.get()) + " (expected 0600: no permissions for group or others)");
            }
            return !shared;
        });
    }

    /** The file {@code field} names, resolved against the site file's directory; reported when it cannot be read. */
    private Optional<Path> existingFile(Field field, String what) {
        return field.read(PATH).map(this::resolve).filter(path -> {
            if (recorded) {
                return true;
            }
            String problem = !Files.exists(path) ? " does not exist"
                    : !Files.isRegularFile(path) ? " is not a regular file"
                    : !Files.isReadable(path) ? " cannot be read" : "";
            if (!problem.isEmpty()) {
                field.problem(path + problem + " (expected " + what + ")");
            }
            return problem.isEmpty();
        });
    }

    /** {@code ~/} is the user's home, as in a shell; anything else relative is relative to the site file. */
    private Path resolve(String text) {
        if (text.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(text.substring(2)).normalize();
        }
        return dir.resolve(text).normalize();
    }

    /** A .pub file, or one that reads like one: a key type, a space, and the key. */
    private static boolean isPublicKey(Path path) {
        if (path.getFileName().toString().endsWith(".pub")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(path)) {
            String start = new String(in.readNBytes(64), StandardCharsets.US_ASCII);
            return PUBLIC_KEY_LINE.matcher(start).matches();
        } catch (IOException e) {
            return false;
        }
    }

    /** Empty where the file system has no POSIX modes: there is nothing to check then. */
    private static Optional<Set<PosixFilePermission>> permissions(Path path) {
        try {
            return Optional.of(Files.getPosixFilePermissions(path));
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
    }
}
