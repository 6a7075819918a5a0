package io.oth.install.phase;

import io.oth.ca.ServiceIdentity;
import io.oth.install.LbToApp;
import io.oth.install.NodeLayout;
import io.oth.install.NodeServices;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.install.ServiceCertOp;
import io.oth.site.ServicePorts;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.ServiceOp;
import io.oth.phase.Target;
import io.oth.site.Site;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * haproxy on the load balancer: the site's certificate bundle, HTTPS in, the app nodes' traefik
 * behind it over mutual TLS (haproxy's client certificate from the site CA).
 */
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
        NodeLayout.SecretFile clientKey = NodeLayout.haproxyClientKey();
        String certificate = pem.path();
        List<Map<String, Object>> servers = site.nodesWithRole(Roles.APP).stream()
                .map(n -> Map.<String, Object>of("name", n.name(), "address", n.address(), "port", ports.traefik(),
                        "tls_name", LbToApp.serverName(site, n))).toList();
        String config = Templates.render("haproxy/haproxy.cfg.peb", Map.ofEntries(Map.entry("site", site.name()), Map.entry("fqdn", site.fqdn()),
                Map.entry("certificate", certificate), Map.entry("health_path", inputs.release().health()), Map.entry("app_servers", servers),
                Map.entry("http_port", ports.http()), Map.entry("https_port", ports.https()), Map.entry("backend", BACKEND),
                Map.entry("site_ca", NodeLayout.HAPROXY_SITE_CA), Map.entry("client_certificate", NodeLayout.HAPROXY_CLIENT_CERTIFICATE)));
        String service = NodeLayout.CertifiedService.haproxy.name();
        // A client certificate: it names no host, traefik checks only that the site CA issued it for client authentication.
        ServiceIdentity identity = new ServiceIdentity(service, t.node().name(), List.of(), List.of(), ServiceIdentity.Usage.CLIENT);
        return List.of(
                FileOp.binary(certificate, inputs.certificatePem(), pem.owner(), pem.mode()).secret().notifying(NodeServices.HAPROXY),
                // Before the configuration that names its files: haproxy -c loads them. A new one is loaded by a reload, which is seamless.
                new ServiceCertOp(inputs.ca(), identity, new ServiceCertOp.Files(clientKey.path(), NodeLayout.HAPROXY_CLIENT_CERTIFICATE,
                        NodeLayout.HAPROXY_SITE_CA, clientKey.owner()), ServiceCertOp.Layout.CHAIN_AND_ROOT, inputs.rotate().contains(service),
                        Set.of(NodeServices.HAPROXY), inputs.clock()),
                FileOp.text("/etc/haproxy/haproxy.cfg", config, "root:root", "0644").checkedWith("haproxy -c -q -f \"$1\"").notifying(NodeServices.HAPROXY),
                new ServiceOp(NodeServices.HAPROXY, t.facts().init(), false).runningWhen(ServiceOp.pidFileNames(HAPROXY_PID, "haproxy")));
    }
}
