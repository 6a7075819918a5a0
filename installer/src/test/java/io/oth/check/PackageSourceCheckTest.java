package io.oth.check;

import io.oth.install.InstallPlaybook;
import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** outbound.packages: whether each node can get its role's packages, from the answers a node gives; "offline" with a bundle. */
class PackageSourceCheckTest {
    private final Site site = Sites.lab();
    private final Node storage = Sites.node(site, "storage");

    private List<Finding> seen(Optional<String> offline, String answer) {
        PackageSourceCheck check = new PackageSourceCheck(site, InstallPlaybook.load(), 3, offline);
        List<Probe> probes = check.probes(storage);
        Map<String, Probe.Answer> answers = probes.isEmpty() ? Map.of() : Map.of(probes.get(0).key(), new Probe.Answer(0, answer));
        return check.findings(storage, answers);
    }

    @Test
    void theProbeAsksDpkgForTheRolesPackagesAndAptForItsSourcesAndProxy() {
        String script = new PackageSourceCheck(site, InstallPlaybook.load(), 3, Optional.empty()).probes(storage).get(0).script();
        assertTrue(script.startsWith("installed=\" $(dpkg-query -W -f='${Package} ${db:Status-Status}\\n' nftables cron mariadb-server mariadb-client age curl "
                + "rabbitmq-server 2>/dev/null"), script);
        assertTrue(script.contains("apt-config shell proxy Acquire::http::Proxy"), script);
        assertTrue(script.contains("/etc/apt/sources.list.d/*.sources"), script);
    }

    /**
     * One dpkg-query answers for every package (each run reads dpkg's whole database); what it does
     * not call installed, or does not know, is missing. Run in a real shell with a dpkg-query of the
     * test's own, up to the line that names what is missing (the rest would ask this machine's sources).
     */
    @Test
    void whatDpkgDoesNotCallInstalledIsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path bin) throws Exception {
        java.nio.file.Path dpkg = bin.resolve("dpkg-query");
        java.nio.file.Files.writeString(dpkg, "#!/bin/sh\nprintf 'nftables installed\\ncron installed\\nmariadb-server:amd64 installed\\n"
                + "mariadb-client deinstall\\nage installed\\ncurl installed\\n'\necho 'dpkg-query: no packages found matching rabbitmq-server' >&2\nexit 1\n");
        dpkg.toFile().setExecutable(true);
        String script = new PackageSourceCheck(site, InstallPlaybook.load(), 3, Optional.empty()).probes(storage).get(0).script();
        String upToMissing = script.substring(0, script.indexOf("echo \"missing:$missing\";") + "echo \"missing:$missing\";".length());
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", upToMissing);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertEquals("missing: mariadb-client rabbitmq-server\n", new String(p.getInputStream().readAllBytes()));
        assertEquals(0, p.waitFor());
    }

    @Test
    void noReachableSourceFailsNamingWhatIsMissingAndTheOfflineBundle() {
        Finding f = seen(Optional.empty(), "missing: mariadb-server rabbitmq-server\nfailed http://deb.debian.org/debian via deb.debian.org:http: "
                + "bash: connect: Network is unreachable\n").get(0);
        assertEquals(Verdict.FAIL, f.verdict());
        assertEquals("outbound.packages", f.id());
        assertTrue(f.cause().startsWith("missing mariadb-server rabbitmq-server, and no apt source answers: http://deb.debian.org/debian"), f.cause());
        assertTrue(f.hint().contains("oth install --offline-bundle FILE"), f.hint());
        assertEquals(Verdict.FAIL, seen(Optional.empty(), "missing: cron\n").get(0).verdict());
        assertTrue(seen(Optional.empty(), "missing: cron\n").get(0).cause().endsWith("no apt source is configured"));
    }

    @Test
    void everyPackageInstalledOrASourceReachedIsFine() {
        Finding installed = seen(Optional.empty(), "missing:\n").get(0);
        assertEquals(Verdict.OK, installed.verdict());
        assertEquals("every package of role storage is installed (no source needed)", installed.cause());
        assertEquals(Verdict.OK, seen(Optional.empty(), "missing: cron\nfailed http://a via a:http: refused\nreached http://mirror.example/debian\n")
                .get(0).verdict());
        assertEquals(Verdict.OK, seen(Optional.empty(), "missing: cron\nlocal file:/srv/mirror\n").get(0).verdict());
    }

    @Test
    void withAnOfflineBundleTheSourcesAreNotAskedAndTheFindingSaysOffline() {
        PackageSourceCheck check = new PackageSourceCheck(site, InstallPlaybook.load(), 3, Optional.of("/b/site.tar (manifest sha256 ab12)"));
        assertEquals(List.of(), check.probes(storage));
        Finding f = check.findings(storage, Map.of()).get(0);
        assertEquals(Verdict.OK, f.verdict());
        assertEquals("offline: the packages come from the bundle /b/site.tar (manifest sha256 ab12)", f.cause());
    }
}
