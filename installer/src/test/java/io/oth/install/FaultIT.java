package io.oth.install;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault suite on the lab: a node that lies, a service left half-started, a run killed halfway,
 * a lossy bastion leg, a bastion that is down, a node cut off in the middle of an install, a
 * transfer that arrives damaged, a node whose /tmp is full, one whose login shell prints a banner
 * and one set up in German.
 * Each test leaves the site installed for the next one.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {
    private static final List<String> NODES = List.of("lb", "app1", "app2", "storage");
    /** What app2's shim answers for SSH_CONNECTION: tabs, so that the probe's cut at the first space keeps the rule whole. */
    private static final String HOSTILE = "10.250.0.1\t}\ttcp\tdport\t0-65535\taccept";
    private static final String DAEMONS = "ps -eo pid=,lstart=,args= | grep -E 'haproxy|traefik|java|mariadbd|beam.smp|minio' | grep -v grep; true";

    /** This class starts from bare nodes, whatever ran before it in the same lab. */
    @BeforeAll
    static void freshLab(Lab lab) {
        lab.bareNodes();
    }

    private static Run install(Lab lab, String... more) {
        List<String> args = new ArrayList<>(List.of("install", "--site", lab.site().toString()));
        args.addAll(List.of(more));
        return Run.oth(args.toArray(String[]::new));
    }

    /** The site installed, as the tests before leave it: installed here when a test runs on its own. */
    private static void installed(Lab lab) {
        if (lab.tryExec("app1", "test", "-f", "/etc/oth-app/app.properties").exitCode() != 0) {
            Run installed = install(lab);
            assertEquals(0, installed.code(), installed::toString);
        }
    }

    private static Run doctor(Lab lab, String... more) {
        List<String> args = new ArrayList<>(List.of("doctor", "--site", lab.site().toString(), "--resolver", "203.0.113.53", "--all"));
        args.addAll(List.of(more));
        return Run.oth(args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void aNodeReportingAHostileSshSourceIsRefusedAndTheOthersAreInstalled(Lab lab) {
        // /usr/local is app2's own and first on root's PATH: an sh there (which oth's sessions start
        // through timeout) runs oth's scripts with the SSH_CONNECTION app2 wants to report.
        String shim = "#!/bin/sh\n# FaultIT: app2 lies about where oth's SSH comes from\n"
                + "SSH_CONNECTION=\"$(printf '" + HOSTILE.replace("\t", "\\t") + "') 22 10.77.0.102 22\"; export SSH_CONNECTION\n"
                + "exec /bin/sh \"$@\"\n";
        lab.exec("app2", "sh", "-c", "echo " + Base64.getEncoder().encodeToString(shim.getBytes(StandardCharsets.UTF_8))
                + " | base64 -d > /usr/local/bin/sh; chmod 755 /usr/local/bin/sh");
        assertEquals(HOSTILE + " 22 10.77.0.102 22", lab.exec("app2", "/usr/local/bin/sh", "-c", "printf '%s' \"$SSH_CONNECTION\""), "the shim answers");
        try {
            Run run = install(lab);
            assertEquals(ExitCode.FAILED.code(), run.code(), run::toString);
            assertTrue(run.out().contains("[app2] failed reading facts: app2: facts: SSH source address \"10.250.0.1\\t}\\ttcp\\tdport"
                    + "\\t0-65535\\taccept\" is not an IP address"), run::toString);
            assertTrue(run.out().contains(", 1 host(s) failed"), run::toString);
            for (String node : List.of("lb", "app1", "storage")) {
                assertFalse(run.out().contains("[" + node + "] FAILED"), () -> node + " must finish\n" + run);
            }
            for (String node : NODES) {
                String file = lab.exec(node, "sh", "-c", "cat /etc/nftables.conf 2>/dev/null; true");
                String live = lab.exec(node, "nft", "list", "ruleset");
                assertFalse(file.contains("10.250.0.1") || file.contains("0-65535"), () -> node + "'s /etc/nftables.conf:\n" + file);
                assertFalse(live.contains("10.250.0.1") || live.contains("0-65535"), () -> node + "'s live ruleset:\n" + live);
            }
            assertTrue(lab.exec("storage", "cat", "/etc/nftables.conf").contains("ip saddr { 10.77.0.10, 10.77.0.2 } tcp dport 22 accept"),
                    "storage got its ruleset, with only its own SSH source");
            assertFalse(lab.exec("app2", "sh", "-c", "cat /etc/nftables.conf 2>/dev/null; true").contains("Managed by oth"), "nothing was rendered for app2");
            // haproxy takes app2 out once its health checks fail; until then a request may land there
            assertEquals(0, lab.tryExec("inet", "sh", "-c", "for i in $(seq 30); do curl -sSk --max-time 5 https://oth.example.test/healthz"
                    + " | grep -q '\"status\":\"ok\"' && exit 0; sleep 1; done; exit 1").exitCode(), "the site serves from app1");
        } finally {
            lab.exec("app2", "rm", "-f", "/usr/local/bin/sh");
        }
        Run again = install(lab);
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains(", 0 host(s) failed"), again::toString);
    }

    @Test
    @Order(2)
    void aNoOpInstallRestartsNoServiceAndTouchesNoFile(Lab lab) throws InterruptedException {
        // The install before this one may have written files in its last second: the mark comes after them.
        Thread.sleep(1_100);
        Map<String, String> before = new LinkedHashMap<>();
        for (String node : NODES) {
            before.put(node, lab.exec(node, "sh", "-c", DAEMONS));
            lab.exec(node, "touch", "/tmp/faultit.mark");
        }
        assertTrue(before.get("lb").contains("haproxy") && before.get("storage").contains("mariadbd") && before.get("storage").contains("beam.smp")
                && before.get("app1").contains("traefik"), before::toString);
        Run run = install(lab);
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("install: 0 change(s) made, 0 host(s) failed"), run::toString);
        for (String node : NODES) {
            assertEquals(before.get(node), lab.exec(node, "sh", "-c", DAEMONS), node + ": a daemon was restarted (start times differ)");
            String touched = lab.exec(node, "find", "/etc", "/opt", "/usr/local", "/var/lib/oth", "-xdev", "-newer", "/tmp/faultit.mark", "-print");
            assertEquals("", touched.strip(), node + ": files changed by a no-op install");
        }
    }

    @Test
    @Order(3)
    void aHalfStartedRabbitmqIsNamedRepairedAndStarted(Lab lab) {
        // What two starts at once left: the service stopped for its init script, yet an orphaned
        // `rabbitmqctl wait` VM of the rabbitmq user still running, and a pid file of a process long gone.
        lab.exec("storage", "sh", "-c", "service rabbitmq-server stop >/dev/null 2>&1; true");
        lab.exec("storage", "sh", "-c", "setsid -f rabbitmqctl wait --timeout 600 /var/run/rabbitmq/pid.orphan </dev/null >/dev/null 2>&1;"
                + " for i in $(seq 60); do pgrep -u rabbitmq -x beam.smp >/dev/null && break; sleep 0.5; done");
        lab.exec("storage", "sh", "-c", "install -d -o rabbitmq -g rabbitmq -m 0755 /var/run/rabbitmq; echo 4000000 > /var/run/rabbitmq/pid");
        String dummy = lab.exec("storage", "pgrep", "-u", "rabbitmq", "-x", "beam.smp").strip();
        assertNotEquals(0, lab.tryExec("storage", "service", "rabbitmq-server", "status").exitCode(), "the init script says it is not running");

        Run run = install(lab);
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("[storage] rabbitmq-server is not running but an earlier start left it half-started: stop "), run::toString);
        assertTrue(run.out().contains("beam.smp " + dummy.lines().findFirst().orElseThrow()), run::toString);
        assertTrue(run.out().contains("remove the stale pid file /var/run/rabbitmq/pid"), run::toString);
        assertTrue(run.out().contains("[storage] start rabbitmq-server"), run::toString);
        assertEquals(0, lab.tryExec("storage", "service", "rabbitmq-server", "status").exitCode(), "RabbitMQ runs");
        for (String pid : dummy.lines().toList()) {
            assertNotEquals(0, lab.tryExec("storage", "kill", "-0", pid).exitCode(), "the leftover VM " + pid + " is gone");
        }
    }

    @Test
    @Order(4)
    void aKilledRunLeavesNoTemporaryFilesOnceTheNextRunIsDone(Lab lab) throws Exception {
        lab.exec("lb", "sh", "-c", "echo '# a hand edit' >> /etc/haproxy/haproxy.cfg");
        for (int i = 1; i <= lab.apps(); i++) {
            lab.exec("app" + i, "sh", "-c", "echo '# a hand edit' >> /etc/nftables.conf");
        }
        Process oth = launcher("install", "--site", lab.site().toString());
        List<String> seen = new ArrayList<>();
        boolean killed = false;
        List<ProcessHandle> jvms = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(oth.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (!killed && (line = out.readLine()) != null) {
                seen.add(line);
                if (line.startsWith("[lb] write /etc/haproxy/haproxy.cfg")) {
                    jvms.addAll(oth.descendants().toList());
                    jvms.forEach(ProcessHandle::destroyForcibly);
                    oth.destroyForcibly();
                    killed = true;
                }
            }
        }
        assertTrue(oth.waitFor(30, TimeUnit.SECONDS));
        // A signal is delivered, not obeyed at once: the next run starts once the killed JVM is gone (and its lock of the site).
        for (ProcessHandle jvm : jvms) {
            jvm.onExit().get(30, TimeUnit.SECONDS);
        }
        assertTrue(killed, () -> "killed while the lb wrote haproxy.cfg\n" + String.join("\n", seen));
        // What a SIGKILL in the middle of an upload and of the broker's account step leaves, if the timing had hit it.
        lab.exec("lb", "touch", "/etc/haproxy/haproxy.cfg.oth-tmp.0000deadbeef.AbC123");
        lab.exec("storage", "touch", "/tmp/oth-definitions.oth-tmp.0000deadbeef.XyZ987");
        // And what it leaves when it dies between loading a ruleset and confirming it: the node's revert still armed.
        lab.exec("app1", "touch", "/run/oth-firewall.00000000deadbeef.pending", "/etc/nftables.conf.oth-pending.00000000deadbeef");

        Run again = install(lab);
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains("[lb] removed a temporary file of an earlier, killed run: \"/etc/haproxy/haproxy.cfg.oth-tmp.0000deadbeef.AbC123\""),
                again::toString);
        assertTrue(again.out().contains("[storage] removed a temporary file of an earlier, killed run: \"/tmp/oth-definitions.oth-tmp.0000deadbeef.XyZ987\""),
                again::toString);
        // The killed run's revert is taken back (left armed, it would restore the ruleset from before that run over this one's).
        assertTrue(again.out().contains("[app1] take back the firewall revert of an earlier run that ended before confirming its ruleset (run "), again::toString);
        assertTrue(again.out().contains("00000000deadbeef"), again::toString);
        for (String node : NODES) {
            String left = lab.exec(node, "find", "/etc", "/opt", "/usr/local", "/var", "/tmp", "/run", "/root", "-xdev", "(", "-name", "*.oth-tmp.*",
                    "-o", "-name", "*.oth-pending*", "-o", "-name", "oth-firewall.*.pending*", ")", "-print");
            assertEquals("", left.strip(), node + ": temporary files left");
        }
        assertFalse(lab.exec("lb", "cat", "/etc/haproxy/haproxy.cfg").contains("# a hand edit"));
    }

    @Test
    @Order(5)
    void tenPercentPacketLossOnTheBastionsPrivateLegSlowsInstallAndDoctorButBothComplete(Lab lab) {
        Run baseline = doctor(lab);
        lab.exec("bastion", "sh", "-c", "nft add table inet faultit_loss;"
                + " nft add chain inet faultit_loss in '{ type filter hook input priority -300; }';"
                + " nft add chain inet faultit_loss out '{ type filter hook output priority -300; }';"
                + " nft add rule inet faultit_loss in iifname eth1 numgen random mod 10 0 drop;"
                + " nft add rule inet faultit_loss out oifname eth1 numgen random mod 10 0 drop");
        try {
            lab.exec("lb", "sh", "-c", "echo '# a hand edit' >> /etc/haproxy/haproxy.cfg");
            Run run = install(lab);
            assertEquals(0, run.code(), run::toString);
            assertTrue(run.out().contains("[lb] write /etc/haproxy/haproxy.cfg"), run::toString);
            Run checked = doctor(lab);
            assertEquals(baseline.code(), checked.code(), () -> "baseline:\n" + baseline + "\nwith loss:\n" + checked);
            String counted = lab.exec("bastion", "nft", "list", "table", "inet", "faultit_loss");
            assertTrue(counted.contains("numgen random mod 10"), counted);
        } finally {
            lab.exec("bastion", "nft", "delete", "table", "inet", "faultit_loss");
        }
    }

    @Test
    @Order(6)
    void aBastionThatIsDownIsAClearErrorWithinTenSeconds(Lab lab) {
        lab.exec("bastion", "service", "ssh", "stop");
        try {
            long start = System.nanoTime();
            Run run = install(lab);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
            assertTrue(run.toString().contains("bastion refused the connection"), run::toString);
            assertTrue(seconds <= 10, "came back after " + seconds + " s");
        } finally {
            lab.exec("bastion", "service", "ssh", "start");
        }
        lab.exec("bastion", "sh", "-c", "nft add table inet faultit_down; nft add chain inet faultit_down in '{ type filter hook input priority -300; }';"
                + " nft add rule inet faultit_down in iifname eth0 tcp dport 22 drop");
        try {
            long start = System.nanoTime();
            Run run = Run.oth("nodes", "--site", lab.site().toString(), "--timeout", "5");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
            assertTrue(run.toString().contains("bastion did not answer in time"), run::toString);
            assertTrue(seconds <= 10, "came back after " + seconds + " s");
        } finally {
            lab.exec("bastion", "nft", "delete", "table", "inet", "faultit_down");
        }
    }

    @Test
    @Order(7)
    void aNodeCutOffMidInstallRevertsItsFirewallByItselfWhileTheOthersFinish(Lab lab) throws Exception {
        // app2 gets work in an early phase (its hosts block), a traefik restart, and a firewall change at the end.
        lab.exec("app2", "sh", "-c", "sed -i '/# BEGIN oth site/,/# END oth site/d' /etc/hosts; echo '# a hand edit' >> /etc/traefik/traefik.yml;"
                + " echo '# a hand edit' >> /etc/nftables.conf");
        lab.exec("app1", "sh", "-c", "echo '# a hand edit' >> /etc/nftables.conf");
        String cut = "nft add table inet faultit_cut; nft add chain inet faultit_cut out '{ type filter hook output priority 0; }';"
                + " nft add rule inet faultit_cut out ip daddr 10.77.0.102 tcp dport 22 'tcp flags & (syn | ack) == syn' drop";
        Process oth = launcher("install", "--site", lab.site().toString(), "--firewall-revert", "10");
        List<String> seen = new ArrayList<>();
        try {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(oth.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean isCut = false;
                while ((line = out.readLine()) != null) {
                    seen.add(line);
                    if (!isCut && line.startsWith("[app2] == Name resolution")) {
                        // From here on the bastion lets no new connection reach app2; the one oth holds goes on. Only
                        // connection attempts (SYN) are dropped: "ct state new" would also match the held connection's
                        // packets when the bastion's namespace had no conntrack before this rule and picks it up mid-stream.
                        lab.exec("bastion", "sh", "-c", cut);
                        isCut = true;
                    }
                }
            }
            assertTrue(oth.waitFor(300, TimeUnit.SECONDS));
            String output = String.join("\n", seen);
            assertEquals(ExitCode.FAILED.code(), oth.exitValue(), output);
            assertTrue(output.contains("[app2] FAILED in firewall: app2: the new firewall ruleset would lock oth out and was reverted:"
                    + " a fresh SSH connection failed under the new ruleset"), output);
            assertTrue(output.contains("the node restored its previous ruleset and /etc/nftables.conf is unchanged"), output);
            assertTrue(output.contains(", 1 host(s) failed"), output);
            for (String node : List.of("lb", "app1", "storage")) {
                assertFalse(output.contains("[" + node + "] FAILED"), () -> node + " must finish\n" + output);
            }
            assertFalse(lab.exec("app1", "cat", "/etc/nftables.conf").contains("# a hand edit"), "app1's firewall was applied");
            assertTrue(lab.exec("app2", "cat", "/var/lib/oth/firewall/revert.log").contains(": reverted an unconfirmed ruleset: ok"));
            assertTrue(lab.exec("app2", "cat", "/etc/nftables.conf").contains("# a hand edit"), "app2's ruleset file is unchanged");

            Run doctor = doctor(lab, "--only", "reach");
            assertEquals(ExitCode.FAILED.code(), doctor.code(), doctor::toString);
            assertTrue(doctor.out().matches("(?s).*✗ reach\\.node\\s+app2\\s+app2: did not answer the bastion in time.*"), doctor::toString);
        } finally {
            oth.destroyForcibly();
            lab.exec("bastion", "sh", "-c", "nft delete table inet faultit_cut 2>/dev/null; true");
        }
        Run again = install(lab);
        assertEquals(0, again.code(), again::toString);
        assertFalse(lab.exec("app2", "cat", "/etc/nftables.conf").contains("# a hand edit"));
    }

    @Test
    @Order(8)
    void aTransferThatArrivesDamagedIsSentAgainAndNeverReplacesAFile(Lab lab) {
        // A head in app1's /usr/local/bin drops the last byte of whatever oth streams into a temporary file (an upload reads
        // each file's bytes with head -c SIZE), as many times as /tmp/faultit.damage says ("always": every time). It still
        // reads all of the file's bytes, so that the files after it in the same session arrive as sent.
        String shim = "#!/bin/sh\n# FaultIT: app1's transfers arrive one byte short\n"
                + "case $(readlink /proc/$$/fd/1) in *.oth-tmp.*)\n"
                + "  n=$(/usr/bin/cat /tmp/faultit.damage 2>/dev/null || echo 0)\n"
                + "  if [ \"$n\" != 0 ] && [ \"$1\" = -c ]; then [ \"$n\" = always ] || echo $((n - 1)) > /tmp/faultit.damage;"
                + " /usr/bin/head -c \"$2\" | /usr/bin/head -c -1; exit 0; fi ;;\n"
                + "esac\nexec /usr/bin/head \"$@\"\n";
        String properties = "/etc/oth-app/app.properties";
        installed(lab);
        lab.exec("app1", "sh", "-c", "echo " + Base64.getEncoder().encodeToString(shim.getBytes(StandardCharsets.UTF_8))
                + " | base64 -d > /usr/local/bin/head; chmod 755 /usr/local/bin/head");
        try {
            lab.exec("app1", "sh", "-c", "echo 1 > /tmp/faultit.damage; echo '# a hand edit' >> " + properties);
            Run once = install(lab);
            assertEquals(0, once.code(), once::toString);
            assertEquals("0", lab.exec("app1", "/usr/bin/cat", "/tmp/faultit.damage").strip(), "the damaged transfer happened");
            assertFalse(lab.exec("app1", "/usr/bin/cat", properties).contains("# a hand edit"), "the second transfer replaced the file");

            lab.exec("app1", "sh", "-c", "echo always > /tmp/faultit.damage; echo '# a hand edit' >> " + properties);
            Run always = install(lab);
            assertEquals(ExitCode.FAILED.code(), always.code(), always::toString);
            assertTrue(always.out().matches("(?s).*\\[app1] FAILED in application: app1: .*upload to " + properties
                    + " arrived damaged 2 times \\(\\d+ of \\d+ bytes arrived, sha256 [0-9a-f]{64}, not [0-9a-f]{64}\\); the file was left as it was.*"),
                    always::toString);
            assertTrue(lab.exec("app1", "/usr/bin/cat", properties).contains("# a hand edit"), "a damaged transfer replaced nothing");
            assertEquals("", lab.exec("app1", "find", "/etc/oth-app", "-name", "*.oth-tmp.*").strip(), "and left no temporary file");
        } finally {
            lab.exec("app1", "rm", "-f", "/usr/local/bin/head", "/tmp/faultit.damage");
        }
        Run again = install(lab);
        assertEquals(0, again.code(), again::toString);
        assertFalse(lab.exec("app1", "cat", properties).contains("# a hand edit"));
    }

    @Test
    @Order(9)
    void aNodeWhoseTmpIsFullIsStillProbedAndNothingLandsInItsRoot(Lab lab) {
        // /tmp with no inode left: mktemp -d fails there, as on a node whose disk is full. The probe
        // scripts take /dev/shm or /run instead; "$_oth_d/0" must never become "/0", nor cat "$_oth_d"/* print "/"*.
        installed(lab);
        lab.exec("app1", "sh", "-c", "mount -t tmpfs -o size=64k,nr_inodes=2 oth-test-full /tmp && { : > /tmp/fill; true; } && ! mktemp -d 2>/dev/null");
        try {
            Run again = install(lab);
            assertEquals(0, again.code(), again::toString);
            assertTrue(again.out().contains("install: 0 change(s) made"), again::toString);
            Run seen = doctor(lab, "--only", "ports,posture,certs", "--node", "app1");
            assertTrue(seen.code() == 0 || seen.code() == ExitCode.WARNINGS.code(), seen::toString);
            assertFalse(seen.out().contains("not tried"), seen::toString);
            assertEquals("", lab.exec("app1", "find", "/", "-maxdepth", "1", "(", "-name", "[0-9]*", "-o", "-name", "tcp*", "-o", "-name", ".tcp*",
                    "-o", "-name", ".stat", "-o", "-name", ".sums", "-o", "-name", "files", ")").strip(), "nothing written in the node's root");
        } finally {
            lab.exec("app1", "umount", "/tmp");
        }
    }

    @Test
    @Order(10)
    void aLoginShellThatPrintsABannerIsLeftOutOfEveryAnswer(Lab lab) {
        // bash reads ~/.bashrc for the commands sshd gives it, and for a bash started below them that
        // still sees SSH_CLIENT: a legal banner there comes before every command's output.
        installed(lab);
        String bashrc = "/root/.bashrc";
        lab.exec("app1", "sh", "-c", "cp -p " + bashrc + " " + bashrc + ".faultit 2>/dev/null || : > " + bashrc + ".faultit-none;"
                + " echo 'echo \"Authorized use only\"; echo \"banner on stderr\" >&2' >> " + bashrc);
        try {
            Run nodes = Run.oth("nodes", "--site", lab.site().toString());
            assertEquals(0, nodes.code(), nodes::toString);
            assertTrue(nodes.out().lines().anyMatch(l -> l.matches("app1 +app +10\\.77\\.0\\.101 +app1 +Debian.*ok")), nodes::toString);
            Run again = install(lab);
            assertEquals(0, again.code(), again::toString);
            assertTrue(again.out().contains("install: 0 change(s) made"), again::toString);
            Run seen = doctor(lab, "--node", "app1");
            assertFalse(seen.out().contains("✗"), seen::toString);
            assertFalse(seen.out().contains("Authorized use only"), seen::toString);
        } finally {
            lab.exec("app1", "sh", "-c", "if [ -e " + bashrc + ".faultit-none ]; then rm -f " + bashrc + " " + bashrc + ".faultit-none;"
                    + " else mv -f " + bashrc + ".faultit " + bashrc + "; fi");
        }
    }

    @Test
    @Order(11)
    void aNodeSetUpInAnotherLanguageIsStillReadAsOthReadsEveryNode(Lab lab) {
        // A German node: sshd gives its sessions LANG=de_DE.UTF-8 (the locale compiled under /var/lib,
        // LOCPATH, so that the machine's own locales stay as they are). bash then says
        // "Verbindungsaufbau abgelehnt" where oth reads "Connection refused".
        installed(lab);
        String locales = "/var/lib/oth-test-locale";
        String setEnv = "/etc/ssh/sshd_config.d/zz-oth-test-locale.conf";
        String reload = "kill -HUP $(cat /run/sshd.pid) && sleep 0.5";
        lab.exec("app1", "sh", "-c", "mkdir -p " + locales + " && localedef -i de_DE -f UTF-8 " + locales + "/de_DE.UTF-8 && echo 'SetEnv LANG=de_DE.UTF-8 LOCPATH="
                + locales + "' > " + setEnv + " && " + reload);
        assertTrue(lab.tryExec("app1", "sh", "-c", "LANG=de_DE.UTF-8 LOCPATH=" + locales + " bash --norc -c 'exec 3<>/dev/tcp/127.0.0.1/1'")
                .output().contains("Verbindungsaufbau abgelehnt"), "the node speaks German");
        lab.lab("endpoint", "down", "twilio", "refused");
        try {
            Run seen = doctor(lab, "--only", "outbound", "--node", "app1");
            assertTrue(seen.out().lines().anyMatch(l -> l.matches(".*outbound\\.sms .*api\\.twilio\\.com:443 +connection refused")), seen::toString);
            assertTrue(seen.out().contains("hint: nothing listens on api.twilio.com:443"), seen::toString);
            Run again = install(lab);
            assertEquals(0, again.code(), again::toString);
            assertTrue(again.out().contains("install: 0 change(s) made"), again::toString);
        } finally {
            lab.lab("endpoint", "up", "all");
            lab.exec("app1", "sh", "-c", "rm -rf " + setEnv + " " + locales + " && " + reload);
        }
    }

    /** oth as a person starts it, in its own JVM (no class-data archive, so a kill reaches the JVM itself). */
    private static Process launcher(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString())));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("OTH_CDS", "off");
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }
}
