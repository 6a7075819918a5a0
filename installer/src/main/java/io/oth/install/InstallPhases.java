package io.oth.install;

import io.oth.site.ServicePorts;

import io.oth.install.phase.Application;
import io.oth.install.phase.Broker;
import io.oth.install.phase.BrokerAccounts;
import io.oth.install.phase.Database;
import io.oth.install.phase.DatabaseAccounts;
import io.oth.install.phase.DatabaseBackups;
import io.oth.install.phase.DebianPackages;
import io.oth.install.phase.ExternalEndpoints;
import io.oth.install.phase.Firewall;
import io.oth.install.phase.HostsFile;
import io.oth.install.phase.LoadBalancer;
import io.oth.install.phase.Objects;
import io.oth.install.phase.ObjectsAccounts;
import io.oth.install.phase.Traefik;
import io.oth.phase.Phase;
import io.oth.site.Playbooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The phases of {@code oth install}, in the order playbooks/install.yml gives them; each is a class of {@link io.oth.install.phase}. */
public final class InstallPhases {
    private final Map<String, Function<InstallPlaybook.PhaseSpec, Phase>> known = new LinkedHashMap<>();
    private final InstallPlaybook playbook;

    public InstallPhases(Installer.Inputs inputs, InstallPlaybook playbook, Playbooks network, Duration firewallRevert) {
        this.playbook = playbook;
        ServicePorts ports = ServicePorts.of(network);
        known.put("packages", spec -> new DebianPackages(spec, playbook, inputs.offline()));
        known.put("hosts", HostsFile::new);
        known.put("external", ExternalEndpoints::new);
        known.put("database", spec -> new Database(spec, inputs, ports));
        known.put("database-accounts", spec -> new DatabaseAccounts(spec, inputs));
        known.put("backups", spec -> new DatabaseBackups(spec, playbook, inputs, ports));
        known.put("broker", spec -> new Broker(spec, inputs, ports));
        known.put("broker-accounts", spec -> new BrokerAccounts(spec, inputs, ports));
        known.put("objects", spec -> new Objects(spec, inputs, ports));
        known.put("objects-accounts", spec -> new ObjectsAccounts(spec, inputs, ports));
        known.put("haproxy", spec -> new LoadBalancer(spec, inputs, ports));
        known.put("application", spec -> new Application(spec, inputs, ports));
        known.put("traefik", spec -> new Traefik(spec, inputs, ports));
        known.put("firewall", spec -> new Firewall(spec, network, firewallRevert));
    }

    public List<Phase> phases() {
        List<Phase> phases = new ArrayList<>();
        for (InstallPlaybook.PhaseSpec spec : playbook.phases()) {
            Function<InstallPlaybook.PhaseSpec, Phase> phase = known.get(spec.name());
            if (phase == null) {
                throw new IllegalStateException("playbooks/install.yml names a phase oth does not know: " + spec.name()
                        + " (known: " + String.join(", ", known.keySet()) + ")");
            }
            phases.add(phase.apply(spec));
        }
        return phases;
    }
}
