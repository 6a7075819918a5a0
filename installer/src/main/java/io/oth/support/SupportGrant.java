package io.oth.support;

import io.oth.input.Durations;

import io.oth.phase.RunReport;
import io.oth.progress.Progress;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.secret.PrivateFiles;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.StateDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code oth support open|close|status} as one service: the grant on the nodes through
 * {@link SupportAccess}, and a line in this side's audit log ({@code support.log} in the site's
 * state directory) for every open and close, whatever the nodes did.
 */
public final class SupportGrant {
    private final Site site;
    private final Playbooks playbooks;
    private final Fleet fleet;
    private final int concurrency;
    private final Clock clock;
    private final Progress progress;

    /** @param progress where each node's work is shown while it opens or closes */
    public SupportGrant(Site site, Playbooks playbooks, Fleet fleet, int concurrency, Clock clock, Progress progress) {
        this.site = site;
        this.playbooks = playbooks;
        this.fleet = fleet;
        this.concurrency = concurrency;
        this.clock = clock;
        this.progress = progress;
    }

    /** What an open did on each node, and until when the grant lasts. */
    public record Opened(List<SupportAccess.NodeOutcome> outcomes, Instant until) {
        public boolean everywhere() {
            return outcomes.stream().allMatch(SupportAccess.NodeOutcome::ok);
        }

        /** Some node had opened it before another failed, so it was closed again. */
        public boolean rolledBack() {
            return outcomes.stream().anyMatch(o -> o.said().startsWith("rolled back"));
        }
    }

    /** Opens (extends, shortens) {@code grant} on every node or on none, and writes the audit line. */
    public Opened open(SupportAccess.Grant grant) throws IOException {
        Instant now = clock.instant();
        Opened opened = new Opened(SupportAccess.open(site, playbooks, fleet, grant, now, concurrency, progress), now.plus(grant.length()));
        audit(now + " open for " + Durations.format(grant.length()) + " until " + opened.until() + " from " + String.join(", ", grant.addresses())
                + " keys " + String.join(", ", grant.keys().keys().stream().map(k -> k.fingerprint() + (k.comment().isEmpty() ? "" : " (" + k.comment() + ")")).toList())
                + " by " + grant.by() + (opened.everywhere() ? "" : " [not on every node]") + (grant.reason().isEmpty() ? "" : ": " + grant.reason()));
        return opened;
    }

    /** Ends the grant on every node now, and writes the audit line. */
    public List<SupportAccess.NodeOutcome> close() throws IOException {
        List<SupportAccess.NodeOutcome> outcomes = SupportAccess.close(fleet, concurrency, progress);
        audit(clock.instant() + " close by " + System.getProperty("user.name")
                + (outcomes.stream().allMatch(SupportAccess.NodeOutcome::ok) ? "" : " [not on every node]"));
        return outcomes;
    }

    /** What each node has now; changes nothing. */
    public List<SupportAccess.NodeStatus> status() {
        return SupportAccess.status(playbooks, fleet, concurrency);
    }

    /** What {@link #open} would do on each node, as install plans: read from the nodes, nothing changed. */
    public RunReport planOpen(SupportAccess.Grant grant) {
        Instant now = clock.instant();
        Instant until = now.plus(grant.length());
        return plan(s -> {
            String verb = s.until().filter(u -> u.isAfter(now)).map(u -> "extend support access (was until " + u + ") until ")
                    .orElse("open support access until ");
            return Optional.of(verb + until + ": " + grant.keys().keys().size() + " key(s) for " + SupportAccess.USER
                    + (s.entry() ? "; firewall lets " + String.join(", ", grant.addresses()) + " reach SSH" : ""));
        });
    }

    /** What {@link #close} would do on each node: nothing where no grant is left. */
    public RunReport planClose() {
        Instant now = clock.instant();
        return plan(s -> s.state(now).equals("closed") ? Optional.empty() : Optional.of("close support access: remove " + s.keys()
                + " key(s)" + (s.entry() ? ", " + s.addresses().size() + " firewall address(es)" : "") + ", end " + s.sessions() + " session process(es)"));
    }

    /** One host per node: its change from what it has now, or why it could not be read. */
    private RunReport plan(Function<SupportAccess.NodeStatus, Optional<String>> change) {
        List<SupportAccess.NodeStatus> now = status();
        List<RunReport.HostOutcome> hosts = new ArrayList<>();
        for (int i = 0; i < now.size(); i++) {
            SupportAccess.NodeStatus s = now.get(i);
            Optional<RemoteException> unreached = fleet.reaches().get(i).failure();
            if (s.problem().isPresent()) {
                hosts.add(new RunReport.HostOutcome(s.node(), 0, List.of(), s.problem(),
                        Optional.of(unreached.map(RemoteException::failure).orElse(Failure.COMMAND_FAILED))));
                continue;
            }
            Optional<String> planned = change.apply(s);
            hosts.add(new RunReport.HostOutcome(s.node(), planned.isEmpty() ? 1 : 0, planned.stream().toList(), Optional.empty(), Optional.empty()));
        }
        return new RunReport(true, hosts, fleet.sessionsOpened(), fleet.connectionsOpened());
    }

    private void audit(String line) throws IOException {
        PrivateFiles.append(auditLog(site), line);
    }

    static Path auditLog(Site site) {
        return StateDir.of(site.name()).resolve("support.log");
    }
}
