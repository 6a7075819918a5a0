package io.oth.install;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An air-gapped site: every node's apt has no source, the playbooks ask the app nodes for a package
 * no host has ({@code oth-offline-probe}, built here with dpkg-deb), and {@code oth install
 * --offline-bundle} installs the site from a bundle {@code oth bundle create} made. The hosts get
 * their own copy-on-write /usr ({@code OTH_LAB_COW_USR=1}), so dpkg on a node changes that node only.
 *
 * <p>apt on the operator side fails while a lab is up (docs/LAB-NOTES: the mirror's address may fall
 * in the lab's routes), so the bundle is made with {@code --debs-from}: the probe package, and for
 * every other package a role needs a stand-in .deb with the name, version and architecture the
 * machine (and so every node, which shares its dpkg database) has installed. A node has those
 * versions already: they are never uploaded, which is what "uploads only what the node lacks" means.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OfflineBundleIT {
    private static final String PROBE = "oth-offline-probe";
    private static final String MARKER = "/usr/share/" + PROBE + "/marker";

    private static Lab lab;
    private static Path playbooks;
    private static Path bundle;
    private static String manifestSha256;
    private static Path probeDeb;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void airGapped(Lab theLab) throws Exception {
        lab = theLab;
        lab.bareNodesWithOwnUsr();
        Path debs = Files.createDirectories(tmp.resolve("debs"));
        probeDeb = buildDeb(PROBE, "1.0", "all", true, debs);
        playbooks = playbooksAsking(PROBE);
        Set<String> packages = new LinkedHashSet<>();
        InstallPlaybook playbook = InstallPlaybook.load();
        playbook.packages().values().forEach(packages::addAll);
        playbook.servicePackages().values().forEach(packages::addAll);
        for (String p : packages) {
            String[] installed = sh("dpkg-query", "-W", "-f=${Version} ${Architecture}", p).split(" ");
            buildDeb(p, installed[0], installed[1], false, debs);
        }

        Run made = launcher(Map.of("OTH_PLAYBOOKS", playbooks.toString()), "bundle", "create", "--site", lab.site().toString(),
                "--out", tmp.resolve("lab-offline.tar").toString(), "--debs-from", debs.toString());
        assertEquals(0, made.code(), made::toString);
        Matcher sha = Pattern.compile("manifest sha256 ([0-9a-f]{64})").matcher(made.out());
        assertTrue(sha.find(), made::toString);
        manifestSha256 = sha.group(1);
        bundle = tmp.resolve("lab-offline.tar");

        for (String node : lab.nodes()) {
            // No package source: an empty sources.list in the node's own (copy-on-write) /etc.
            lab.exec(node, "sh", "-c", "rm -f /etc/apt/sources.list.d/* && : > /etc/apt/sources.list && apt-get -q update");
            assertNotEquals(0, lab.tryExec(node, "apt-get", "install", "-y", "-q", PROBE).exitCode(), node + "'s apt finds no " + PROBE);
        }
    }

    @AfterAll
    static void plainHostsAgain() {
        lab.bareNodes();
    }

    @Test
    @Order(1)
    void aTamperedBundleIsRefusedBeforeAnythingIsUploaded() throws Exception {
        byte[] all = Files.readAllBytes(bundle);
        byte[] deb = Files.readAllBytes(probeDeb);
        int at = indexOf(all, deb) + deb.length / 2;
        all[at] ^= 1;
        Path tampered = Files.write(tmp.resolve("tampered.tar"), all);
        Map<String, String> before = snapshots();

        Run run = launcher(Map.of("OTH_PLAYBOOKS", playbooks.toString()), "install", "--site", lab.site().toString(), "--offline-bundle",
                tampered.toString());
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.out().contains(tampered + ": debs/" + PROBE + "_1.0_all.deb has sha256 "), run::toString);
        assertTrue(run.out().contains("oth: nothing was uploaded"), run::toString);
        assertEquals(before, snapshots(), "no node changed");
    }

    @Test
    @Order(2)
    void theSiteInstallsFromTheBundleAndOnlyTheAppNodesGetTheProbe() throws Exception {
        // app1's package manager is busy when the install starts (as unattended-upgrades often is on a new node): a
        // program holds dpkg's lock as apt does (fcntl) until oth's apt-get has waited for it 2 s (at most 2 min).
        lab.exec("app1", "sh", "-c", "printf '%s\\n' \"$0\" > /tmp/hold-dpkg.py; rm -f /tmp/dpkg-held /tmp/dpkg-waited; setsid -f python3 /tmp/hold-dpkg.py </dev/null >/dev/null 2>&1;"
                + " for i in $(seq 50); do [ -e /tmp/dpkg-held ] && exit 0; sleep 0.1; done; exit 1", String.join("\n",
                "import fcntl, glob, time",
                "lock = open('/var/lib/dpkg/lock-frontend', 'w')",
                "fcntl.lockf(lock, fcntl.LOCK_EX)",
                "open('/tmp/dpkg-held', 'w').close()",
                "def apt_waiting():",
                "    for f in glob.glob('/proc/[0-9]*/cmdline'):",
                "        try:",
                "            if b'DPkg::Lock::' + b'Timeout' in open(f, 'rb').read(): return True",  // not as one word: this shell's own command line has the script
                "        except OSError: pass",
                "    return False",
                "end = time.time() + 120",
                "while not apt_waiting() and time.time() < end: time.sleep(0.2)",
                "if apt_waiting():",
                "    time.sleep(2)",
                "    open('/tmp/dpkg-waited', 'w').close()",
                ""));
        Run run = launcher(Map.of("OTH_PLAYBOOKS", playbooks.toString()), "install", "--site", lab.site().toString(), "--offline-bundle",
                bundle.toString(), "--manifest-sha256", manifestSha256);
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("upload 1 .deb(s) the node lacks"), run::toString);
        assertEquals(0, lab.tryExec("app1", "test", "-e", "/tmp/dpkg-waited").exitCode(), "app1's apt-get waited for the lock another program held");
        for (String node : lab.nodes()) {
            boolean app = node.startsWith("app");
            String status = lab.tryExec(node, "dpkg-query", "-W", "-f=${db:Status-Status}", PROBE).output().strip();
            assertEquals(app, status.equals("installed"), node + ": " + status);
            assertEquals(app ? 0 : 1, lab.tryExec(node, "test", "-f", MARKER).exitCode(), node + ": " + MARKER);
            assertEquals(1, lab.tryExec(node, "test", "-e", NodeLayout.OFFLINE_PACKAGES).exitCode(), node + ": the staged .debs are removed");
        }
        assertFalse(Files.exists(Path.of(MARKER)), "the machine's own /usr is untouched (the nodes' /usr is copy-on-write)");
        assertTrue(lab.exec("inet", "curl", "-sSk", "https://oth.example.test/healthz").contains("\"status\":\"ok\""));
    }

    @Test
    @Order(3)
    void aSecondRunChangesNothing() throws Exception {
        Run check = launcher(Map.of("OTH_PLAYBOOKS", playbooks.toString()), "install", "--check", "--site", lab.site().toString(),
                "--offline-bundle", bundle.toString(), "--manifest-sha256", manifestSha256);
        assertEquals(0, check.code(), check::toString);
        assertTrue(check.out().contains("check: 0 change(s) pending"), check::toString);
    }

    @Test
    @Order(4)
    void thePreflightSaysThePackagesComeFromTheBundle() throws Exception {
        Run doctor = launcher(Map.of("OTH_PLAYBOOKS", playbooks.toString()), "doctor", "--preflight", "--all", "--site", lab.site().toString(),
                "--resolver", "203.0.113.53", "--offline-bundle", bundle.toString());
        assertEquals(0, doctor.code(), doctor::toString);
        assertTrue(Pattern.compile("outbound\\.packages\\s+package sources\\s+offline: the packages come from the bundle").matcher(doctor.out()).find(),
                doctor::toString);
    }

    /** What an upload or install would change on each node: its staging directory, /opt, and dpkg's list. */
    private static Map<String, String> snapshots() {
        Map<String, String> all = new java.util.TreeMap<>();
        for (String node : lab.nodes()) {
            all.put(node, lab.tryExec(node, "sh", "-c", "find /var/lib/oth /opt -xdev -printf '%p %y %s %T@\\n' 2>/dev/null | sort;"
                    + " dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\\n' | md5sum").output());
        }
        return all;
    }

    /** A .deb built with dpkg-deb: the probe carries a file; a stand-in only its name, version and architecture. */
    private static Path buildDeb(String name, String version, String arch, boolean withFile, Path out) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("build").resolve(name).resolve("DEBIAN"));
        Files.writeString(root.resolve("control"), "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch
                + "\nMaintainer: oth tests <tests@oth.invalid>\nDescription: " + (withFile ? "a package no lab host has" : "a stand-in of " + name)
                + " (OfflineBundleIT)\n");
        if (withFile) {
            Path file = root.getParent().resolve(MARKER.substring(1));
            Files.createDirectories(file.getParent());
            Files.writeString(file, "installed from an offline bundle\n");
        }
        Path deb = out.resolve(name + "_" + version.replace(":", "%3a") + "_" + arch + ".deb");
        sh("dpkg-deb", "--root-owner-group", "--build", root.getParent().toString(), deb.toString());
        return deb;
    }

    private static Path playbooksAsking(String extra) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("playbooks"));
        try (Stream<Path> files = Files.list(Lab.repo().resolve("playbooks"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path install = dir.resolve("install.yml");
        String before = Files.readString(install);
        String after = before.replace("  app: [nftables, openjdk-17-jre-headless]", "  app: [nftables, openjdk-17-jre-headless, " + extra + "]");
        assertNotEquals(before, after, "playbooks/install.yml lists the app role's packages as this test expects");
        Files.writeString(install, after);
        return dir;
    }

    private static String sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
        return out.strip();
    }

    private static int indexOf(byte[] all, byte[] part) {
        for (int i = 0; i + part.length <= all.length; i++) {
            if (Arrays.equals(all, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("the .deb is not in the bundle as it is");
    }

    /** oth as installed by the build (the launcher), with {@code env} added; stdout and stderr together in {@link Run#out()}. */
    private static Run launcher(Map<String, String> env, String... args) throws Exception {
        Process p = Lab.launcher(env, args);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "oth " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), output, "");
    }
}
