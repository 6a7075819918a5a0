package io.oth.install.phase;

import io.oth.install.NodeLayout;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.site.ServicePorts;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.ServiceOp;
import io.oth.phase.Target;
import io.oth.site.Site;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;

/** haproxy on the load balancer: the site's certificate bundle, HTTPS in, the app nodes' traefik behind it. */
public final class LoadBalancer extends InstallPhase {
    /** Where Debian's haproxy init script keeps the master's pid. */
    private static final String HAPROXY_PID = "/run/haproxy.pid";

    /** haproxy's backend of the app nodes, named after their role; the rolling upgrade drains its servers by this name. */
    public static final String BACKEND = Roles.APP;

    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public LoadBalancer(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec);
        this.inputs = inputs;
        this.ports = ports;
    }

    @Override
    public List<Operation> operations(Target t) {
        Site site = t.site();
        NodeLayout.SecretFile pem = NodeLayout.haproxyCertificate(site.fqdn());
        String certificate = pem.path();
        List<Map<String, Object>> servers = site.nodesWithRole(Roles.APP).stream()
                .map(n -> Map.<String, Object>of("name", n.name(), "address", n.address(), "port", ports.traefik())).toList();
        String config = Templates.render("haproxy/haproxy.cfg.peb", Map.of("site", site.name(), "fqdn", site.fqdn(),
                "certificate", certificate, "health_path", inputs.release().health(), "app_servers", servers,
                "http_port", ports.http(), "https_port", ports.https(), "backend", BACKEND));
        return List.of(
                FileOp.binary(certificate, inputs.certificatePem(), pem.owner(), pem.mode()).secret().notifying("haproxy"),
                FileOp.text("/etc/haproxy/haproxy.cfg", config, "root:root", "0644").checkedWith("haproxy -c -q -f \"$1\"").notifying("haproxy"),
                new ServiceOp("haproxy", t.facts().init(), false).runningWhen(ServiceOp.pidFileNames(HAPROXY_PID, "haproxy")));
    }
}
