package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.ServicePorts;
import io.oth.site.Site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * ports.&lt;from&gt;-&lt;to&gt;: from each node, every port the network table (playbooks/roles.yml) lets
 * that node's role reach on the others, exactly as the firewall opens them: the rules that apply to
 * the site ({@link Role.Inbound#appliesTo}). Something listens on each of those, so a refused
 * connection fails as surely as a dropped one. From the load balancer, traefik's port on the app
 * nodes is reached as haproxy reaches it, over mutual TLS ({@link MutualTlsProbe}). A node's SSH is
 * probed on the port oth reaches its sshd on ({@link Role.Inbound#port(int)}).
 */
final class PortMatrixCheck implements NodeCheck {
    private final Site site;
    private final Playbooks playbooks;
    private final ToIntFunction<Node> sshPorts;
    private final int seconds;

    PortMatrixCheck(Site site, Playbooks playbooks, ToIntFunction<Node> sshPorts, int seconds) {
        this.site = site;
        this.playbooks = playbooks;
        this.sshPorts = sshPorts;
        this.seconds = seconds;
    }

    /** One planned connection: the check id, where to, and the node there when it is haproxy's hop to traefik (mutual TLS). */
    record Target(String id, Connect connect, Optional<Node> mutualTls) {
        String key() {
            return "port:" + connect;
        }
    }

    static List<CheckInfo> checks(Playbooks playbooks) {
        List<CheckInfo> checks = new ArrayList<>();
        playbooks.roles().forEach((to, role) -> role.inbound().stream().flatMap(in -> in.from().stream())
                .filter(playbooks.roles()::containsKey).distinct()
                .forEach(from -> checks.add(new CheckInfo(id(from, to), "the " + to + " ports the network table opens to " + from
                        + " nodes connect: " + ports(role, from) + (from.equals(Role.LB) && to.equals(Role.APP)
                        ? "; traefik's over mutual TLS as haproxy connects (the site CA, the node's name, haproxy's client certificate)" : ""),
                        List.of(from)))));
        return checks;
    }

    @Override
    public List<Probe> probes(Node node) {
        return targets(node).stream().map(t -> t.mutualTls()
                .map(app -> MutualTlsProbe.probe(t.key(), site, app, t.connect().port(), seconds))
                .orElseGet(() -> t.connect().probe(t.key(), seconds))).toList();
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        return targets(node).stream().map(t -> t.mutualTls()
                .map(app -> MutualTlsProbe.finding(t.id(), node, site, app, t.connect().toString(), answers.get(t.key())))
                .orElseGet(() -> Connect.finding(t.id(), node, t.connect().toString(), Connect.outcome(answers.get(t.key())), Verdict.FAIL)))
                .toList();
    }

    /** The connections {@code from} is to make, in the order of the table, each once. */
    List<Target> targets(Node from) {
        List<Target> targets = new ArrayList<>();
        playbooks.roles().forEach((to, role) -> {
            for (Role.Inbound in : role.inbound()) {
                if (!in.from().contains(from.role()) || !in.appliesTo(site)) {
                    continue;
                }
                boolean mutualTls = from.role().equals(Role.LB) && to.equals(Role.APP) && in.name().equals(Optional.of(ServicePorts.TRAEFIK));
                site.nodesWithRole(to).stream().filter(n -> !n.name().equals(from.name()))
                        .map(n -> new Target(id(from.role(), to), new Connect(n.address(), in.port(sshPorts.applyAsInt(n))), mutualTls ? Optional.of(n) : Optional.empty()))
                        .filter(t -> !targets.contains(t)).forEach(targets::add);
            }
        });
        return targets;
    }

    /** The port the application connects to {@code service} on: the service's first in the table. */
    static int firstPort(Role role, String service) {
        return role.inbound().stream().filter(in -> in.service().equals(java.util.Optional.of(service))).findFirst()
                .orElseThrow(() -> new IllegalStateException("playbooks/roles.yml gives " + service + " no port")).port();
    }

    private static String id(String from, String to) {
        return "ports." + from + "-" + to;
    }

    private static String ports(Role role, String from) {
        return String.join(", ", role.inbound().stream().filter(in -> in.from().contains(from))
                .map(in -> in.port() + condition(in)).toList());
    }

    /** What a rule depends on, for the list of checks: " (broker, with plain_amqp)". */
    private static String condition(Role.Inbound in) {
        List<String> parts = new ArrayList<>();
        in.service().ifPresent(parts::add);
        in.when().ifPresent(c -> parts.add("with " + c.key()));
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }
}
