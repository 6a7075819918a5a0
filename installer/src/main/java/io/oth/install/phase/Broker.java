package io.oth.install.phase;

import io.oth.install.BrokerAccessOp;
import io.oth.install.NodeLayout;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.secret.Secret;
import io.oth.site.AppAccounts;
import io.oth.site.ServicePorts;
import io.oth.install.LoopbackOnlyOp;
import io.oth.install.ServiceCertOp;
import io.oth.op.FileOp;
import io.oth.op.HalfStartedOp;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.op.ReloadOp;
import io.oth.op.ServiceOp;
import io.oth.phase.Target;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.oth.install.NodeLayout.RABBITMQ_TLS;

/** RabbitMQ on the storage node, AMQP over TLS with its certificate from the site CA, when the broker is local. */
public final class Broker extends LocalServicePhase {
    /** RabbitMQ's processes under its account: the Erlang VMs (server and CLI), their helpers, epmd, and the start scripts. */
    private static final Set<String> RABBITMQ_PROGRAMS = Set.of("beam.smp", "epmd", "erl_child_setup", "inet_gethost", "rabbitmq-server", "rabbitmqctl");
    private static final String SERVICE = "rabbitmq-server";

    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public Broker(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec, "broker");
        this.inputs = inputs;
        this.ports = ports;
    }

    @Override
    List<Operation> local(Target t) {
        Map<String, Object> vars = Map.of("site", t.site().name(), "address", t.node().address(), "plain_amqp", t.site().storage().plainAmqp(),
                "amqp_port", ports.amqp(), "amqps_port", ports.amqps(), "management_tls_port", ports.managementTls(),
                "management_port", ports.management());
        ServiceOp service = new ServiceOp(SERVICE, t.facts().init(), true).runningWhen(running(ports.amqps()));
        return List.of(
                FileOp.text("/etc/rabbitmq/enabled_plugins", "[rabbitmq_management].\n", "root:rabbitmq", "0644").notifying(SERVICE),
                FileOp.text("/etc/rabbitmq/rabbitmq-env.conf", Templates.render("rabbitmq/rabbitmq-env.conf.peb", vars), "root:root", "0644")
                        .notifying(SERVICE),
                cookie(inputs.secret(AppAccounts.BROKER_COOKIE_SECRET)).notifying(SERVICE),
                new ServiceCertOp(inputs.ca(), ServerIdentity.of("rabbitmq", t), new ServiceCertOp.Files(RABBITMQ_TLS + "server.key",
                        RABBITMQ_TLS + "server.pem", RABBITMQ_TLS + "ca-chain.pem", "rabbitmq:rabbitmq"), ServiceCertOp.Layout.LEAF_AND_CHAIN,
                        inputs.rotate().contains("rabbitmq"), Set.of("rabbitmq-tls"), inputs.clock()),
                FileOp.text("/etc/rabbitmq/rabbitmq.conf", Templates.render("rabbitmq/rabbitmq.conf.peb", vars), "root:rabbitmq", "0640")
                        .notifying(SERVICE),
                leftovers(t.facts().init()).runningAs(service),
                service,
                new LoopbackOnlyOp(4369, "epmd", "{ service rabbitmq-server stop; epmd -kill; sleep 1; service rabbitmq-server start; } </dev/null >/dev/null 2>&1; service rabbitmq-server status >/dev/null"),
                new ReloadOp("rabbitmq-tls", "reload RabbitMQ's certificates (ssl:clear_pem_cache, new connections get the new one)",
                        "rabbitmqctl -q eval 'ssl:clear_pem_cache().'").unlessStarted(SERVICE));
    }

    /** RabbitMQ's Erlang cookie, rabbitmq's alone: written by install, and by a rotation while RabbitMQ is stopped. */
    public static FileOp cookie(Secret value) {
        return FileOp.text(NodeLayout.BROKER_COOKIE, value.reveal(), "rabbitmq:rabbitmq", "0400").secret();
    }

    /**
     * What a stopped RabbitMQ may leave behind to fail its next start: its account's VMs, and an
     * epmd that still holds the node's name ({@code duplicate_node_name}). Seen in the lab after a
     * stop for a new Erlang cookie: epmd kept {@code rabbit} registered over a connection of the
     * stopped node, refused {@code epmd -kill}, and the start that followed hung in the init script's
     * {@code rabbitmqctl wait}.
     */
    public static HalfStartedOp leftovers(InitSystem init) {
        return new HalfStartedOp(SERVICE, init, Optional.of("rabbitmq"), RABBITMQ_PROGRAMS, NodeLayout.RABBITMQ_PID)
                .runningAs(new ServiceOp(SERVICE, init, true).runningWhen(BrokerAccessOp.SERVER_ALIVE))
                .recovering(FORCE_BOOT);
    }

    /**
     * After an unclean stop, RabbitMQ's next boot may wait for tables that it believes a peer holds
     * a newer copy of (Mnesia's "Waiting for Mnesia tables", ten times 30 s), and the start hangs in
     * the init script's {@code rabbitmqctl wait}. Seen in the lab when a killed install had stopped
     * a first boot halfway. The storage node's RabbitMQ is a node alone, with no peer to wait for:
     * {@code rabbitmqctl force_boot} (offline; distribution on loopback) has it load its own tables.
     * A node that never made its database has nothing to load. (A RabbitMQ cluster, should oth make
     * one, must not do this: a peer may well hold the newer copy.)
     */
    static final HalfStartedOp.Recovery FORCE_BOOT = new HalfStartedOp.Recovery(
            "have its next boot load its own tables (rabbitmqctl force_boot: a node alone has no peer to wait for)",
            "[ ! -d " + NodeLayout.RABBITMQ_MNESIA + " ] || ERL_EPMD_ADDRESS=127.0.0.1 rabbitmqctl -q force_boot");

    /**
     * RabbitMQ runs when the Erlang VM its pid file names is alive and listens for AMQP over TLS:
     * what its init script's {@code status} finds out by booting a second VM ({@code rabbitmqctl
     * status}), seconds of every run, read here from /proc and the socket table.
     */
    static String running(int amqpsPort) {
        return BrokerAccessOp.SERVER_ALIVE + " && ss -Hltn 'sport = :" + amqpsPort + "' | grep -q .";
    }
}
