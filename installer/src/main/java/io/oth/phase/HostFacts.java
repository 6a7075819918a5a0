package io.oth.phase;

import io.oth.op.InitSystem;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every phase may need to know about a node, read once per run in one session.
 *
 * @param sshSource  the address oth's SSH sessions come from, as the node sees it: the firewall
 *                   lets it in, so that oth does not lock itself out
 * @param forwarding the node routes packets for others (then its firewall lets only the site's nodes out through it)
 */
public record HostFacts(String hostname, InitSystem init, String sshSource, boolean forwarding) {

    /**
     * The client address of this SSH session. sudo drops SSH_CONNECTION from the environment, so
     * it is read from the nearest ancestor process that still has it.
     */
    private static final String SSH_SOURCE = "p=$$; while [ \"$p\" -gt 1 ]; do"
            + " c=$(tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p');"
            + " if [ -n \"$c\" ]; then echo \"${c%% *}\"; exit 0; fi;"
            + " p=$(cut -d' ' -f4 /proc/$p/stat); done; exit 1";

    static HostFacts read(Host host, Duration timeout) throws RemoteException {
        List<Probe> probes = List.of(
                new Probe("hostname", "hostname"),
                new Probe("init", InitSystem.PROBE),
                new Probe("source", SSH_SOURCE),
                new Probe("forwarding", "cat /proc/sys/net/ipv4/ip_forward"));
        CommandResult r = host.run(Command.shell(Probe.script(probes)), timeout);
        Map<String, Probe.Answer> a = Probe.parse(r.stdout());
        return new HostFacts(a.get("hostname").output().strip(), InitSystem.parse(a.get("init").output()),
                a.get("source").output().strip(), a.get("forwarding").output().strip().equals("1"));
    }
}
