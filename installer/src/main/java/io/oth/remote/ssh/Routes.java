package io.oth.remote.ssh;

import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import io.oth.site.SshEndpoint;
import io.oth.sshconfig.HostConfig;
import io.oth.sshconfig.Jump;
import io.oth.sshconfig.SshConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The way to each node, as OpenSSH would go with the site file's values put first: the site's jump
 * hosts and bastion when it has a bastion; else ssh_config's ProxyJump for the node, if any. The
 * bastion's own ProxyJump in ssh_config counts when the site gives no {@code bastion.jump}, and the
 * first jump host's ProxyJump counts too (as {@code ssh -J} does); at most {@link Jump#MAX_HOPS}
 * jump hosts on the way to a node.
 */
final class Routes {
    private final Site site;
    private final SshConfig config;
    private final Path home;

    Routes(Site site, SshConfig config, Path home) {
        this.site = site;
        this.config = config;
        this.home = home;
    }

    /** The jump hosts to the bastion and the bastion, in the order they are dialled; empty when the site has no bastion. */
    List<Hop> toBastion() throws RemoteException {
        if (site.bastion().isEmpty()) {
            return List.of();
        }
        SshEndpoint bastion = site.bastion().get();
        List<SshEndpoint> chain = new ArrayList<>(site.jumps().isEmpty() ? proxyJumps(bastion.address(), "bastion " + bastion.address()) : site.jumps());
        chain.add(bastion);
        return labelled(chain, true);
    }

    /** The jump hosts to {@code node}, in the order they are dialled; empty: oth dials it directly. */
    List<Hop> jumpsTo(Node node) throws RemoteException {
        if (site.bastion().isPresent()) {
            List<Hop> toBastion = toBastion();
            // The node that is the bastion is dialled where the bastion is, through what comes before it.
            return isBastion(node) ? toBastion.subList(0, toBastion.size() - 1) : toBastion;
        }
        return labelled(proxyJumps(node.ssh().address(), node.name()), false);
    }

    /** The node's own login: at the bastion's address and port for the node that is the bastion. */
    Hop node(Node node) {
        if (isBastion(node)) {
            SshEndpoint bastion = site.bastion().orElseThrow();
            return hop(node.name(), new SshEndpoint(bastion.address(), bastion.port(), node.ssh().user(), node.ssh().key()));
        }
        return hop(node.name(), node.ssh());
    }

    /**
     * Whether {@code node} is the bastion itself, as in the specification's own design (SSH comes
     * in to the load balancer, and from there to the other nodes): the bastion's address (after
     * ssh_config's HostName) is one of the node's and its SSH port is the node's. Its sessions then
     * come straight from this side, not from itself through itself, so that its firewall lets in
     * what oth's next run comes from, and the proof of a new ruleset dials it afresh.
     */
    boolean isBastion(Node node) {
        if (site.bastion().isEmpty()) {
            return false;
        }
        Hop bastion = hop("bastion", site.bastion().get());
        Hop own = hop(node.name(), node.ssh());
        boolean itsAddress = bastion.address().equals(own.address())
                || node.publicAddress().filter(a -> a.equals(bastion.address()) || a.equals(bastion.name())).isPresent();
        return itsAddress && bastion.port() == own.port();
    }

    /** The ProxyJump hosts ssh_config gives for {@code host}, the first one's own before it. */
    private List<SshEndpoint> proxyJumps(String host, String label) throws RemoteException {
        List<SshEndpoint> chain = new ArrayList<>();
        String next = host;
        for (int depth = 0; ; depth++) {
            List<Jump> jumps = config.lookup(next).proxyJump().orElse(List.of());
            if (jumps.isEmpty()) {
                return chain;
            }
            chain.addAll(0, jumps.stream().map(j -> new SshEndpoint(j.host(), j.port(), j.user(), Optional.empty())).toList());
            if (chain.size() > Jump.MAX_HOPS) {
                throw new RemoteException(label, Failure.BASTION_UNREACHABLE, "ssh_config (" + config.name() + ") gives more than "
                        + Jump.MAX_HOPS + " jump hosts on the way (a ProxyJump loop?): " + chain.stream().map(SshEndpoint::address).toList());
            }
            next = jumps.get(0).host();
        }
    }

    private List<Hop> labelled(List<SshEndpoint> chain, boolean lastIsBastion) {
        List<Hop> hops = new ArrayList<>();
        int n = chain.size();
        for (int i = 0; i < n; i++) {
            String name = chain.get(i).address();
            boolean bastion = lastIsBastion && i == n - 1;
            String label = n == 1 && bastion ? "bastion " + name
                    : "jump host " + (i + 1) + " of " + n + (bastion ? " (bastion)" : "") + ", " + name;
            hops.add(hop(label, chain.get(i)));
        }
        return hops;
    }

    /** {@code to} with what the site file leaves out taken from ssh_config, then from oth's defaults. */
    private Hop hop(String label, SshEndpoint to) {
        HostConfig c = config.lookup(to.address());
        String address = c.hostName().orElse(to.address());
        int port = to.port().or(c::port).orElse(SiteLoader.SSH_PORT);
        String user = to.user().or(c::user).orElse(SshEndpoint.DEFAULT_USER);
        List<Path> keys = to.key().map(List::of)
                .orElseGet(() -> c.identityFiles(home, address, port, user).stream().filter(Files::isRegularFile).toList());
        return new Hop(label, to.address(), address, port, user, keys, c.identitiesOnly().orElse(false));
    }
}
