package io.oth.wizard;

import io.oth.install.ProgramBundle;
import io.oth.install.ReleaseBundle;
import io.oth.secret.ExternalSecret;
import io.oth.site.AppAccounts;
import io.oth.site.AddressRules;
import io.oth.site.Addresses;
import io.oth.site.Feature;
import io.oth.site.Playbooks;
import io.oth.site.ServicePorts;
import io.oth.site.Role;
import io.oth.site.SiteLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The questions of {@code oth setup}, in the order they are asked. The roles and features come from
 * the playbooks; the syntax of each value from the site file's loader.
 */
public final class Questions {
    public static final String FQDN = "fqdn";
    public static final String SITE = "site";
    public static final String BASTION = "bastion.address";
    public static final String BASTION_PORT = "bastion.port";
    public static final String BASTION_USER = "bastion.user";
    public static final String BASTION_KEY = "bastion.key";
    public static final String SSH_USER = "ssh.user";
    public static final String SSH_KEY = "ssh.key";
    public static final String SSH_PORT = "ssh.port";
    static final String NODE_PREFIX = "nodes[].";
    public static final String NODE_ROLE = NODE_PREFIX + "role";
    public static final String NODE_NAME = NODE_PREFIX + "name";
    public static final String NODE_ADDRESS = NODE_PREFIX + "address";
    public static final String NODE_PUBLIC_ADDRESS = NODE_PREFIX + "public_address";
    public static final String FEATURES = "features";
    public static final String DATABASE = "storage.database";
    public static final String BROKER = "storage.broker";
    public static final String OBJECTS = "storage.objects";
    public static final String BUNDLE = "certificate.bundle";
    public static final String RELEASE = "application.release";
    public static final String TRAEFIK = "application.traefik";
    public static final String MINIO = "application.minio";
    public static final String SUPPORT = "support.addresses";
    public static final String SITE_FILE = "site_file";

    /** The answer to the bastion question that means: no bastion. */
    public static final String DIRECT = "direct";
    public static final String LOCAL = "local";
    public static final String EXTERNAL = "external";
    static final String STORAGE_ROLE = Role.STORAGE;
    private static final String DEFAULT_KEY = "~/.ssh/id_ed25519";
    /** Where the site file goes unless --site or the answer says otherwise. */
    static final String DEFAULT_SITE_FILE = "site.yml";
    /** The step of the wizard that asks for the nodes (add, remove, list, done): it starts a section of its own. */
    static final String NODES = "nodes";

    /**
     * The sections the questions fall into, by the key of the question that starts each one, in
     * order; a question belongs to the last section that started at or before it.
     */
    private static final Map<String, String> SECTIONS = sections(
            FQDN, "Site", BASTION, "Access (bastion and SSH)", NODES, "Nodes", FEATURES, "Features",
            DATABASE, "Storage", BUNDLE, "Certificate and release bundles", SUPPORT, "Support access and the site file");

    private final Playbooks playbooks;
    private final Clock clock;
    private final List<Question> site = new ArrayList<>();
    private final List<Question> node = new ArrayList<>();

    public Questions(Playbooks playbooks, Clock clock) {
        this.playbooks = playbooks;
        this.clock = clock;
        define();
    }

    /** Every question about the site, in order; the nodes are asked after {@link #SSH_PORT}. */
    public List<Question> site() {
        return List.copyOf(site);
    }

    /** The questions about one node, asked for each node added. */
    public List<Question> node() {
        return List.copyOf(node);
    }

    public Playbooks playbooks() {
        return playbooks;
    }

    /** The sections' titles, in order: "Site", "Access (bastion and SSH)", "Nodes", ... */
    public static List<String> sectionTitles() {
        return List.copyOf(SECTIONS.values());
    }

    /** The title of the section that starts at {@code key} (a question's key, or {@link #NODES}). */
    static Optional<String> sectionStartingAt(String key) {
        return Optional.ofNullable(SECTIONS.get(key));
    }

    private static Map<String, String> sections(String... keysAndTitles) {
        Map<String, String> sections = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndTitles.length; i += 2) {
            sections.put(keysAndTitles[i], keysAndTitles[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(sections);
    }

    private void define() {
        scalar(FQDN, "Public name of the site (FQDN)",
                "The DNS name people and the apps use to reach the site, like oth.example.com; the certificate must cover it.",
                SiteLoader.FQDN.expected(), d -> Optional.empty(), Completion.NONE, (t, d) -> Checks.syntax(t, SiteLoader.FQDN), always());
        scalar(SITE, "Short site name",
                "Names the site's state directory (~/.local/state/oth/SITE): lowercase letters, digits and '-'. Default: the fqdn's first label.",
                SiteLoader.SITE_NAME.expected(), d -> Optional.of(firstLabel(d.string(FQDN))), Completion.NONE,
                (t, d) -> Checks.syntax(t, SiteLoader.SITE_NAME), always());
        scalar(BASTION, "Bastion (SSH jump host) address, or \"direct\"",
                "The host oth connects through to reach the nodes' private addresses; \"direct\" when this machine reaches the nodes itself.",
                "direct, or " + SiteLoader.HOST.expected(), d -> Optional.empty(), Completion.ADDRESSES,
                (t, d) -> t.equals(DIRECT) ? Verdict.ok(DIRECT) : Checks.address(t, SiteLoader.HOST, AddressRules::host), always());
        Predicate<Draft> viaBastion = d -> !d.is(BASTION, DIRECT);
        scalar(BASTION_PORT, "Bastion SSH port", "The bastion's own SSH port.", SiteLoader.PORT.expected(), d -> Optional.of(String.valueOf(SiteLoader.SSH_PORT)),
                Completion.NONE, (t, d) -> Checks.syntax(t, SiteLoader.PORT), viaBastion);
        scalar(BASTION_USER, "User on the bastion", "The user oth logs in as on the bastion.", SiteLoader.USER.expected(),
                d -> Optional.of("root"), Completion.NONE, (t, d) -> Checks.syntax(t, SiteLoader.USER), viaBastion);
        scalar(BASTION_KEY, "Private key for the bastion",
                "An ed25519 or RSA private key file, mode 0600. A passphrase is asked for when connecting (or OTH_KEY_PASSPHRASE).",
                "a private key file", d -> existingDefaultKey(), Completion.FILES, Checks::privateKey, viaBastion);
        scalar(SSH_USER, "User on the nodes", "The user oth logs in as on every node; a user other than root needs sudo without a password.",
                SiteLoader.USER.expected(), d -> d.text(BASTION_USER).or(() -> Optional.of("root")), Completion.NONE,
                (t, d) -> Checks.syntax(t, SiteLoader.USER), always());
        scalar(SSH_KEY, "Private key for the nodes", "An ed25519 or RSA private key file, mode 0600.", "a private key file",
                d -> d.text(BASTION_KEY).or(Questions::existingDefaultKey), Completion.FILES, Checks::privateKey, always());
        scalar(SSH_PORT, "SSH port of the nodes", "The port sshd listens on, on every node.", SiteLoader.PORT.expected(),
                d -> Optional.of(String.valueOf(SiteLoader.SSH_PORT)), Completion.NONE, (t, d) -> Checks.syntax(t, SiteLoader.PORT), always());
        defineNode();
        site.add(new Question(FEATURES, "Features", "The features this site uses, separated by commas ("
                + String.join(", ", playbooks.features().keySet()) + "), or \"none\". Each needs its outbound endpoints (playbooks/outbound.yml).",
                "a list of features", d -> Optional.of(String.join(", ", mandatoryFeatures())), Completion.FEATURES,
                (t, d) -> Checks.syntax(t, io.oth.site.Syntax.oneOf("a feature", playbooks.features().keySet())),
                always(), Question.Kind.LIST, Optional.empty()));
        // An external service is offered the port oth's own would listen on (the network table).
        ServicePorts ports = ServicePorts.of(playbooks);
        service(DATABASE, "database (MariaDB)", ports.mariadb(), AppAccounts.DATABASE_USER, ExternalSecret.DATABASE_PASSWORD);
        service(BROKER, "message broker (RabbitMQ, AMQPS)", ports.amqps(), AppAccounts.BROKER_USER, ExternalSecret.BROKER_PASSWORD);
        objects();
        scalar(BUNDLE, "Certificate bundle (PEM: key, certificate, intermediate, root)",
                "The PEM file haproxy serves: the private key, the server certificate for the fqdn, the intermediate(s), the root. "
                        + "Empty to give it later (install needs it).",
                "a PEM certificate bundle", d -> Optional.empty(), Completion.FILES, optional((t, d) -> Checks.bundle(t, d, clock)), always());
        scalar(RELEASE, "OTH application release bundle (.tar.gz)", "The release you received from OTH. Empty to give it later (install needs it).",
                "an application release bundle (.tar.gz)", d -> Optional.empty(), Completion.FILES,
                optional((t, d) -> Checks.releaseBundle(t, d, "an application release bundle (.tar.gz)", ReleaseBundle::read)), always());
        scalar(TRAEFIK, "traefik release bundle (.tar.gz)", "A traefik release (.tar.gz with the traefik executable). Empty to give it later.",
                "a traefik release bundle (.tar.gz)", d -> Optional.empty(), Completion.FILES,
                optional((t, d) -> Checks.releaseBundle(t, d, "a traefik release bundle (.tar.gz)", f -> ProgramBundle.read(f, ProgramBundle.TRAEFIK))), always());
        scalar(MINIO, "MinIO release bundle (.tar.gz)", "A MinIO release (.tar.gz with the minio executable), for local object storage. Empty to give it later.",
                "a MinIO release bundle (.tar.gz)", d -> Optional.empty(), Completion.FILES,
                optional((t, d) -> Checks.releaseBundle(t, d, "a MinIO release bundle (.tar.gz)", f -> ProgramBundle.read(f, ProgramBundle.MINIO))), d -> d.is(OBJECTS, LOCAL));
        site.add(new Question(SUPPORT, "Support access addresses (CIDRs)", "The networks OTH support staff connect from: they may SSH to the load "
                + "balancer only while a grant made with oth support open lasts. Separated by commas, or \"none\". Default: playbooks/support.yml.", "a list of CIDRs",
                d -> Optional.of(String.join(", ", playbooks.supportAddresses())), Completion.NONE, (t, d) -> Checks.network(t),
                always(), Question.Kind.LIST, Optional.empty()));
        scalar(SITE_FILE, "Write the site file to", "Where to write site.yml (an existing file is shown as a diff and replaced only when you say so).",
                "a file path", d -> Optional.of(DEFAULT_SITE_FILE), Completion.FILES, Questions::siteFile, always());
    }

    private void defineNode() {
        List<String> roles = List.copyOf(playbooks.roles().keySet());
        node.add(new Question(NODE_ROLE, "Role", "One of " + String.join(", ", roles) + " (playbooks/roles.yml).", "one of " + String.join(", ", roles),
                d -> Optional.of(d.nodes().stream().anyMatch(n -> n.get(NODE_ROLE).text().equals(Role.LB)) ? Role.APP : Role.LB), Completion.ROLES,
                (t, d) -> Optional.ofNullable(playbooks.roles().get(t)).<Verdict<Object>>map(r -> Verdict.ok(r.name()))
                        .orElseGet(() -> Checks.syntax(t, io.oth.site.Syntax.oneOf("a role", roles))), always(), Question.Kind.SCALAR, Optional.empty()));
        node.add(new Question(NODE_NAME, "Name", "The node's name: lowercase letters, digits and '-', unique in the site.", SiteLoader.NODE_NAME.expected(),
                Questions::nodeName, Completion.NONE, (t, d) -> unique(Checks.syntax(t, SiteLoader.NODE_NAME), d, NODE_NAME, t),
                always(), Question.Kind.SCALAR, Optional.empty()));
        node.add(new Question(NODE_ADDRESS, "Private address", "The address the bastion reaches the node at (IPv4 or IPv6), unique in the site.",
                SiteLoader.IP_ADDRESS.expected(), d -> Optional.empty(), Completion.ADDRESSES, (t, d) -> uniqueAddress(t, d, false),
                always(), Question.Kind.SCALAR, Optional.empty()));
        node.add(new Question(NODE_PUBLIC_ADDRESS, "Public address", "The address the internet reaches the load balancer at; DNS for the fqdn points here.",
                SiteLoader.IP_ADDRESS.expected(), d -> Optional.empty(), Completion.ADDRESSES, (t, d) -> uniqueAddress(t, d, true),
                d -> d.value(NODE_ROLE, String.class).map(r -> playbooks.roles().get(r).publicAddress() == Role.PublicAddress.REQUIRED).orElse(false),
                Question.Kind.SCALAR, Optional.empty()));
    }

    private void service(String key, String what, int port, String user, ExternalSecret secret) {
        scalar(key, "Storage: " + what + ", local or external", "local: oth installs it on the storage node. external: the site uses one you run "
                + "(then its host, port, user and password).", "local or external", d -> Optional.of(LOCAL), Completion.STORAGE,
                (t, d) -> choice(t), always());
        Predicate<Draft> external = d -> d.is(key, EXTERNAL);
        String prefix = key + ".external.";
        scalar(prefix + "host", "  host", "The external " + what + "'s host name or address.", SiteLoader.HOST.expected(), d -> Optional.empty(),
                Completion.NONE, (t, d) -> Checks.syntax(t, SiteLoader.HOST), external);
        scalar(prefix + "port", "  port", "Its TLS port.", SiteLoader.PORT.expected(), d -> Optional.of(String.valueOf(port)), Completion.NONE,
                (t, d) -> Checks.syntax(t, SiteLoader.PORT), external);
        scalar(prefix + "user", "  user", "The application's account there.", SiteLoader.USER.expected(), d -> Optional.of(user), Completion.NONE,
                (t, d) -> Checks.syntax(t, SiteLoader.USER), external);
        secret(prefix + "password", "  password", secret, external);
    }

    private void objects() {
        scalar(OBJECTS, "Storage: object store (S3), local or external", "local: MinIO on the storage node. external: an S3 service you use "
                + "(then its endpoint, region, bucket and keys).", "local or external", d -> Optional.of(LOCAL), Completion.STORAGE,
                (t, d) -> storageNode(choice(t), d), always());
        Predicate<Draft> external = d -> d.is(OBJECTS, EXTERNAL);
        String prefix = OBJECTS + ".external.";
        scalar(prefix + "endpoint", "  endpoint", "The S3 endpoint URL, like https://s3.eu-west-1.amazonaws.com.", SiteLoader.S3_ENDPOINT.expected(),
                d -> Optional.empty(), Completion.NONE, (t, d) -> AddressRules.credentialsInUrl(t).<Verdict<Object>>map(Verdict::refused).orElseGet(() -> Checks.syntax(t, SiteLoader.S3_ENDPOINT)),
                external);
        scalar(prefix + "region", "  region", "The bucket's region.", SiteLoader.S3_REGION.expected(), d -> Optional.empty(), Completion.NONE,
                (t, d) -> Checks.syntax(t, SiteLoader.S3_REGION), external);
        scalar(prefix + "bucket", "  bucket", "The application's bucket.", SiteLoader.S3_BUCKET.expected(), d -> Optional.empty(), Completion.NONE,
                (t, d) -> Checks.syntax(t, SiteLoader.S3_BUCKET), external);
        scalar(prefix + "access_key", "  access key", "The application's access key id (not secret).", SiteLoader.ACCESS_KEY.expected(),
                d -> Optional.empty(), Completion.NONE, (t, d) -> Checks.syntax(t, SiteLoader.ACCESS_KEY), external);
        secret(prefix + "secret_key", "  secret key", ExternalSecret.OBJECTS_SECRET_KEY, external);
    }

    private void scalar(String key, String prompt, String help, String expected, Function<Draft, Optional<String>> fallback, Completion completion,
                        Question.Check check, Predicate<Draft> asked) {
        site.add(new Question(key, prompt, help, expected, fallback, completion, check, asked, Question.Kind.SCALAR, Optional.empty()));
    }

    private void secret(String key, String prompt, ExternalSecret secret, Predicate<Draft> asked) {
        site.add(new Question(key, prompt, secret.description() + ", read without echo and kept 0600 in the site's secrets file, never in "
                + "site.yml. Sensitive: in an answers file prefer " + secret.variable() + ".", secret.description(), d -> Optional.empty(),
                Completion.NONE, (t, d) -> t.isEmpty() ? Verdict.refused("is empty (expected " + secret.description() + ")") : Verdict.ok(t),
                asked, Question.Kind.SECRET, Optional.of(secret)));
    }

    private static Predicate<Draft> always() {
        return d -> true;
    }

    /** Empty (or "none") is no value; anything else goes through {@code check}. */
    private static Question.Check optional(Question.Check check) {
        return (t, d) -> t.isEmpty() || t.equals(Question.NONE) ? Verdict.ok(Question.NONE) : check.check(t, d);
    }

    private static Verdict<Object> choice(String text) {
        if (text.equals(LOCAL) || text.equals(EXTERNAL)) {
            return Verdict.ok(text);
        }
        return Verdict.refused((text.isEmpty() ? "is empty" : Checks.quote(text) + " is not a storage choice") + " (expected local or external)");
    }

    /** A storage node runs what is local: it is needed when anything is, and has nothing to do otherwise. */
    private Verdict<Object> storageNode(Verdict<Object> objects, Draft d) {
        if (!(objects instanceof Verdict.Accepted<Object> accepted)) {
            return objects;
        }
        List<String> local = new ArrayList<>();
        for (String key : List.of(DATABASE, BROKER)) {
            if (d.is(key, LOCAL)) {
                local.add(key);
            }
        }
        if (accepted.value().equals(LOCAL)) {
            local.add(OBJECTS);
        }
        boolean hasStorageNode = d.nodes().stream().anyMatch(n -> d.nodeText(n, NODE_ROLE).equals(STORAGE_ROLE));
        if (!local.isEmpty() && !hasStorageNode) {
            return Verdict.refused("no node with role " + STORAGE_ROLE + ", but " + String.join(" and ", local) + (local.size() == 1 ? " is" : " are")
                    + " local (expected a node with role " + STORAGE_ROLE + ", or every storage service external)");
        }
        if (local.isEmpty() && hasStorageNode) {
            return Verdict.refused("a " + STORAGE_ROLE + " node would have nothing to run: every storage service is external (expected no node with role "
                    + STORAGE_ROLE + ", or a local service)");
        }
        return objects;
    }

    private static Verdict<Object> unique(Verdict<Object> verdict, Draft d, String key, String text) {
        if (verdict instanceof Verdict.Accepted<Object>) {
            for (Map<String, Draft.Answer> n : d.nodes()) {
                if (d.nodeText(n, key).equals(text)) {
                    return Verdict.refused(Checks.quote(text) + " is already the " + key.substring(NODE_PREFIX.length()) + " of node "
                            + d.nodeText(n, NODE_NAME) + " (expected a name no other node has)");
                }
            }
        }
        return verdict;
    }

    /** No address, private or public, belongs to two nodes; {@code ofThisNode}: nor is the node's public address its private one. */
    private static Verdict<Object> uniqueAddress(String text, Draft d, boolean ofThisNode) {
        Verdict<Object> verdict = Checks.address(text, SiteLoader.IP_ADDRESS, ofThisNode ? AddressRules::host : a -> AddressRules.privateAddress(a, false));
        if (!(verdict instanceof Verdict.Accepted<Object>)) {
            return verdict;
        }
        var address = Addresses.ipLiteral(text).orElseThrow();
        List<Map<String, Draft.Answer>> taken = new ArrayList<>(d.nodes());
        if (ofThisNode) {
            taken.add(Map.of(NODE_NAME, new Draft.Answer(d.text(NODE_NAME).orElse("this node"), ""),
                    NODE_ADDRESS, d.answer(NODE_ADDRESS).orElse(new Draft.Answer("", ""))));
        }
        for (Map<String, Draft.Answer> n : taken) {
            for (String key : List.of(NODE_ADDRESS, NODE_PUBLIC_ADDRESS)) {
                Optional<String> other = Optional.ofNullable(n.get(key)).map(Draft.Answer::text).filter(s -> !s.isEmpty());
                if (other.flatMap(Addresses::ipLiteral).filter(address::equals).isPresent()) {
                    return Verdict.refused(Checks.quote(text) + " is already the " + key.substring(NODE_PREFIX.length()) + " of node "
                            + d.nodeText(n, NODE_NAME) + " (expected an address no other node has)");
                }
            }
        }
        return verdict;
    }

    private static Optional<String> nodeName(Draft d) {
        String role = d.string(NODE_ROLE);
        if (role.isEmpty()) {
            return Optional.empty();
        }
        List<String> taken = d.nodes().stream().map(n -> d.nodeText(n, NODE_NAME)).toList();
        if (!taken.contains(role) && !role.equals(Role.APP)) {
            return Optional.of(role);
        }
        for (int i = 1; ; i++) {
            if (!taken.contains(role + i)) {
                return Optional.of(role + i);
            }
        }
    }

    /** What is wrong with the list of nodes as a whole: the role counts of playbooks/roles.yml. */
    public List<String> rosterProblems(Draft d) {
        List<String> problems = new ArrayList<>();
        for (Role r : playbooks.roles().values()) {
            long count = d.nodes().stream().filter(n -> d.nodeText(n, NODE_ROLE).equals(r.name())).count();
            String expected = " (expected " + r.count().describe() + ")";
            String counted = (count == 0 ? "no node" : count == 1 ? "1 node" : count + " nodes") + " with role " + r.name();
            if (count < r.count().min() || (r.count().max().isPresent() && count > r.count().max().getAsInt())) {
                problems.add(counted + expected);
            }
        }
        return problems;
    }

    private List<String> mandatoryFeatures() {
        return playbooks.features().values().stream().filter(Feature::mandatory).map(Feature::name).toList();
    }

    private static Optional<String> existingDefaultKey() {
        Path key = Path.of(System.getProperty("user.home"), ".ssh", "id_ed25519");
        return Files.isRegularFile(key) ? Optional.of(DEFAULT_KEY) : Optional.empty();
    }

    private static String firstLabel(String fqdn) {
        int dot = fqdn.indexOf('.');
        return (dot < 0 ? fqdn : fqdn.substring(0, dot)).toLowerCase(Locale.ROOT);
    }

    private static Verdict<Object> siteFile(String text, Draft d) {
        if (text.isBlank()) {
            return Verdict.refused("is empty (expected a file path)");
        }
        Path path = d.resolve(text);
        if (Files.isDirectory(path)) {
            return Verdict.refused(path + " is a directory (expected a file path)");
        }
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return Verdict.refused(path + ": the directory " + dir + " does not exist (expected a file in an existing directory)");
        }
        if (!Files.isWritable(dir)) {
            return Verdict.refused(path + ": the directory " + dir + " cannot be written (expected a file in a writable directory)");
        }
        return Verdict.ok(path);
    }
}
