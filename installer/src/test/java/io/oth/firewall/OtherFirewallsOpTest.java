package io.oth.firewall;

import io.oth.op.Probe;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Another program's nftables table is left as it is; one that drops input by default is a warning naming it and the ports it must let in. */
class OtherFirewallsOpTest {
    private static final String OTHS = "table inet oth {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n";
    /** What iptables-nft leaves after {@code iptables -P INPUT DROP; iptables -A INPUT -p tcp --dport 22 -j ACCEPT}. */
    private static final String IPTABLES = "table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy drop;\n"
            + "\t\tmeta l4proto tcp tcp dport 22 counter packets 0 bytes 0 accept\n\t}\n}\n";
    private static final String FAIL2BAN = "table inet f2b-table {\n\tchain f2b-chain {\n\t\ttype filter hook input priority filter - 1; policy accept;\n\t}\n}\n";

    private final OtherFirewallsOp op = new OtherFirewallsOp(List.of(80, 443, 22));

    private static Map<String, Probe.Answer> live(String listing) {
        return Map.of(OtherFirewallsOp.KEY, new Probe.Answer(0, listing));
    }

    @Test
    void oneThatDropsInputByDefaultIsAWarningAndNothingIsChanged() {
        Map<String, Probe.Answer> answers = live(OTHS + IPTABLES + FAIL2BAN);
        assertEquals(Optional.empty(), op.plan(answers, Set.of()));
        assertEquals(List.of("table ip filter of another program drops input by default: it drops what it does not accept itself, so it must also let in"
                + " ports 80, 443, 22 (oth's table here) or this node's part of the site does not answer; oth leaves it as it is (oth doctor's ports checks"
                + " show what it drops)"), op.warnings(answers));
        assertEquals("tables ip filter, inet f2b-table, left as they are", op.noChange(answers, Set.of()));
    }

    @Test
    void oneThatAcceptsByDefaultOrNoneAtAllIsNoWarning() {
        assertEquals(List.of(), op.warnings(live(OTHS + FAIL2BAN)));
        assertEquals(List.of(), op.warnings(live(OTHS)));
        assertEquals("none", op.noChange(live(OTHS), Set.of()));
        assertEquals(List.of(), op.warnings(Map.of()), "no answer: nothing said");
    }

    @Test
    void aNodesListingIsBoundedAndItsNamesTakenOnlyAsNftPrintsThem() {
        StringBuilder many = new StringBuilder(OTHS);
        for (int i = 0; i < 1000; i++) {
            many.append(IPTABLES.replace("ip filter", "ip t" + i));
        }
        List<String> warned = op.warnings(live(many.toString()));
        assertEquals(1, warned.size());
        assertEquals(true, warned.get(0).startsWith("tables ip t0, ip t1, ip t2 (and 28 more) of another program"), warned.get(0));
        assertEquals(List.of(), op.warnings(live(IPTABLES.replace("ip filter", "ip \u001b[2Jx"))), "not a table name nft prints: not a table");
    }
}
