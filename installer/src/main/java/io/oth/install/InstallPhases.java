package io.oth.install;

import io.oth.op.DirectoryOp;
import io.oth.op.FileOp;
import io.oth.op.HalfStartedOp;
import io.oth.op.ManagedBlockOp;
import io.oth.op.Operation;
import io.oth.op.PackagesOp;
import io.oth.op.ReachableOp;
import io.oth.op.ReloadOp;
import io.oth.op.ServiceOp;
import io.oth.op.SystemUserOp;
import io.oth.op.UnpackOp;
import io.oth.ca.ServiceIdentity;
import io.oth.phase.Phase;
import io.oth.phase.Target;
import io.oth.remote.Secret;
import io.oth.secret.ExternalSecret;
import io.oth.site.Addresses;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import io.oth.site.Storage;
import io.oth.template.Templates;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The phases of {@code oth install}: the order and roles come from playbooks/install.yml, the operations from here. */
public final class InstallPhases {
    static final String APP_USER = "oth-app";
    public static final String APP_SERVICE = "oth-app";
    /** The running release: a symlink to one of {@link #APP_RELEASES}' directories. */
    public static final String APP_CURRENT = "/opt/oth-app/current";
    public static final String APP_RELEASES = "/opt/oth-app/releases/";
    private static final String STORAGE = "storage";
    public static final String BACKUP_SCRIPT = "/usr/local/sbin/oth-backup";
    private static final String MARIADB_TLS = "/etc/mysql/oth-tls/";
    private static final String RABBITMQ_TLS = "/etc/rabbitmq/oth-tls/";
    /** RabbitMQ's processes under its account: the Erlang VMs (server and CLI), their helpers, epmd, and the start scripts. */
    private static final Set<String> RABBITMQ_PROGRAMS = Set.of("beam.smp", "epmd", "erl_child_setup", "inet_gethost", "rabbitmq-server", "rabbitmqctl");
    private static final String MINIO_CERTS = "/etc/minio/certs/";
    private static final String MINIO_USER = "minio-user";
    private static final String MINIO_DATA = "/var/lib/minio";
    private static final int MINIO_PORT = 9000;
    private static final String MINIO_ROOT_USER = "oth-admin";
    /** The application's bucket on local object storage. */
    /** The certificate each service oth gives one to serves, on the storage node. */
    public static final Map<String, String> SERVICE_CERTIFICATES = Map.of(
            "mariadb", MARIADB_TLS + "server-chain.pem",
            "rabbitmq", RABBITMQ_TLS + "server.pem",
            "minio", MINIO_CERTS + "public.crt");
    private static final String JAVA = "/usr/bin/java";

    private final Installer.Inputs inputs;
    private final InstallPlaybook playbook;
    private final Playbooks network;
    private final Duration firewallRevert;

    public InstallPhases(Installer.Inputs inputs, InstallPlaybook playbook, Playbooks network, Duration firewallRevert) {
        this.inputs = inputs;
        this.playbook = playbook;
        this.network = network;
        this.firewallRevert = firewallRevert;
    }

    public List<Phase> phases() {
        Map<String, Function<Target, List<Operation>>> code = new LinkedHashMap<>();
        code.put("packages", this::packages);
        code.put("hosts", this::hostsFile);
        code.put("external", this::externalEndpoints);
        code.put("database", this::database);
        code.put("database-accounts", this::databaseAccounts);
        code.put("backups", this::backups);
        code.put("broker", this::broker);
        code.put("broker-accounts", this::brokerAccounts);
        code.put("objects", this::objects);
        code.put("objects-accounts", this::objectsAccounts);
        code.put("haproxy", this::haproxy);
        code.put("application", this::application);
        code.put("traefik", this::traefik);
        code.put("firewall", this::firewall);
        List<Phase> phases = new ArrayList<>();
        for (InstallPlaybook.PhaseSpec spec : playbook.phases()) {
            Function<Target, List<Operation>> ops = code.get(spec.name());
            if (ops == null) {
                throw new IllegalStateException("playbooks/install.yml names a phase oth does not know: " + spec.name()
                        + " (known: " + String.join(", ", code.keySet()) + ")");
            }
            phases.add(new SpecPhase(spec, ops));
        }
        return phases;
    }

    private record SpecPhase(InstallPlaybook.PhaseSpec spec, Function<Target, List<Operation>> ops) implements Phase {
        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public String title() {
            return spec.title();
        }

        @Override
        public boolean appliesTo(Target target) {
            return spec.roles().contains(target.node().role());
        }

        @Override
        public List<Operation> operations(Target target) {
            return ops.apply(target);
        }
    }

    private List<Operation> packages(Target t) {
        List<String> packages = new ArrayList<>(playbook.packages().getOrDefault(t.node().role(), List.of()));
        if (t.node().role().equals(STORAGE)) {
            playbook.servicePackages().forEach((service, list) -> {
                if (LocalServices.runsLocally(t.site(), service)) {
                    packages.addAll(list);
                }
            });
        }
        List<Operation> ops = new ArrayList<>(List.of(new PackagesOp(packages)));
        if (t.node().role().equals(STORAGE) && t.site().storage().broker().isLocal()) {
            // Before anything runs rabbitmqctl (the init script's status does): epmd, which the first
            // such call starts and which outlives RabbitMQ, must bind to loopback from the start.
            ops.add(FileOp.text("/etc/default/rabbitmq-server", "# Managed by oth: epmd on loopback only.\nexport ERL_EPMD_ADDRESS=127.0.0.1\n",
                    "root:root", "0644"));
        }
        return ops;
    }

    /** The storage services the site takes from elsewhere must answer from every app node. */
    private List<Operation> externalEndpoints(Target t) {
        List<Operation> ops = new ArrayList<>();
        Storage storage = t.site().storage();
        storage.database().external().ifPresent(e -> ops.add(new ReachableOp("the external database", e.host(), e.port())));
        storage.broker().external().ifPresent(e -> ops.add(new ReachableOp("the external broker", e.host(), e.port())));
        storage.objects().external().ifPresent(e -> {
            URI endpoint = URI.create(e.endpoint());
            int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
            ops.add(new ReachableOp("the external object store", endpoint.getHost(), port));
        });
        return ops;
    }

    private List<Operation> database(Target t) {
        if (!t.site().storage().database().isLocal()) {
            return List.of();
        }
        Node node = t.node();
        String tls = MARIADB_TLS;
        String config = Templates.render("mariadb/60-oth.cnf.peb", Map.of("site", t.site().name(), "address", node.address()));
        return List.of(
                new ServiceCertOp(inputs.ca(), serverIdentity("mariadb", t), new ServiceCertOp.Files(tls + "server.key", tls + "server-chain.pem",
                        tls + "ca.pem", "mysql:mysql"), ServiceCertOp.Layout.CHAIN_AND_ROOT, inputs.rotate().contains("mariadb"), Set.of("mariadb-tls"),
                        inputs.clock()),
                FileOp.text("/etc/mysql/mariadb.conf.d/60-oth.cnf", config, "root:root", "0644")
                        .checkedWith("mariadbd --defaults-file=\"$1\" --user=mysql --help --verbose >/dev/null").notifying("mariadb"),
                new ServiceOp("mariadb", t.facts().init(), true),
                new ReloadOp("mariadb-tls", "reload MariaDB's certificate (FLUSH SSL, connections stay up)", "mariadb -e 'FLUSH SSL'"));
    }

    private List<Operation> databaseAccounts(Target t) {
        if (!t.site().storage().database().isLocal()) {
            return List.of();
        }
        return List.of(new DatabaseAccessOp(AppAccounts.DATABASE, AppAccounts.DATABASE_USER, inputs.secret(AppAccounts.DATABASE_SECRET), appAddresses(t.site())));
    }

    private List<Operation> backups(Target t) {
        if (!t.site().storage().database().isLocal()) {
            return List.of();
        }
        Map<String, Object> vars = Map.of("site", t.site().name(), "dir", playbook.backups().dir(),
                "retention_days", playbook.backups().retentionDays(), "database", "oth");
        return List.of(
                FileOp.text(BACKUP_SCRIPT, Templates.render("backup/oth-backup.peb", vars), "root:root", "0755").checkedWith("sh -n \"$1\""),
                FileOp.text("/etc/cron.d/oth-backup", Templates.render("backup/oth-backup.cron.peb", vars), "root:root", "0644"),
                new ServiceOp("cron", t.facts().init(), false));
    }

    private List<Operation> broker(Target t) {
        if (!t.site().storage().broker().isLocal()) {
            return List.of();
        }
        Node node = t.node();
        String tls = RABBITMQ_TLS;
        Map<String, Object> vars = Map.of("site", t.site().name(), "address", node.address(), "plain_amqp", t.site().storage().plainAmqp());
        return List.of(
                FileOp.text("/etc/rabbitmq/enabled_plugins", "[rabbitmq_management].\n", "root:rabbitmq", "0644").notifying("rabbitmq-server"),
                FileOp.text("/etc/rabbitmq/rabbitmq-env.conf", Templates.render("rabbitmq/rabbitmq-env.conf.peb", vars), "root:root", "0644")
                        .notifying("rabbitmq-server"),
                FileOp.text("/var/lib/rabbitmq/.erlang.cookie", inputs.secret("rabbitmq.cookie").reveal(), "rabbitmq:rabbitmq", "0400").secret()
                        .notifying("rabbitmq-server"),
                new ServiceCertOp(inputs.ca(), serverIdentity("rabbitmq", t), new ServiceCertOp.Files(tls + "server.key", tls + "server.pem",
                        tls + "ca-chain.pem", "rabbitmq:rabbitmq"), ServiceCertOp.Layout.LEAF_AND_CHAIN, inputs.rotate().contains("rabbitmq"),
                        Set.of("rabbitmq-tls"), inputs.clock()),
                FileOp.text("/etc/rabbitmq/rabbitmq.conf", Templates.render("rabbitmq/rabbitmq.conf.peb", vars), "root:rabbitmq", "0640")
                        .notifying("rabbitmq-server"),
                new HalfStartedOp("rabbitmq-server", t.facts().init(), Optional.of("rabbitmq"), RABBITMQ_PROGRAMS, "/var/run/rabbitmq/pid"),
                new ServiceOp("rabbitmq-server", t.facts().init(), true),
                new LoopbackOnlyOp(4369, "epmd", "{ service rabbitmq-server stop; epmd -kill; sleep 1; service rabbitmq-server start; } </dev/null >/dev/null 2>&1; service rabbitmq-server status >/dev/null"),
                new ReloadOp("rabbitmq-tls", "reload RabbitMQ's certificates (ssl:clear_pem_cache, new connections get the new one)",
                        "rabbitmqctl -q eval 'ssl:clear_pem_cache().'"));
    }

    private List<Operation> objects(Target t) {
        if (!t.site().storage().objects().isLocal()) {
            return List.of();
        }
        ProgramBundle minio = inputs.minio().orElseThrow();
        String bundle = "/opt/minio/bundles/minio-" + minio.id() + ".tar.gz";
        Map<String, Object> vars = Map.of("user", MINIO_USER, "binary", "/opt/minio/current/minio", "data", MINIO_DATA);
        String environment = "# Managed by oth: MinIO's settings; the root credentials are for oth and operators only.\n"
                + "MINIO_ROOT_USER=" + MINIO_ROOT_USER + "\nMINIO_ROOT_PASSWORD=" + inputs.secret("minio.root").reveal() + "\n"
                + "MINIO_VOLUMES=" + MINIO_DATA + "\nMINIO_OPTS=\"--address " + Addresses.hostPort(t.node().address(), MINIO_PORT) + " --certs-dir " + MINIO_CERTS + "\"\n";
        return List.of(
                new SystemUserOp(MINIO_USER),
                FileOp.binary(bundle, minio.bytes(), "root:root", "0644"),
                new UnpackOp(bundle, "/opt/minio/" + minio.id(), "/opt/minio/current", minio.sha256(), minio.contents().files().size(), Set.of("minio")),
                new DirectoryOp(MINIO_DATA, MINIO_USER + ":" + MINIO_USER, "0750"),
                new ServiceCertOp(inputs.ca(), serverIdentity("minio", t), new ServiceCertOp.Files(MINIO_CERTS + "private.key",
                        MINIO_CERTS + "public.crt", MINIO_CERTS + "CAs/ca.pem", MINIO_USER + ":" + MINIO_USER), ServiceCertOp.Layout.CHAIN_AND_ROOT,
                        inputs.rotate().contains("minio"), Set.of("minio"), inputs.clock()),
                FileOp.text("/etc/default/minio", environment, "root:root", "0600").secret().notifying("minio"),
                FileOp.text("/etc/init.d/minio", Templates.render("minio/minio.init.peb", vars), "root:root", "0755").notifying("minio"),
                FileOp.text("/etc/systemd/system/minio.service", Templates.render("minio/minio.service.peb", vars), "root:root", "0644")
                        .notifying("minio"),
                new ServiceOp("minio", t.facts().init(), true));
    }

    /** The application's bucket, policy and user, through MinIO's APIs once it answers (the objects phase started it). */
    private List<Operation> objectsAccounts(Target t) {
        if (!t.site().storage().objects().isLocal()) {
            return List.of();
        }
        MinioAccessOp.Endpoint endpoint = new MinioAccessOp.Endpoint(t.node().address(), MINIO_PORT, inputs.ca().rootCertificate(), MINIO_ROOT_USER,
                inputs.secret("minio.root"));
        return List.of(new MinioAccessOp(endpoint, AppAccounts.OBJECTS_BUCKET, AppAccounts.OBJECTS_KEY, AppAccounts.OBJECTS_KEY, inputs.secret(AppAccounts.OBJECTS_SECRET),
                t.facts().init()));
    }

    private List<Operation> brokerAccounts(Target t) {
        if (!t.site().storage().broker().isLocal()) {
            return List.of();
        }
        return List.of(new BrokerAccessOp(AppAccounts.BROKER_VHOST, AppAccounts.BROKER_USER, inputs.secret(AppAccounts.BROKER_SECRET), "oth-admin", inputs.secret("rabbitmq.oth-admin")));
    }

    private ServiceIdentity serverIdentity(String service, Target t) {
        Node node = t.node();
        return new ServiceIdentity(service, node.name(), List.of(node.name(), node.name() + "." + t.site().name() + ".internal"),
                List.of(node.address()), ServiceIdentity.Usage.SERVER);
    }

    private static List<String> appAddresses(Site site) {
        return site.nodesWithRole("app").stream().map(Node::address).toList();
    }

    private List<Operation> hostsFile(Target t) {
        Site site = t.site();
        List<Map<String, String>> nodes = site.nodes().stream().map(n -> Map.of("name", n.name(), "address", n.address())).toList();
        String block = Templates.render("hosts/hosts-block.peb", Map.of("site", site.name(), "nodes", nodes));
        return List.of(new ManagedBlockOp("/etc/hosts", "# BEGIN oth site " + site.name(), "# END oth site " + site.name(), block));
    }

    private List<Operation> haproxy(Target t) {
        Site site = t.site();
        String certificate = "/etc/haproxy/certs/" + site.fqdn() + ".pem";
        List<Map<String, Object>> servers = site.nodesWithRole("app").stream()
                .map(n -> Map.<String, Object>of("name", n.name(), "address", n.address(), "port", 80)).toList();
        String config = Templates.render("haproxy/haproxy.cfg.peb", Map.of("site", site.name(), "fqdn", site.fqdn(),
                "certificate", certificate, "health_path", inputs.release().health(), "app_servers", servers));
        return List.of(
                FileOp.binary(certificate, inputs.certificatePem(), "root:root", "0600").secret().notifying("haproxy"),
                FileOp.text("/etc/haproxy/haproxy.cfg", config, "root:root", "0644").checkedWith("haproxy -c -q -f \"$1\"").notifying("haproxy"),
                new ServiceOp("haproxy", t.facts().init(), false));
    }

    private List<Operation> application(Target t) {
        ReleaseBundle app = inputs.release();
        String bundle = appBundle(app);
        Map<String, Object> vars = Map.of("user", APP_USER, "java", JAVA, "java_options", "-XX:+UseSerialGC -Xms32m -Xmx256m",
                "entry", app.entry());
        List<Operation> ops = new ArrayList<>();
        ops.addAll(List.of(
                new SystemUserOp(APP_USER),
                FileOp.binary(bundle, app.bytes(), "root:root", "0644"),
                new UnpackOp(bundle, APP_RELEASES + app.version(), APP_CURRENT, app.sha256(), app.contents().files().size(), Set.of(APP_SERVICE)),
                FileOp.text("/etc/oth-app/app.properties", appProperties(t), "root:" + APP_USER, "0640").notifying("oth-app"),
                FileOp.text("/etc/oth-app/site-ca.pem", inputs.ca().rootPem(), "root:root", "0644").notifying("oth-app")));
        Storage storage = t.site().storage();
        ops.add(appSecret("database.password", storage.database().isLocal() ? inputs.secret(AppAccounts.DATABASE_SECRET)
                : inputs.external(ExternalSecret.DATABASE_PASSWORD)));
        ops.add(appSecret("broker.password", storage.broker().isLocal() ? inputs.secret(AppAccounts.BROKER_SECRET)
                : inputs.external(ExternalSecret.BROKER_PASSWORD)));
        ops.add(appSecret("objects.secret", storage.objects().isLocal() ? inputs.secret(AppAccounts.OBJECTS_SECRET)
                : inputs.external(ExternalSecret.OBJECTS_SECRET_KEY)));
        ops.addAll(List.of(
                FileOp.text("/etc/init.d/oth-app", Templates.render("oth-app/oth-app.init.peb", vars), "root:root", "0755").notifying("oth-app"),
                FileOp.text("/etc/systemd/system/oth-app.service", Templates.render("oth-app/oth-app.service.peb", vars), "root:root", "0644")
                        .notifying("oth-app"),
                new ServiceOp("oth-app", t.facts().init(), true)));
        return ops;
    }

    /** Where a release bundle is kept on an app node. */
    public static String appBundle(ReleaseBundle app) {
        return "/opt/oth-app/bundles/" + app.name() + "-" + app.version() + ".tar.gz";
    }

    /** A file under /etc/oth-app/secrets/ that only the application reads: a password for a local or an external service. */
    private static Operation appSecret(String name, Secret value) {
        return FileOp.text("/etc/oth-app/secrets/" + name, value.reveal(), APP_USER + ":" + APP_USER, "0600").secret().notifying("oth-app");
    }

    /** The application's settings: where the database and the broker are, and which CA it trusts for them. */
    private String appProperties(Target t) {
        Site site = t.site();
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("site", site.name());
        vars.put("node", t.node().name());
        vars.put("port", inputs.release().port());
        Optional<Node> storage = site.nodesWithRole(STORAGE).stream().findFirst();
        String siteCa = "/etc/oth-app/site-ca.pem";
        String systemCas = "/etc/ssl/certs/ca-certificates.crt";
        vars.put("database", site.storage().database().external()
                .map(e -> Map.<String, Object>of("host", e.host(), "port", e.port(), "user", e.user(), "ca_file", systemCas))
                .orElseGet(() -> Map.of("host", storage.orElseThrow().address(), "port", 3306, "user", AppAccounts.DATABASE_USER, "ca_file", siteCa)));
        vars.put("broker", site.storage().broker().external()
                .map(e -> Map.<String, Object>of("host", e.host(), "port", e.port(), "user", e.user(), "ca_file", systemCas))
                .orElseGet(() -> Map.of("host", storage.orElseThrow().address(), "port", 5671, "user", AppAccounts.BROKER_USER, "ca_file", siteCa)));
        vars.put("objects", site.storage().objects().external()
                .map(e -> Map.<String, Object>of("endpoint", e.endpoint(), "region", e.region(), "bucket", e.bucket(), "access_key", e.accessKey(),
                        "ca_file", systemCas))
                .orElseGet(() -> Map.of("endpoint", "https://" + Addresses.hostPort(storage.orElseThrow().address(), MINIO_PORT), "region", "us-east-1",
                        "bucket", AppAccounts.OBJECTS_BUCKET, "access_key", AppAccounts.OBJECTS_KEY, "ca_file", siteCa)));
        return Templates.render("oth-app/app.properties.peb", vars);
    }

    private List<Operation> traefik(Target t) {
        ProgramBundle traefik = inputs.traefik();
        String id = traefik.id();
        String bundle = "/opt/traefik/bundles/traefik-" + id + ".tar.gz";
        Map<String, Object> vars = Map.of("binary", "/opt/traefik/current/traefik");
        Map<String, Object> config = Map.of("site", t.site().name(), "fqdn", t.site().fqdn(), "port", 80,
                "app_port", inputs.release().port(), "health_path", inputs.release().health());
        return List.of(
                FileOp.binary(bundle, traefik.bytes(), "root:root", "0644"),
                new UnpackOp(bundle, "/opt/traefik/" + id, "/opt/traefik/current", traefik.sha256(), traefik.contents().files().size(), Set.of("traefik")),
                FileOp.text("/etc/traefik/traefik.yml", Templates.render("traefik/traefik.yml.peb", config), "root:root", "0644").notifying("traefik"),
                FileOp.text("/etc/traefik/dynamic.yml", Templates.render("traefik/dynamic.yml.peb", config), "root:root", "0644").notifying("traefik"),
                FileOp.text("/etc/init.d/traefik", Templates.render("traefik/traefik.init.peb", vars), "root:root", "0755").notifying("traefik"),
                FileOp.text("/etc/systemd/system/traefik.service", Templates.render("traefik/traefik.service.peb", vars), "root:root", "0644")
                        .notifying("traefik"),
                new ServiceOp("traefik", t.facts().init(), true));
    }

    private List<Operation> firewall(Target t) {
        Node node = t.node();
        FirewallRules rules = FirewallRules.forNode(t.site(), node, t.facts(), network);
        String ruleset = Templates.render("nftables/nftables.conf.peb", Map.of("site", t.site().name(), "node", node.name(),
                "role", node.role(), "rules", rules.rules(), "forward_from", rules.forwardFrom(), "support_sets", rules.supportSets()));
        return List.of(new FirewallOp(ruleset, rules, firewallRevert));
    }
}
