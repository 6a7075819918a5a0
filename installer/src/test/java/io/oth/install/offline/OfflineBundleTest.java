package io.oth.install.offline;

import io.oth.install.Installer;
import io.oth.install.NodeLayout;
import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.RecordingFleet;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import io.oth.install.ReleaseBundle.BundleException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offline bundle: made from a fake archive by the real maker, read back as hostile input, and used against recorded nodes. */
class OfflineBundleTest {
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private OfflineFixture fixture;
    private Path bundle;
    private BundleMaker.Made made;

    @BeforeEach
    void made() throws Exception {
        fixture = new OfflineFixture(dir);
        bundle = dir.resolve("site-offline.tar");
        made = fixture.make(bundle);
    }

    @Test
    void theManifestRoundTrips() throws Exception {
        OfflineManifest parsed = OfflineManifest.parse(made.manifest().render(), "manifest.yml");
        assertEquals(made.manifest(), parsed);
        assertEquals(List.of("haproxy", "nftables", "curl", "socat"), parsed.roles().get("lb").packages());
        assertEquals(List.of("nftables", "cron", "mariadb-server", "mariadb-client", "age", "curl", "rabbitmq-server"), parsed.roles().get("storage").packages());
        assertTrue(parsed.roles().get("app").debs().contains("debs/java-common_0.74_amd64.deb"), "the first alternative a dependency names is packed");
        assertEquals(List.of("release", "traefik", "minio"), parsed.bundles().stream().map(OfflineManifest.BundleFile::kind).toList());
    }

    @Test
    void aValueCannotChangeTheManifestsStructure() throws Exception {
        fixture.deb("socat", "1.0-1", "libc6 \"x\" # roles: {}");
        OfflineManifest m = fixture.make(dir.resolve("other.tar")).manifest();
        assertEquals(m, OfflineManifest.parse(m.render(), "manifest.yml"));
        fixture.deb("socat", "1.0-1", "libc6\nroles: {}");
        DebPackage.InvalidException e = assertThrows(DebPackage.InvalidException.class, () -> fixture.make(dir.resolve("third.tar")));
        assertTrue(e.getMessage().contains("Depends: not one line of printable ASCII"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("third.tar")));
    }

    @Test
    void anArchiveWithoutARolesPackageOrDependencyWritesNothingAndSaysWhich() throws Exception {
        fixture.archive.remove("socat");
        fixture.deb("cron", "3.0", "libc6, lsb-base");
        Path out = dir.resolve("incomplete.tar");
        DebPackage.InvalidException e = assertThrows(DebPackage.InvalidException.class, () -> fixture.make(out));
        assertTrue(e.problems().contains("role lb: no .deb of package socat"), e.problems()::toString);
        assertTrue(e.problems().contains("role storage: no .deb for dependency lsb-base (needed by cron)"), e.problems()::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void aBundleReadsBackWithItsFingerprintAndPrograms() throws Exception {
        OfflineBundle read = OfflineBundle.read(bundle, Optional.of(made.manifestSha256()));
        assertEquals(made.manifestSha256(), read.manifestSha256());
        assertEquals("oth-app", read.release().name());
        assertTrue(read.minio().isPresent());
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(bundle));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(), listing.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no temporary file is left");
        }
        assertEquals(List.of(), read.missing(Map.of("lb", List.of("haproxy"))));
    }

    @Test
    void oneChangedByteOfOneDebIsRefusedNamingItAndNothingReachesANode() throws Exception {
        Path tampered = OfflineFixture.rewrite(bundle, dir.resolve("tampered.tar"), (name, bytes) -> {
            if (name.equals("debs/haproxy_1.0-1_amd64.deb")) {
                bytes[3] ^= 1;
            }
            return bytes;
        }, List.of());
        RecordingFleet fleet = new RecordingFleet(fixture.site);
        Installer.InputException e = assertThrows(Installer.InputException.class,
                () -> Installer.prepare(fixture.site, OfflineFixture.CLOCK, Optional.of(new Installer.Offline(tampered, Optional.empty()))));
        assertTrue(e.getMessage().contains(tampered + ": debs/haproxy_1.0-1_amd64.deb has sha256 "), e.getMessage());
        assertTrue(e.getMessage().contains("a damaged or altered file"), e.getMessage());
        fixture.site.nodes().forEach(n -> assertEquals(List.of(), fleet.host(n.name()).log(), "nothing was run on or uploaded to " + n.name()));
    }

    @Test
    void aDebChangedAfterTheCheckIsNotUploaded() throws Exception {
        OfflineBundle read = OfflineBundle.read(bundle, Optional.empty());
        byte[] all = Files.readAllBytes(bundle);
        byte[] deb = "a .deb of haproxy 1.0-1".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(all, deb);
        all[at] ^= 1;
        Files.write(bundle, all);
        RecordingHost lb = new RecordingHost("lb").answer("offline:dpkg", "libc6\t2.36-9+deb12u4\tinstalled\t\n").answer("offline:debian", "bookworm\namd64");
        Change change = plan(lb, new OfflinePackagesOp("lb", List.of("haproxy"), read)).orElseThrow();
        RemoteException e = assertThrows(RemoteException.class, () -> change.apply(context(lb)));
        assertTrue(e.getMessage().contains("the bundle changed since it was checked"), e.getMessage());
        assertEquals(List.of(), lb.uploads());
    }

    @Test
    void aManifestOtherThanTheOnePrintedIsRefused() {
        BundleException e = assertThrows(BundleException.class, () -> OfflineBundle.read(bundle, Optional.of("0".repeat(64))));
        assertTrue(e.getMessage().contains("not " + "0".repeat(64) + " as given with --manifest-sha256"), e.getMessage());
    }

    @Test
    void aManifestEditedWithoutItsChecksumIsRefused() throws Exception {
        Path edited = OfflineFixture.rewrite(bundle, dir.resolve("edited.tar"), (name, bytes) -> name.equals("manifest.yml")
                ? new String(bytes, StandardCharsets.UTF_8).replace("\"curl\"", "\"wget\"").getBytes(StandardCharsets.UTF_8) : bytes, List.of());
        BundleException e = assertThrows(BundleException.class, () -> OfflineBundle.read(edited, Optional.empty()));
        assertTrue(e.getMessage().contains("manifest.yml.sha256 says"), e.getMessage());
    }

    @Test
    void aBundleWithoutAPackageARoleNeedsIsRefusedNamingPackageAndRole() throws Exception {
        OfflineBundle read = OfflineBundle.read(bundle, Optional.empty());
        List<String> missing = read.missing(Map.of("app", List.of("nftables", "openjdk-17-jre-headless", "oth-probe")));
        assertEquals(List.of(bundle + ": has no package oth-probe for role app"), missing);


        // A bundle whose manifest and checksum were rewritten together, with socat left out of role lb: install's own check refuses it.
        String[] sha = new String[1];
        Path lacking = OfflineFixture.rewrite(bundle, dir.resolve("lacking.tar"), (name, bytes) -> {
            if (name.equals("manifest.yml")) {
                byte[] edited = new String(bytes, StandardCharsets.UTF_8).replace(", \"debs/socat_1.0-1_amd64.deb\"", "").getBytes(StandardCharsets.UTF_8);
                sha[0] = io.oth.op.FileOp.sha256(edited);
                return edited;
            }
            return name.equals("manifest.yml.sha256") ? (sha[0] + "  manifest.yml\n").getBytes(StandardCharsets.UTF_8) : bytes;
        }, List.of());
        Installer.InputException e = assertThrows(Installer.InputException.class,
                () -> Installer.prepare(fixture.site, OfflineFixture.CLOCK, Optional.of(new Installer.Offline(lacking, Optional.empty()))));
        assertEquals(List.of(lacking + ": has no package socat for role lb"), e.problems());
    }

    @Test
    void hostileEntriesAreRefusedNamingTheEntry() throws Exception {
        TarArchiveEntry link = new TarArchiveEntry("debs/evil.deb", TarConstants.LF_SYMLINK);
        link.setLinkName("/etc/shadow");
        assertRefused(List.of(link), "entry \"debs/evil.deb\": a symbolic link to /etc/shadow");
        assertRefused(List.of(file("../../etc/cron.d/oth")), "a \"..\" component");
        assertRefused(List.of(file("/etc/passwd")), "an absolute path");
        assertRefused(List.of(file("notes.txt")), "entry \"notes.txt\": not part of an offline bundle");
        assertRefused(List.of(file("debs/haproxy_1.0-1_amd64.deb")), "a second entry named debs/haproxy_1.0-1_amd64.deb");
        assertRefused(List.of(file("debs/stray_1_amd64.deb")), "debs/stray_1_amd64.deb is in the bundle but not in its manifest");
        TarArchiveEntry setuid = file("debs/x.deb");
        setuid.setMode(04755);
        assertRefused(List.of(setuid), "sets setuid, setgid or sticky bits");
        TarArchiveEntry device = new TarArchiveEntry("debs/mem", TarConstants.LF_CHR);
        assertRefused(List.of(device), "a character device");
    }

    @Test
    void aGzippedOrTruncatedBundleIsRefused() throws Exception {
        Path gz = dir.resolve("bundle.tar.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(bundle));
        }
        assertTrue(assertThrows(BundleException.class, () -> OfflineBundle.read(gz, Optional.empty())).getMessage().contains("gunzip it first"));
        Path cut = dir.resolve("cut.tar");
        byte[] all = Files.readAllBytes(bundle);
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        String message = assertThrows(BundleException.class, () -> OfflineBundle.read(cut, Optional.empty())).getMessage();
        assertTrue(message.contains("not a complete tar") || message.contains("is in the manifest but not in the bundle") || message.contains("no manifest"),
                message);
    }

    @Test
    void aNodeGetsOnlyTheDebsItLacksAndAptInstallsFromThemAlone() throws Exception {
        OfflineBundle read = OfflineBundle.read(bundle, Optional.empty());
        // The app node has libc6 at the bundle's version and nftables; it lacks Java, and java-common is there at another version.
        RecordingHost app = new RecordingHost("app1")
                .answer("offline:dpkg", "libc6:amd64\t2.36-9+deb12u4\tinstalled\t\nnftables\t1.0-1\tinstalled\t\njava-common\t0.73\tinstalled\t\n"
                        + "curl\t7\tconfig-files\t\n")
                .answer("offline:debian", "bookworm\namd64\n");
        OfflinePackagesOp op = new OfflinePackagesOp("app", List.of("nftables", "openjdk-17-jre-headless"), read);
        Change change = plan(app, op).orElseThrow();
        assertTrue(change.summary().startsWith("install packages openjdk-17-jre-headless from the offline bundle: upload 2 .deb(s) the node lacks"),
                change.summary());
        change.apply(context(app));
        String debs = NodeLayout.OFFLINE_PACKAGES + "debs/";
        assertEquals(List.of(
                "upload " + debs + "openjdk-17-jre-headless_17.0.15+6-1~deb12u1_amd64.deb root:root 0644",
                "upload " + debs + "java-common_0.74_amd64.deb root:root 0644",
                "upload " + debs + "Packages root:root 0644",
                "upload " + debs + "Release root:root 0644",
                "upload " + debs + "SHA256SUMS root:root 0644",
                "upload " + NodeLayout.OFFLINE_PACKAGES + "sources.list root:root 0644"), app.uploads());
        assertEquals("deb [trusted=yes] file:" + debs + " ./\n", app.file(NodeLayout.OFFLINE_PACKAGES + "sources.list").orElseThrow().text());
        String index = app.file(debs + "Packages").orElseThrow().text();
        assertTrue(index.contains("Package: openjdk-17-jre-headless\nVersion: 17.0.15+6-1~deb12u1\nArchitecture: amd64\n"
                + "Depends: libc6 (>= 2.34), java-common | default-jre-headless\nFilename: ./openjdk-17-jre-headless_17.0.15+6-1~deb12u1_amd64.deb\n"), index);
        assertFalse(index.contains("Package: libc6"), "libc6 is installed at the bundle's version: neither uploaded nor offered");
        String release = app.file(debs + "Release").orElseThrow().text();
        assertTrue(release.startsWith("Origin: oth\nLabel: oth offline bundle\nDate: Mon, 01 Jun 2026 00:00:00 UTC\nSHA256:\n "
                + io.oth.op.FileOp.sha256(index.getBytes(StandardCharsets.UTF_8)) + " " + index.getBytes(StandardCharsets.UTF_8).length + " Packages\n"), release);
        List<String> commands = app.commands();
        assertTrue(commands.stream().anyMatch(c -> c.contains("sha256sum --check --quiet --strict SHA256SUMS")), commands::toString);
        String install = commands.stream().filter(c -> c.contains("apt-get") && c.contains(" install ")).findFirst().orElseThrow();
        assertTrue(install.contains("Dir::Etc::SourceList=" + NodeLayout.OFFLINE_PACKAGES + "sources.list"), install);
        assertTrue(install.endsWith("install -y --no-install-recommends openjdk-17-jre-headless"), install);
        assertTrue(commands.get(commands.size() - 1).endsWith("rm -rf " + NodeLayout.OFFLINE_PACKAGES), commands::toString);
    }

    @Test
    void aNodeWithEveryPackageIsANoOpAndANodeOfAnotherReleaseIsRefused() throws Exception {
        OfflineBundle read = OfflineBundle.read(bundle, Optional.empty());
        OfflinePackagesOp op = new OfflinePackagesOp("lb", List.of("haproxy", "curl"), read);
        RecordingHost done = new RecordingHost("lb").answer("offline:dpkg", "haproxy\t2.6\tinstalled\t\ncurl\t7.88\tinstalled\t\n");
        assertEquals(Optional.empty(), plan(done, op));

        RecordingHost trixie = new RecordingHost("lb").answer("offline:dpkg", "").answer("offline:debian", "trixie\namd64\n");
        Change refused = plan(trixie, op).orElseThrow();
        RemoteException e = assertThrows(RemoteException.class, () -> refused.apply(context(trixie)));
        assertTrue(e.getMessage().contains("the node runs Debian trixie on amd64, the offline bundle's packages are for bookworm on amd64"), e.getMessage());
        assertEquals(List.of(), trixie.uploads());
    }

    @Test
    void debsStagedByAStoppedRunAreNotUploadedAgain() throws Exception {
        OfflineBundle read = OfflineBundle.read(bundle, Optional.empty());
        DebPackage haproxy = read.debs("lb").stream().filter(d -> d.name().equals("haproxy")).findFirst().orElseThrow();
        RecordingHost lb = new RecordingHost("lb").answer("offline:dpkg", "libc6\t2.36-9+deb12u4\tinstalled\t\n").answer("offline:debian", "bookworm\namd64")
                .answer("offline:staged", haproxy.sha256() + "  " + NodeLayout.OFFLINE_PACKAGES + "debs/" + haproxy.baseName() + "\n");
        Change change = plan(lb, new OfflinePackagesOp("lb", List.of("haproxy"), read)).orElseThrow();
        assertTrue(change.summary().endsWith("upload 0 .deb(s) the node lacks (0 MiB, 1 staged already)"), change.summary());
    }

    private void assertRefused(List<TarArchiveEntry> extra, String expected) throws Exception {
        Path hostile = OfflineFixture.rewrite(bundle, dir.resolve("hostile.tar"), (n, b) -> b, extra);
        BundleException e = assertThrows(BundleException.class, () -> OfflineBundle.read(hostile, Optional.empty()));
        assertTrue(e.getMessage().contains(expected), () -> expected + " in: " + e.getMessage());
    }

    private static TarArchiveEntry file(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(4);
        e.setMode(0644);
        return e;
    }

    private static int indexOf(byte[] all, byte[] part) {
        for (int i = 0; i + part.length <= all.length; i++) {
            if (Arrays.equals(all, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static Optional<Change> plan(RecordingHost host, OfflinePackagesOp op) throws RemoteException {
        return op.plan(Probe.parse(host.run(Command.shell(Probe.script(op.probes())), T).stdout()), Set.of());
    }

    private static ApplyContext context(Host host) {
        return io.oth.op.TestApply.on(host);
    }
}
