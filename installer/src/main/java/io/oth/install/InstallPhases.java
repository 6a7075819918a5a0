package io.oth.install;

import io.oth.op.FileOp;
import io.oth.op.ManagedBlockOp;
import io.oth.op.Operation;
import io.oth.op.PackagesOp;
import io.oth.op.ServiceOp;
import io.oth.op.SystemUserOp;
import io.oth.op.UnpackOp;
import io.oth.phase.Phase;
import io.oth.phase.Target;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.template.Templates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The phases of {@code oth install}: the order and roles come from playbooks/install.yml, the operations from here. */
public final class InstallPhases {
    static final String APP_USER = "oth-app";
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
        return List.of(new PackagesOp(playbook.packages().getOrDefault(t.node().role(), List.of())));
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
        String bundle = "/opt/oth-app/bundles/" + app.name() + "-" + app.version() + ".tar.gz";
        Map<String, Object> vars = Map.of("user", APP_USER, "java", JAVA, "java_options", "-XX:+UseSerialGC -Xms32m -Xmx256m",
                "entry", app.entry());
        String properties = "# Managed by oth.\nlisten.address=127.0.0.1\nlisten.port=" + app.port() + "\nnode.name=" + t.node().name() + "\n";
        return List.of(
                new SystemUserOp(APP_USER),
                FileOp.binary(bundle, app.bytes(), "root:root", "0644"),
                new UnpackOp(bundle, "/opt/oth-app/releases/" + app.version(), "/opt/oth-app/current", app.sha256(), java.util.Set.of("oth-app")),
                FileOp.text("/etc/oth-app/app.properties", properties, "root:" + APP_USER, "0640").notifying("oth-app"),
                FileOp.text("/etc/init.d/oth-app", Templates.render("oth-app/oth-app.init.peb", vars), "root:root", "0755").notifying("oth-app"),
                FileOp.text("/etc/systemd/system/oth-app.service", Templates.render("oth-app/oth-app.service.peb", vars), "root:root", "0644")
                        .notifying("oth-app"),
                new ServiceOp("oth-app", t.facts().init(), true));
    }

    private List<Operation> traefik(Target t) {
        TraefikBundle traefik = inputs.traefik();
        String id = traefik.sha256().substring(0, 12);
        String bundle = "/opt/traefik/bundles/traefik-" + id + ".tar.gz";
        Map<String, Object> vars = Map.of("binary", "/opt/traefik/current/traefik");
        Map<String, Object> config = Map.of("site", t.site().name(), "fqdn", t.site().fqdn(), "port", 80,
                "app_port", inputs.release().port(), "health_path", inputs.release().health());
        return List.of(
                FileOp.binary(bundle, traefik.bytes(), "root:root", "0644"),
                new UnpackOp(bundle, "/opt/traefik/" + id, "/opt/traefik/current", traefik.sha256(), java.util.Set.of("traefik")),
                FileOp.text("/etc/traefik/traefik.yml", Templates.render("traefik/traefik.yml.peb", config), "root:root", "0644").notifying("traefik"),
                FileOp.text("/etc/traefik/dynamic.yml", Templates.render("traefik/dynamic.yml.peb", config), "root:root", "0644").notifying("traefik"),
                FileOp.text("/etc/init.d/traefik", Templates.render("traefik/traefik.init.peb", vars), "root:root", "0755").notifying("traefik"),
                FileOp.text("/etc/systemd/system/traefik.service", Templates.render("traefik/traefik.service.peb", vars), "root:root", "0644")
                        .notifying("traefik"),
                new ServiceOp("traefik", t.facts().init(), true));
    }

    private List<Operation> firewall(Target t) {
        Node node = t.node();
        FirewallRules rules = FirewallRules.forNode(t.site(), node, t.facts(), t.all(), network);
        String ruleset = Templates.render("nftables/nftables.conf.peb", Map.of("site", t.site().name(), "node", node.name(),
                "role", node.role(), "rules", rules.rules(), "forward_from", rules.forwardFrom()));
        return List.of(new FirewallOp(ruleset, rules, firewallRevert));
    }
}
