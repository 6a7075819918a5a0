package io.oth.support;

import io.oth.remote.Fleet;
import io.oth.secret.PrivateFiles;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.StateDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

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

    public SupportGrant(Site site, Playbooks playbooks, Fleet fleet, int concurrency, Clock clock) {
        this.site = site;
        this.playbooks = playbooks;
        this.fleet = fleet;
        this.concurrency = concurrency;
        this.clock = clock;
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
        Opened opened = new Opened(SupportAccess.open(site, playbooks, fleet, grant, now, concurrency), now.plus(grant.length()));
        audit(now + " open for " + Durations.format(grant.length()) + " until " + opened.until() + " from " + String.join(", ", grant.addresses())
                + " keys " + String.join(", ", grant.keys().keys().stream().map(k -> k.fingerprint() + (k.comment().isEmpty() ? "" : " (" + k.comment() + ")")).toList())
                + " by " + grant.by() + (opened.everywhere() ? "" : " [not on every node]") + (grant.reason().isEmpty() ? "" : ": " + grant.reason()));
        return opened;
    }

    /** Ends the grant on every node now, and writes the audit line. */
    public List<SupportAccess.NodeOutcome> close() throws IOException {
        List<SupportAccess.NodeOutcome> outcomes = SupportAccess.close(fleet, concurrency);
        audit(clock.instant() + " close by " + System.getProperty("user.name")
                + (outcomes.stream().allMatch(SupportAccess.NodeOutcome::ok) ? "" : " [not on every node]"));
        return outcomes;
    }

    /** What each node has now; changes nothing. */
    public List<SupportAccess.NodeStatus> status() {
        return SupportAccess.status(playbooks, fleet, concurrency);
    }

    private void audit(String line) throws IOException {
        PrivateFiles.append(auditLog(site), line);
    }

    static Path auditLog(Site site) {
        return StateDir.of(site.name()).resolve("support.log");
    }
}
