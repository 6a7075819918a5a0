package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.install.ServiceCertOp;
import io.oth.site.ServicePorts;
import io.oth.install.NodeLayout;
import io.oth.install.NodeServices;
import io.oth.install.ProgramBundle;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.ReloadOp;
import io.oth.op.ServiceOp;
import io.oth.op.SystemUserOp;
import io.oth.op.UnpackOp;
import io.oth.phase.Target;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.oth.install.NodeLayout.TRAEFIK_CERTIFICATE;
import static io.oth.install.NodeLayout.TRAEFIK_CLIENT_CA;
import static io.oth.install.NodeLayout.TRAEFIK_CONFIG;
import static io.oth.install.NodeLayout.TRAEFIK_HOME;
import static io.oth.install.NodeLayout.TRAEFIK_KEY;
import static io.oth.install.NodeLayout.TRAEFIK_USER;

/**
 * traefik on the app nodes: what the load balancer reaches, over mutual TLS (the node's certificate
 * from the site CA; haproxy's client certificate from the same CA required), in front of the
 * application on loopback.
 */
public final class Traefik extends InstallPhase {
    /** What a new certificate notifies: traefik's file provider re-reads the certificate files when its dynamic file changes. */
    static final String NEW_CERTIFICATE = "traefik-tls";

    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public Traefik(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec);
        this.inputs = inputs;
        this.ports = ports;
    }

    @Override
    public List<Operation> operations(Target t) {
        ProgramBundle traefik = inputs.traefik();
        String bundle = NodeLayout.programBundle(TRAEFIK_HOME, "traefik", traefik);
        Map<String, Object> vars = Map.of("binary", TRAEFIK_HOME + "current/traefik", "user", TRAEFIK_USER, "pidfile", NodeLayout.TRAEFIK_PID);
        Map<String, Object> config = Map.of("site", t.site().name(), "fqdn", t.site().fqdn(), "port", ports.traefik(),
                "app_port", inputs.release().port(),
                "certificate", TRAEFIK_CERTIFICATE, "key", TRAEFIK_KEY, "client_ca", TRAEFIK_CLIENT_CA);
        String dynamic = TRAEFIK_CONFIG + "dynamic.yml";
        NodeLayout.SecretFile key = NodeLayout.traefikKey();
        return List.of(
                new SystemUserOp(TRAEFIK_USER),
                new ServiceCertOp(inputs.ca(), ServerIdentity.of(NodeLayout.CertifiedService.traefik.name(), t),
                        new ServiceCertOp.Files(key.path(), TRAEFIK_CERTIFICATE, TRAEFIK_CLIENT_CA, key.owner()),
                        ServiceCertOp.Layout.CHAIN_AND_ROOT, inputs.rotate().contains(NodeLayout.CertifiedService.traefik.name()),
                        Set.of(NEW_CERTIFICATE), inputs.clock()),
                FileOp.binary(bundle, traefik.blob(), "root:root", "0644"),
                new UnpackOp(bundle, TRAEFIK_HOME + traefik.id(), TRAEFIK_HOME + "current", traefik.sha256(), traefik.contents().files().size(),
                        Set.of(NodeServices.TRAEFIK)),
                FileOp.text(TRAEFIK_CONFIG + "traefik.yml", Templates.render("traefik/traefik.yml.peb", config), "root:root", "0644").notifying(NodeServices.TRAEFIK),
                FileOp.text(dynamic, Templates.render("traefik/dynamic.yml.peb", config), "root:root", "0644").notifying(NodeServices.TRAEFIK),
                FileOp.text("/etc/init.d/traefik", Templates.render("traefik/traefik.init.peb", vars), "root:root", "0755").notifying(NodeServices.TRAEFIK),
                FileOp.text("/etc/systemd/system/traefik.service", Templates.render("traefik/traefik.service.peb", vars), "root:root", "0644")
                        .notifying(NodeServices.TRAEFIK),
                new ServiceOp(NodeServices.TRAEFIK, t.facts().init(), true).runningWhen(ServiceOp.pidFileAlive(NodeLayout.TRAEFIK_PID)),
                // No restart: the connections haproxy has open stay up, new handshakes get the new certificate.
                new ReloadOp(NEW_CERTIFICATE, "load traefik's new certificate (its file provider re-reads " + dynamic + ", connections stay up)",
                        "touch " + dynamic));
    }
}
