package io.oth.firewall;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live nftables ruleset beside what oth applied, from the probe's output: drift and what accepts a port. */
class LiveRulesetTest {
    private static final String APPLIED = """
            table inet oth {
            	set support {
            		type ipv4_addr
            	}
            	chain input {
            		type filter hook input priority filter; policy drop;
            		ip saddr { 10.77.0.101, 10.77.0.102 } tcp dport { 3306, 5671 } accept
            		tcp dport 22 accept
            		tcp dport 9000 drop
            	}
            }""";

    @Test
    void theRulesetAsAppliedHasNoDrift() {
        LiveRuleset ruleset = LiveRuleset.parse(APPLIED + "\n@@applied\n" + APPLIED);
        assertTrue(ruleset.applied().isPresent());
        assertEquals(List.of(), ruleset.extra());
        assertEquals(List.of(), ruleset.missing());
        assertTrue(ruleset.live().contains("tcp dport 22 accept"), "statements are compared without indentation: " + ruleset.live());
        assertTrue(ruleset.live().stream().noneMatch(l -> l.equals("}") || l.isBlank()), ruleset.live().toString());
    }

    @Test
    void aRuleAddedAndARuleRemovedByHandAreEachNamed() {
        String live = APPLIED.replace("\t\ttcp dport 22 accept\n", "\t\ttcp dport 7777 accept\n");
        LiveRuleset ruleset = LiveRuleset.parse(live + "\n@@applied\n" + APPLIED);
        assertEquals(List.of("tcp dport 7777 accept"), ruleset.extra());
        assertEquals(List.of("tcp dport 22 accept"), ruleset.missing());
    }

    @Test
    void aRuleTwiceLiveButOnceAppliedIsOneExtra() {
        String live = APPLIED.replace("\t\ttcp dport 22 accept\n", "\t\ttcp dport 22 accept\n\t\ttcp dport 22 accept\n");
        assertEquals(List.of("tcp dport 22 accept"), LiveRuleset.parse(live + "\n@@applied\n" + APPLIED).extra());
    }

    @Test
    void withoutTheAppliedFileNoDriftIsClaimed() {
        for (String output : List.of("tcp dport 7777 accept\n@@applied\n@@unavailable", "tcp dport 7777 accept")) {
            LiveRuleset ruleset = LiveRuleset.parse(output);
            assertEquals(Optional.empty(), ruleset.applied(), output);
            assertEquals(List.of(), ruleset.extra(), output);
            assertEquals(List.of(), ruleset.missing(), output);
            assertEquals(List.of("tcp dport 7777 accept"), ruleset.live(), output);
        }
    }

    @Test
    void onlyOthsTableIsComparedAndTheOthersAreNamed() {
        String foreign = """
                table ip filter {
                	chain INPUT {
                		type filter hook input priority filter; policy drop;
                		tcp dport 7777 accept
                	}
                }
                table inet f2b-table {
                	chain f2b-chain {
                		type filter hook input priority filter - 1; policy accept;
                	}
                }""";
        LiveRuleset ruleset = LiveRuleset.parse(foreign + "\n" + APPLIED + "\n@@applied\n" + APPLIED);
        assertEquals(List.of(), ruleset.extra(), "another program's rules are not drift of oth's table");
        assertEquals(List.of(), ruleset.missing());
        assertTrue(ruleset.dropsInput());
        assertEquals(List.of("ip filter", "inet f2b-table"), ruleset.others());
        assertEquals(List.of("ip filter"), ruleset.othersDroppingInput());
        assertEquals(Optional.empty(), ruleset.accepting(7777), "what another table accepts still meets oth's default drop");
    }

    @Test
    void withoutOthsTableNothingDropsAndAnotherTablesDropIsNotOths() {
        String foreign = APPLIED.replace("table inet oth", "table inet oth2");
        LiveRuleset ruleset = LiveRuleset.parse(foreign + "\n@@applied\n" + APPLIED);
        assertEquals(false, ruleset.dropsInput());
        assertEquals(List.of("inet oth2"), ruleset.othersDroppingInput());
        assertEquals(List.of(), ruleset.live());
    }

    @Test
    void aTableNameNftWouldNotPrintIsNoTable() {
        LiveRuleset ruleset = LiveRuleset.parse("table inet a;b`x {\n\tchain c {\n\t}\n}\n" + APPLIED + "\n@@applied\n" + APPLIED);
        assertEquals(List.of(), ruleset.others());
        assertEquals(List.of(), ruleset.extra(), "its lines are no part of oth's table either");
    }

    @Test
    void theRuleThatAcceptsAPortIsFoundInASetOrAlone() {
        LiveRuleset ruleset = LiveRuleset.parse(APPLIED);
        assertEquals(Optional.of("ip saddr { 10.77.0.101, 10.77.0.102 } tcp dport { 3306, 5671 } accept"), ruleset.accepting(5671));
        assertEquals(Optional.of("tcp dport 22 accept"), ruleset.accepting(22));
        assertEquals(Optional.empty(), ruleset.accepting(9000), "a drop rule does not accept");
        assertEquals(Optional.empty(), ruleset.accepting(567), "a port is matched whole, not as a prefix");
        assertEquals(Optional.empty(), ruleset.accepting(80));
    }
}
