package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.install.NodeLayout;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** certs.internal from each node: the site CA's certificates as the local services have them (haproxy, traefik, the storage services). */
final class InternalCertificatesCheck implements NodeCheck {
    private final Site site;
    private final Supplier<Optional<SiteCa>> ca;
    private final Clock clock;

    /** {@code ca}: the site CA when this machine has one (loaded beside the SSH connections). */
    InternalCertificatesCheck(Site site, Supplier<Optional<SiteCa>> ca, Clock clock) {
        this.site = site;
        this.ca = ca;
        this.clock = clock;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo("certs.internal", "each local service's certificate is from the site CA and not near expiry", List.of(Vantage.LB, Vantage.APP, Vantage.STORAGE)));
    }

    @Override
    public List<Probe> probes(Node node) {
        return services(node).entrySet().stream().map(e -> new Probe(key(e.getKey()), "cat " + Command.quote(e.getValue()) + " 2>/dev/null || true")).toList();
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        return services(node).entrySet().stream().map(e -> Certificates.internal(node.name(), e.getKey(), e.getValue(),
                answers.get(key(e.getKey())).output(), ca.get(), clock)).toList();
    }

    /** The certificate paths of the services that run on {@code node}, by service name. */
    private Map<String, String> services(Node node) {
        Map<String, Boolean> runs = Map.of("mariadb", site.storage().database().isLocal(), "rabbitmq", site.storage().broker().isLocal(),
                "minio", site.storage().objects().isLocal());
        Map<String, String> local = new TreeMap<>();
        NodeLayout.SERVICE_CERTIFICATES.forEach((service, file) -> {
            if (file.role().equals(node.role()) && runs.getOrDefault(service, true)) {
                local.put(service, file.path());
            }
        });
        return local;
    }

    private static String key(String service) {
        return "cert:" + service;
    }
}
