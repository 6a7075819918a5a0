package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;

import java.util.List;

/** The port matrix's probes for tests outside this package: what oth doctor would run on a node, from a given copy of the playbooks. */
public final class PortMatrixProbes {
    private PortMatrixProbes() {
    }

    public static List<Probe> from(Site site, Playbooks playbooks, Node node) {
        return new PortMatrixCheck(site, playbooks, io.oth.remote.Fleet::sitePort, 3).probes(node);
    }
}
