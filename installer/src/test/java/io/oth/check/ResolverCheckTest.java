package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dns.resolver: what the node's nameserver did with one query, from the header it sent back (or not). */
class ResolverCheckTest {
    private final Site site = Sites.lab();
    private final ResolverCheck check = new ResolverCheck(site, 3);

    private Finding seen(int exitCode, String output) {
        List<Finding> findings = check.findings(Sites.node(site, "app1"), Map.of(ResolverCheck.ID, new Probe.Answer(exitCode, output)));
        assertEquals(1, findings.size(), findings.toString());
        return findings.get(0);
    }

    @Test
    void aNameserverThatAnswersIsOkEvenWhenTheNameIsMissing() {
        Finding ok = seen(0, "203.0.113.53\n 6f 74 81 80");
        assertEquals(Verdict.OK, ok.verdict());
        assertEquals("nameserver 203.0.113.53", ok.target());
        assertEquals(Verdict.OK, seen(0, "203.0.113.53\n 6f 74 81 83").verdict(), "NXDOMAIN is dns.fqdn's finding, not the resolver's");
    }

    @Test
    void silenceIsATimeoutNamingTheServer() {
        Finding silent = seen(124, "203.0.113.53");
        assertEquals(Verdict.FAIL, silent.verdict());
        assertEquals("nameserver 203.0.113.53", silent.target());
        assertEquals("timed out: no answer within 3 s", silent.cause());
        assertTrue(silent.hint().contains("/etc/resolv.conf on app1") && silent.hint().contains("203.0.113.53"), silent.hint());
    }

    @Test
    void aPortUnreachableIsARefusal() {
        Finding refused = seen(1, "127.0.0.1\nhead: error reading 'standard input': Connection refused");
        assertEquals(Verdict.FAIL, refused.verdict());
        assertEquals("refused (nothing listens on 127.0.0.1 port 53)", refused.cause());
    }

    @Test
    void aServerThatRefusesOrFailsTheQuerySaysWhich() {
        assertEquals("answers REFUSED to a query for oth.example.test", seen(0, "10.0.0.53\n 6f 74 81 85").cause());
        assertEquals("answers SERVFAIL to a query for oth.example.test", seen(0, "10.0.0.53\n 6f 74 81 82").cause());
    }

    @Test
    void noNameserverAtAllIsSaid() {
        Finding none = seen(3, "none");
        assertEquals("no nameserver configured", none.cause());
        assertEquals("/etc/resolv.conf", none.target());
    }

    @Test
    void onlyAppNodesAskAndTheQueryIsOneQuestionForTheFqdn() {
        assertEquals(List.of(), check.probes(Sites.node(site, "storage")));
        assertEquals(1, check.probes(Sites.node(site, "app1")).size());
        assertEquals("\\x6f\\x74\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x01\\x61\\x02\\x62\\x63\\x00\\x00\\x01\\x00\\x01", ResolverCheck.query("a.bc"));
    }

    @Test
    void aCheckThatNeededTheNameSaysSoAndPointsAtTheResolver() {
        Finding resolver = seen(124, "203.0.113.53");
        Finding outbound = new Finding("outbound.sms", "app1", "api.twilio.com:443", Verdict.FAIL, "no answer (filtered or down)", "a firewall drops ...");
        Finding skipped = ResolverCheck.notTried(outbound, resolver);
        assertEquals(Verdict.SKIP, skipped.verdict());
        assertEquals("not tried: name resolution failed (dns.resolver: nameserver 203.0.113.53 timed out: no answer within 3 s)", skipped.cause());
    }

    @Test
    void aQueryTheNodesOwnFirewallKeepsInIsSaidToBeBlockedThere() {
        Finding blocked = seen(1, "203.0.113.53\n_: line 1: printf: write error: Operation not permitted");
        assertEquals(Verdict.FAIL, blocked.verdict());
        assertEquals("blocked on app1: its own firewall does not let the query out", blocked.cause());
    }
}
