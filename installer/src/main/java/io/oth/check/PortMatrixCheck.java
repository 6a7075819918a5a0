package io.oth.check;

import io.oth.site.LocalServices;
import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.Site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ports.&lt;from&gt;-&lt;to&gt;: from each node, every port the network table (playbooks/roles.yml) lets
 * that node's role reach on the others, exactly as the firewall opens them: a rule that belongs to
 * a storage service ({@code service:}) only while the site runs that service locally.
 *
 * <p>What is checked is the path: a refused connection proves the firewall lets it through. It
 * fails only where something must listen: a port of no service (traefik, sshd), or a service's
 * first port in the table, the one the application connects to. A service's other ports (plain
 * AMQP, RabbitMQ's plain management) are opened by the table whether or not they are configured.
 */
final class PortMatrixCheck implements NodeCheck {
    private final Site site;
    private final Playbooks playbooks;
    private final int seconds;

    PortMatrixCheck(Site site, Playbooks playbooks, int seconds) {
        this.site = site;
        this.playbooks = playbooks;
        this.seconds = seconds;
    }

    /** One planned connection: the check id, where to, and whether something must answer there. */
    record Target(String id, Connect connect, boolean mustListen) {
        String key() {
            return "port:" + connect;
        }
    }

    static List<CheckInfo> checks(Playbooks playbooks) {
        List<CheckInfo> checks = new ArrayList<>();
        playbooks.roles().forEach((to, role) -> role.inbound().stream().flatMap(in -> in.from().stream())
                .filter(playbooks.roles()::containsKey).distinct()
                .forEach(from -> checks.add(new CheckInfo(id(from, to), "the " + to + " ports the network table opens to " + from
                        + " nodes connect: " + ports(role, from), List.of(from)))));
        return checks;
    }

    @Override
    public List<Probe> probes(Node node) {
        return targets(node).stream().map(t -> t.connect().probe(t.key(), seconds)).toList();
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        return targets(node).stream().map(t -> {
            Connect.Outcome outcome = Connect.outcome(answers.get(t.key()));
            return outcome == Connect.Outcome.REFUSED && !t.mustListen()
                    ? Finding.ok(t.id(), node.name(), t.connect().toString(), "connection refused: the firewall lets it through, nothing listens there")
                    : Connect.finding(t.id(), node, t.connect().toString(), outcome, Verdict.FAIL);
        }).toList();
    }

    /** The connections {@code from} is to make, in the order of the table, each once. */
    List<Target> targets(Node from) {
        List<Target> targets = new ArrayList<>();
        playbooks.roles().forEach((to, role) -> {
            for (Role.Inbound in : role.inbound()) {
                if (!in.from().contains(from.role()) || in.service().isPresent() && !LocalServices.runsLocally(site, in.service().get())) {
                    continue;
                }
                boolean mustListen = in.service().map(service -> firstPort(role, service) == in.port()).orElse(true);
                site.nodesWithRole(to).stream().filter(n -> !n.name().equals(from.name()))
                        .map(n -> new Target(id(from.role(), to), new Connect(n.address(), in.port()), mustListen))
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
                .map(in -> in.port() + in.service().map(s -> " (" + s + ")").orElse("")).toList());
    }
}
