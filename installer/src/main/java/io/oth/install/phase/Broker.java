package io.oth.install.phase;

import io.oth.install.BrokerAccessOp;
import io.oth.install.NodeLayout;
import io.oth.install.NodeServices;
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
import io.oth.remote.Command;
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
    private static final String SERVICE = NodeServices.RABBITMQ;

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
        ServiceOp service = new ServiceOp(SERVICE, t.facts().init(), true).runningWhen(running(ports.amqps()))
                .startingWith(sysvStart(ports.amqps(), ports.managementTls()));
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
        return BrokerAccessOp.SERVER_ALIVE + " && " + ServiceOp.listening(amqpsPort);
    }

    /** How long {@link #sysvStart} waits for RabbitMQ to be up: a little less than oth gives a start. */
    static final int START_SECONDS = (int) ServiceOp.TIMEOUT.toSeconds() - 5;

    /**
     * RabbitMQ started where Debian's init script runs it, as that script starts it (its
     * environment, /etc/default/rabbitmq-server, pid directory, user and start-stop-daemon call),
     * but without the two Erlang VMs the script boots around that call: {@code rabbitmqctl status}
     * before it (the probe has just answered that, from /proc) and {@code rabbitmqctl wait} after
     * it. Each boots a VM beside RabbitMQ's own; on a busy node the first delays the start by
     * seconds and the second takes CPU from the boot it waits for.
     *
     * <p>Up is when the VM its pid file names is alive and listens on AMQPS and on the management
     * API's port, the listeners its boot opens last; what comes next (the accounts) needs both.
     * start-stop-daemon records the launcher it starts ({@link #LAUNCHER_PID}: the package's
     * wrapper script, alive as long as the VM it runs): when it ends, seen twice 0.2 s apart, the
     * start fails at once, as it does after {@link #START_SECONDS} without the server up. A VM
     * already booting (its pid file names it) is waited for, not started a second time.
     */
    static String sysvStart(int amqpsPort, int managementTlsPort) {
        String pid = NodeLayout.RABBITMQ_PID;
        String dir = pid.substring(0, pid.lastIndexOf('/'));
        String up = BrokerAccessOp.SERVER_ALIVE + " && " + ServiceOp.listening(amqpsPort) + " && " + ServiceOp.listening(managementTlsPort);
        String launch = "[ -f /etc/default/rabbitmq-server ] && . /etc/default/rabbitmq-server; "
                + "if [ ! -d " + dir + " ]; then mkdir -p " + dir + " && chown -R rabbitmq:rabbitmq " + dir + " && chmod 755 " + dir + "; fi; "
                + "mkdir -p " + LAUNCHER_PID.substring(0, LAUNCHER_PID.lastIndexOf('/')) + " && "
                + "RABBITMQ_PID_FILE=" + pid + " exec start-stop-daemon --quiet --chuid rabbitmq --start --exec /usr/sbin/rabbitmq-server"
                + " --background --make-pidfile --pidfile " + LAUNCHER_PID;
        return "launched=\n"
                + "if ! { " + BrokerAccessOp.SERVER_ALIVE + "; }; then rm -f " + pid + " " + LAUNCHER_PID + "; "
                + "env -i LANG=\"$LANG\" PATH=/sbin:/usr/sbin:/bin:/usr/bin sh -c " + Command.quote(launch) + " </dev/null || exit 1; launched=1; fi\n"
                + "n=0 gone=0\n"
                + "until " + up + "; do\n"
                + "  n=$((n + 1))\n"
                + "  if [ $n -gt " + START_SECONDS * 5 + " ]; then echo \"RabbitMQ was not up within " + START_SECONDS + " s of its start (its VM alive, listening on ports "
                + amqpsPort + " and " + managementTlsPort + "): see /var/log/rabbitmq\" >&2; exit 1; fi\n"
                + "  if [ -n \"$launched\" ]; then f=" + LAUNCHER_PID + "; else f=" + pid + "; fi\n"
                + "  p=; { read -r p < $f; } 2>/dev/null\n"
                + "  case $p in ''|*[!0-9]*) gone=0 ;; *) if [ -d /proc/$p ]; then gone=0; else gone=$((gone + 1)); fi ;; esac\n"
                + "  if [ $gone -ge 2 ]; then echo \"RabbitMQ ended during its boot: see /var/log/rabbitmq/startup_err and /var/log/rabbitmq/rabbit@localhost.log\" >&2; exit 1; fi\n"
                + "  sleep 0.2\n"
                + "done";
    }

    /** Where {@link #sysvStart} has start-stop-daemon record the launcher it starts (oth's, root's, in the node's run-time directory). */
    static final String LAUNCHER_PID = "/run/oth/rabbitmq-launcher.pid";
}
