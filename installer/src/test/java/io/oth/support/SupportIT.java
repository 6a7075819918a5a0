package io.oth.support;

import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oth support} on the installed lab. The support staff sit on the lab's "internet" host
 * (203.0.113.53), which a copy of the site file lists as the only support address: they reach the
 * load balancer's public address only while a grant lasts, and the other nodes only through it.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupportIT {
    private static final String STAFF = "inet";
    private static final String LB = "203.0.113.20";
    private static Lab lab;
    private static Path site;
    private static Path publicKey;

    @BeforeAll
    static void supportStaffWithAKey(Lab theLab) throws IOException {
        lab = theLab;
        site = lab.dir().resolve("site-support.yml");
        String spec = "support:\n  addresses: [52.30.207.215/32, 52.31.90.17/32]\n";
        String text = lab.siteText();
        assertTrue(text.contains(spec), text);
        Files.writeString(site, text.replace(spec, "support:\n  addresses: [203.0.113.53/32]\n"));
        Run install = Run.oth("install", "--site", site.toString());
        assertEquals(0, install.code(), install::toString);

        lab.exec(STAFF, "sh", "-c", "rm -f /root/support_key*; ssh-keygen -q -t ed25519 -N '' -C 'support@oth' -f /root/support_key");
        publicKey = Files.createTempFile("support", ".pub");
        Files.writeString(publicKey, lab.exec(STAFF, "cat", "/root/support_key.pub"));
        String knownHosts = Files.readString(lab.knownHosts());
        lab.exec(STAFF, "sh", "-c", "cat > /root/known_hosts <<'EOF'\n" + knownHosts + "EOF");
    }

    /** ssh from the support staff's host, strict host keys, no questions. */
    private static Lab.Result ssh(String target, String command) {
        String options = "-F /dev/null -i /root/support_key -o UserKnownHostsFile=/root/known_hosts -o StrictHostKeyChecking=yes"
                + " -o BatchMode=yes -o ConnectTimeout=4";
        String jump = target.equals(LB) ? "" : " -o ProxyCommand='ssh " + options + " -W %h:%p oth-support@" + LB + "'";
        return lab.tryExec(STAFF, "sh", "-c", "ssh " + options + jump + " oth-support@" + target + " '" + command + "'");
    }

    /** {@code oth support SUBCOMMAND --site SITE ARGS...} */
    private static Run support(String subcommand, String... args) {
        List<String> argv = new ArrayList<>(List.of("support", subcommand, "--site", site.toString()));
        argv.addAll(List.of(args));
        return Run.oth(argv.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void closedUntilAGrantIsOpened() {
        Run status = support("status");
        assertEquals(0, status.code(), status::toString);
        assertTrue(status.out().contains("Support access is closed."), status::toString);
        assertNotEquals(0, ssh(LB, "true").exitCode(), "no support access before a grant");
    }

    @Test
    @Order(2)
    void aCheckPrintsThePlanAndChangesNothingOnTheNodes() {
        String before = lab.exec("lb", "sh", "-c", "ls -a /home/oth-support/.ssh 2>&1; cat /var/log/oth-support.log 2>&1; nft list set inet oth support4");
        Run open = support("open", "--check", "--key", publicKey.toString(), "--for", "10m");
        assertEquals(6, open.code(), open::toString);
        assertTrue(open.out().lines().anyMatch(l -> l.startsWith("[lb] would open support access until ")
                && l.endsWith("1 key(s) for oth-support; firewall lets 203.0.113.53/32 reach SSH")), open::toString);
        assertTrue(open.out().lines().anyMatch(l -> l.matches("lb +0 +1 +pending")), open::toString);
        assertTrue(open.out().contains("Nothing was changed (--check)."), open::toString);
        assertEquals(before, lab.exec("lb", "sh", "-c", "ls -a /home/oth-support/.ssh 2>&1; cat /var/log/oth-support.log 2>&1; nft list set inet oth support4"),
                "the load balancer is as it was");
        assertNotEquals(0, ssh(LB, "true").exitCode(), "a check opens nothing");

        Run close = support("close", "--check");
        assertEquals(0, close.code(), close::toString);
        assertTrue(close.out().lines().anyMatch(l -> l.matches("app1 +1 +0 +ok")), close::toString);
    }

    @Test
    @Order(3)
    void aGrantThatFailsOnOneNodeIsOpenedNowhere() {
        lab.exec("app2", "sh", "-c", "mkdir -p /var/lib/oth && rm -rf /var/lib/oth/support && touch /var/lib/oth/support");
        try {
            Run open = support("open", "--key", publicKey.toString(), "--for", "10m");
            assertEquals(1, open.code(), open::toString);
            assertTrue(open.err().contains("app2"), open::toString);
            assertTrue(open.err().contains("support access was not opened: what was opened is closed again"), open::toString);
            assertTrue(open.out().lines().anyMatch(l -> l.startsWith("lb ") && l.contains("rolled back: closed: removed 1 key(s), 1 firewall address(es)")),
                    open::toString);
            assertNotEquals(0, ssh(LB, "true").exitCode(), "nothing stays open");
        } finally {
            lab.exec("app2", "rm", "-f", "/var/lib/oth/support");
        }
        Run close = support("close");
        assertTrue(close.out().lines().allMatch(l -> l.endsWith("already closed")), close::toString);
    }

    @Test
    @Order(4)
    void aGrantLetsTheStaffInToTheLoadBalancerAndThroughItToEveryNodeWithSudo() {
        Run open = support("open", "--key", publicKey.toString(), "--for", "10m", "--reason", "lab: ticket 42");
        assertEquals(0, open.code(), open::toString);
        assertTrue(open.out().contains("Support access is open until "), open::toString);
        assertTrue(open.out().lines().anyMatch(l -> l.startsWith("lb ") && l.contains("firewall lets 203.0.113.53/32 reach SSH")), open::toString);

        Lab.Result onLb = ssh(LB, "id -un; sudo -n id -un");
        assertEquals(0, onLb.exitCode(), onLb::output);
        assertEquals("oth-support\nroot", onLb.output().strip());
        for (String node : new String[] {"10.77.0.101", "10.77.0.20"}) {
            Lab.Result through = ssh(node, "hostname; sudo -n id -un");
            assertEquals(0, through.exitCode(), () -> node + ": " + through.output());
            assertTrue(through.output().strip().endsWith("root"), through.output());
        }
        String log = lab.exec("lb", "cat", "/var/log/oth-support.log");
        assertTrue(log.contains(") by " + System.getProperty("user.name") + ": lab: ticket 42"), log);

        Run status = support("status");
        assertTrue(status.out().contains("Support access is open."), status::toString);
        assertTrue(status.out().lines().anyMatch(l -> l.startsWith("lb ") && l.contains("open") && l.contains("203.0.113.53")), status::toString);
        Run again = support("open", "--key", publicKey.toString(), "--for", "20m", "--reason", "lab: ticket 42, longer");
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().lines().filter(l -> l.contains("extended (was until ")).count() == 4, () -> "each node says it was extended\n" + again);
        assertEquals(0, ssh(LB, "true").exitCode(), "still open after the extension");

        Run doctor = Run.oth("doctor", "--site", site.toString(), "--only", "posture", "--json");
        assertTrue(doctor.out().matches("(?s).*\"posture.support\".*open until .*firewall: 203\\.0\\.113\\.53.*"), doctor::toString);
    }

    @Test
    @Order(5)
    void theKeyOnlyWorksFromWhereTheGrantSays() {
        // the bastion may SSH to app1, but the support key there is bound to the load balancer's address
        lab.exec("bastion", "sh", "-c", "cat > /root/support_key <<'EOF'\n" + lab.exec(STAFF, "cat", "/root/support_key") + "EOF\nchmod 600 /root/support_key");
        Lab.Result fromBastion = lab.tryExec("bastion", "ssh", "-F", "/dev/null", "-i", "/root/support_key", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=4", "oth-support@10.77.0.101", "true");
        lab.exec("bastion", "rm", "-f", "/root/support_key");
        assertNotEquals(0, fromBastion.exitCode(), fromBastion::output);
        assertTrue(fromBastion.output().contains("Permission denied"), fromBastion::output);
    }

    @Test
    @Order(6)
    void aFirewallReloadKeepsTheGrant() {
        lab.exec("lb", "nft", "add", "rule", "inet", "oth", "input", "tcp", "dport", "9999", "accept");
        Run install = Run.oth("install", "--site", site.toString());
        assertEquals(0, install.code(), install::toString);
        assertTrue(install.out().contains("restore the firewall ruleset"), install::toString);
        assertEquals(0, ssh(LB, "true").exitCode(), "the reloaded firewall still lets the support staff in");
    }

    @Test
    @Order(7)
    void closeEndsKeysFirewallAndSessionsEverywhere() {
        lab.exec(STAFF, "sh", "-c", "setsid -f sh -c \"ssh -F /dev/null -i /root/support_key -o UserKnownHostsFile=/root/known_hosts"
                + " -o StrictHostKeyChecking=yes -o BatchMode=yes oth-support@" + LB + " sleep 600\" </dev/null >/dev/null 2>&1; sleep 2");
        assertEquals(0, lab.tryExec("lb", "pgrep", "-u", "oth-support").exitCode(), "a support session is running");

        Run close = support("close");
        assertEquals(0, close.code(), close::toString);
        assertTrue(close.out().lines().anyMatch(l -> l.startsWith("lb ") && l.contains("removed 1 key(s), 1 firewall address(es)")
                && !l.contains("ended 0 session")), close::toString);
        assertNotEquals(0, lab.tryExec("lb", "pgrep", "-u", "oth-support").exitCode(), "the session was ended");
        assertNotEquals(0, ssh(LB, "true").exitCode(), "closed");

        Run again = support("close");
        assertTrue(again.out().lines().allMatch(l -> l.endsWith("already closed")), again::toString);
        Run status = support("status");
        assertTrue(status.out().contains("Support access is closed."), status::toString);
    }

    @Test
    @Order(8)
    void aGrantEndsByItself() throws InterruptedException {
        Run open = support("open", "--key", publicKey.toString(), "--for", "12s");
        assertEquals(0, open.code(), open::toString);
        long opened = System.nanoTime();
        assertEquals(0, ssh(LB, "true").exitCode(), "open");
        // Watched until it has ended everywhere (the entry node's firewall, app1's own timer), at most 30 s
        boolean over = false;
        while (!over && System.nanoTime() - opened < TimeUnit.SECONDS.toNanos(30)) {
            Thread.sleep(500);
            over = ssh(LB, "true").exitCode() != 0 && lab.exec("app1", "cat", "/var/log/oth-support.log").contains("closed: the grant ended");
        }
        assertTrue(over, "over after 12 s: " + lab.exec("app1", "cat", "/var/log/oth-support.log"));
        assertTrue(System.nanoTime() - opened > TimeUnit.SECONDS.toNanos(5), "not before its time (the open itself takes a few of its 12 s)");
        Run status = support("status");
        assertTrue(status.out().contains("Support access is closed."), status::toString);
    }
}
