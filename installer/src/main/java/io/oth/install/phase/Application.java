package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.site.ServicePorts;
import io.oth.install.NodeLayout;
import io.oth.install.ReleaseBundle;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.ServiceOp;
import io.oth.op.SystemUserOp;
import io.oth.op.UnpackOp;
import io.oth.phase.Target;
import io.oth.secret.Secret;
import io.oth.secret.ExternalSecret;
import io.oth.site.Addresses;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.Storage;
import io.oth.template.Templates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.oth.install.NodeLayout.APP_CONFIG;
import static io.oth.install.NodeLayout.APP_CURRENT;
import static io.oth.install.NodeLayout.APP_SERVICE;
import static io.oth.install.NodeLayout.APP_SITE_CA;
import static io.oth.install.NodeLayout.APP_USER;
import static io.oth.install.NodeLayout.JAVA;
import static io.oth.install.NodeLayout.SYSTEM_CAS;

/** The OTH application's release on the app nodes: its account, bundle, settings, secrets and service. */
public final class Application extends InstallPhase {
    private final Installer.Inputs inputs;
    private final ServicePorts ports;
    private final Map<AppAccounts.Pair, AppAccounts.Account> accounts;

    public Application(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        this(spec, inputs, ports, Map.of());
    }

    private Application(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports, Map<AppAccounts.Pair, AppAccounts.Account> accounts) {
        super(spec);
        this.inputs = inputs;
        this.ports = ports;
        this.accounts = Map.copyOf(accounts);
    }

    /** This phase with the application pointed at {@code account} of {@code pair} rather than the active one: a rotation's next step. */
    public Application using(AppAccounts.Pair pair, AppAccounts.Account account) {
        Map<AppAccounts.Pair, AppAccounts.Account> chosen = new java.util.HashMap<>(accounts);
        chosen.put(pair, account);
        return new Application(spec(), inputs, ports, chosen);
    }

    private AppAccounts.Account account(AppAccounts.Pair pair) {
        return accounts.getOrDefault(pair, inputs.account(pair));
    }

    @Override
    public List<Operation> operations(Target t) {
        ReleaseBundle app = inputs.release();
        String bundle = NodeLayout.appBundle(app);
        Map<String, Object> vars = Map.of("user", APP_USER, "java", JAVA, "java_options_file", NodeLayout.APP_CURRENT + "/" + NodeLayout.APP_JAVA_OPTIONS,
                "default_java_options", String.join(" ", ReleaseBundle.DEFAULT_JAVA_OPTIONS),
                "entry", app.entry(), "pidfile", NodeLayout.APP_PID, "log", NodeLayout.APP_LOG,
                "log_dir", NodeLayout.APP_LOG_DIR);
        List<Operation> ops = new ArrayList<>(List.of(
                new SystemUserOp(APP_USER),
                FileOp.binary(bundle, app.blob(), "root:root", "0644"),
                new UnpackOp(bundle, NodeLayout.appRelease(app.version()), APP_CURRENT, app.sha256(), app.contents().files().size(),
                        Set.of(APP_SERVICE), NodeLayout.appNotes(app))));
        ops.addAll(settings(t));
        ops.addAll(List.of(
                FileOp.text("/etc/init.d/oth-app", Templates.render("oth-app/oth-app.init.peb", vars), "root:root", "0755").notifying(APP_SERVICE),
                FileOp.text("/etc/systemd/system/oth-app.service", Templates.render("oth-app/oth-app.service.peb", vars), "root:root", "0644")
                        .notifying(APP_SERVICE),
                new ServiceOp(APP_SERVICE, t.facts().init(), true).runningWhen(ServiceOp.pidFileAlive(NodeLayout.APP_PID))));
        return ops;
    }

    /**
     * The application's settings and the passwords it logs in with: what a rotation changes on a
     * node (and restarts it for) while haproxy has it drained.
     */
    public List<FileOp> settings(Target t) {
        List<FileOp> ops = new ArrayList<>(List.of(
                FileOp.text(APP_CONFIG + "app.properties", appProperties(t), "root:" + APP_USER, "0640").notifying(APP_SERVICE),
                FileOp.text(APP_SITE_CA, inputs.ca().rootPem(), "root:root", "0644").notifying(APP_SERVICE)));
        Storage storage = t.site().storage();
        ops.add(secret(NodeLayout.APP_DATABASE_PASSWORD, storage.database().isLocal() ? inputs.secret(account(AppAccounts.DATABASE_ACCOUNTS).secret())
                : inputs.external(ExternalSecret.DATABASE_PASSWORD)));
        ops.add(secret(NodeLayout.APP_BROKER_PASSWORD, storage.broker().isLocal() ? inputs.secret(account(AppAccounts.BROKER_ACCOUNTS).secret())
                : inputs.external(ExternalSecret.BROKER_PASSWORD)));
        ops.add(secret(NodeLayout.APP_OBJECTS_SECRET, storage.objects().isLocal() ? inputs.secret(account(AppAccounts.OBJECTS_ACCOUNTS).secret())
                : inputs.external(ExternalSecret.OBJECTS_SECRET_KEY)));
        return ops;
    }

    /** A file under {@link NodeLayout#APP_SECRETS} that only the application reads. */
    private static FileOp secret(String name, Secret value) {
        NodeLayout.SecretFile file = NodeLayout.appSecret(name);
        return FileOp.text(file.path(), value.reveal(), file.owner(), file.mode()).secret().notifying(APP_SERVICE);
    }

    /** The application's settings: where the database and the broker are, and which CA it trusts for them. */
    private String appProperties(Target t) {
        Site site = t.site();
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("site", site.name());
        vars.put("node", t.node().name());
        vars.put("port", inputs.release().port());
        Optional<Node> storage = site.nodesWithRole(Roles.STORAGE).stream().findFirst();
        vars.put("database", site.storage().database().external()
                .map(e -> Map.<String, Object>of("host", e.host(), "port", e.port(), "user", e.user(), "ca_file", SYSTEM_CAS))
                .orElseGet(() -> Map.of("host", storage.orElseThrow().address(), "port", ports.mariadb(), "user", account(AppAccounts.DATABASE_ACCOUNTS).user(),
                        "ca_file", APP_SITE_CA)));
        vars.put("broker", site.storage().broker().external()
                .map(e -> Map.<String, Object>of("host", e.host(), "port", e.port(), "user", e.user(), "ca_file", SYSTEM_CAS))
                .orElseGet(() -> Map.of("host", storage.orElseThrow().address(), "port", ports.amqps(), "user", account(AppAccounts.BROKER_ACCOUNTS).user(),
                        "ca_file", APP_SITE_CA)));
        vars.put("objects", site.storage().objects().external()
                .map(e -> Map.<String, Object>of("endpoint", e.endpoint(), "region", e.region(), "bucket", e.bucket(), "access_key", e.accessKey(),
                        "ca_file", SYSTEM_CAS))
                .orElseGet(() -> Map.of("endpoint", "https://" + Addresses.hostPort(storage.orElseThrow().address(), ports.minio()),
                        "region", "us-east-1", "bucket", AppAccounts.OBJECTS_BUCKET,
                        "access_key", account(AppAccounts.OBJECTS_ACCOUNTS).user(), "ca_file", APP_SITE_CA)));
        return Templates.render("oth-app/app.properties.peb", vars);
    }
}
