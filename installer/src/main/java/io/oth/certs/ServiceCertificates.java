package io.oth.certs;

import io.oth.ca.CaException;
import io.oth.ca.CertificateStatus;
import io.oth.ca.SiteCa;
import io.oth.fleet.FleetConnector;
import io.oth.install.NodeLayout;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.site.Site;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code oth certs status}: the certificates the site CA gave the services, as the nodes have them. */
public final class ServiceCertificates {
    private ServiceCertificates() {
    }

    /** One service's certificate on one node; empty {@code status}: none installed. */
    public record Row(String node, String service, Optional<CertificateStatus> status) {
    }

    /** Every certificate read, and why each node that could not be reached was not. */
    public record Status(List<Row> rows, List<RemoteException> unreached) {

        public Status {
            rows = List.copyOf(rows);
            unreached = List.copyOf(unreached);
        }

        /** Whether a certificate read expires within the renewal window (or has expired). */
        public boolean renewSoon() {
            return rows.stream().flatMap(r -> r.status().stream()).anyMatch(s -> s.daysLeft() < SiteCa.DEFAULT_RENEWAL_WINDOW.toDays());
        }
    }

    /**
     * Reads each service certificate on the nodes that have it (haproxy's on the load balancer,
     * traefik's on the app nodes, the storage services' on the storage node), judged against
     * {@code ca}; throws when the bastion cannot be used.
     */
    public static Status status(Site site, FleetConnector connector, SiteCa ca) throws RemoteException, CaException {
        List<Row> rows = new ArrayList<>();
        List<RemoteException> unreached = new ArrayList<>();
        Set<String> roles = NodeLayout.SERVICE_CERTIFICATES.values().stream().map(NodeLayout.CertificateFile::role).collect(Collectors.toSet());
        try (Fleet fleet = connector.connect(site, site.nodes().stream().filter(n -> roles.contains(n.role())).toList())) {
            for (Fleet.Reach reach : fleet.reaches()) {
                if (reach.host().isEmpty()) {
                    unreached.add(reach.failure().orElseThrow());
                    continue;
                }
                for (Map.Entry<String, NodeLayout.CertificateFile> cert : new TreeMap<>(NodeLayout.SERVICE_CERTIFICATES).entrySet()) {
                    if (!cert.getValue().role().equals(reach.node().role())) {
                        continue;
                    }
                    Optional<byte[]> pem = reach.host().get().read(cert.getValue().path());
                    Optional<CertificateStatus> status = pem.isEmpty() ? Optional.empty()
                            : Optional.of(ca.status(new String(pem.get(), StandardCharsets.US_ASCII)));
                    rows.add(new Row(reach.node().name(), cert.getKey(), status));
                }
            }
        }
        return new Status(rows, unreached);
    }
}
