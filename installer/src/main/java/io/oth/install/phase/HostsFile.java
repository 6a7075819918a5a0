package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.op.ManagedBlockOp;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.Site;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;

/** Every node of the site by name in /etc/hosts, in a block oth owns. */
public final class HostsFile extends InstallPhase {

    public HostsFile(InstallPlaybook.PhaseSpec spec) {
        super(spec);
    }

    @Override
    public List<Operation> operations(Target t) {
        Site site = t.site();
        List<Map<String, String>> nodes = site.nodes().stream().map(n -> Map.of("name", n.name(), "address", n.address())).toList();
        String block = Templates.render("hosts/hosts-block.peb", Map.of("site", site.name(), "nodes", nodes));
        return List.of(new ManagedBlockOp("/etc/hosts", "# BEGIN oth site " + site.name(), "# END oth site " + site.name(), block));
    }
}
