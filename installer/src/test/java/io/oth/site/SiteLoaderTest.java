package io.oth.site;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SiteLoaderTest {
    @TempDir
    Path dir;

    @Test
    void fullFileKeepsEverySettingAndResolvesPathsAgainstItsDirectory() throws Exception {
        Site site = SiteLoader.load(SiteFixtures.stage("good/full.yml", dir));

        assertEquals(dir.resolve("site.yml"), site.file());
        assertEquals("lab-1", site.name());
        assertEquals("oth.example.test", site.fqdn());
        assertEquals(Optional.of(new SshEndpoint("jump.example.test", 2222, "jump", dir.resolve("id_bastion"))), site.bastion());
        assertEquals(Optional.of(dir.resolve("known_hosts")), site.knownHosts());
        assertEquals(List.of(
                new Node("lb", "lb", "10.77.0.2", Optional.of("203.0.113.20"), new SshEndpoint("10.77.0.2", 22, "root", dir.resolve("id_lb"))),
                new Node("app1", "app", "10.77.0.101", Optional.empty(), new SshEndpoint("10.77.0.101", 2200, "oth", dir.resolve("id_test"))),
                new Node("app2", "app", "fd00:77::102", Optional.empty(), new SshEndpoint("fd00:77::102", 2200, "oth", dir.resolve("id_test"))),
                new Node("storage", "storage", "10.77.0.20", Optional.empty(), new SshEndpoint("10.77.0.20", 2200, "oth", dir.resolve("id_test")))),
                site.nodes());
        assertEquals(Set.of("android_push", "ios_push", "sms", "video"), site.features());
        assertEquals(new Storage(
                new Storage.Service(Optional.of(new Storage.External("db.example.com", 3306, "othdb"))),
                new Storage.Service(Optional.empty()),
                new Storage.ObjectStore(Optional.of(new Storage.S3("https://s3.eu-west-1.amazonaws.com", "eu-west-1", "oth-lab", "AKIAOTHLAB"))), true),
                site.storage());
        assertEquals(Optional.of(dir.resolve("bundle.pem")), site.certificateBundle());
        assertEquals(List.of("198.51.100.0/24", "2001:db8::/32"), site.supportAddresses());
        assertEquals(30, site.credentialsMaxAgeDays());
        List<String> lines = Files.readAllLines(dir.resolve("site.yml"));
        int first = lines.indexOf("  - check: posture.listen") + 1;
        int second = lines.indexOf("  - {check: outbound.video, reason: video is rolled out next quarter}") + 1;
        assertEquals(List.of(
                new Waiver("posture.listen", Optional.of("storage"), Optional.of("*:9100"),
                        "the node exporter; monitoring scrapes it through the firewall's own rules", Optional.of(java.time.LocalDate.of(2027, 3, 31)),
                        dir.resolve("site.yml") + ":" + first),
                new Waiver("outbound.video", Optional.empty(), Optional.empty(), "video is rolled out next quarter", Optional.empty(),
                        dir.resolve("site.yml") + ":" + second)), site.waivers());
    }

    @Test
    void aWaiverCoversItsCheckFromItsVantagePointAndMatchesTargetsWithStars() {
        Waiver w = new Waiver("posture.listen", Optional.of("storage"), Optional.of("*:9100"), "exporter", Optional.of(java.time.LocalDate.of(2027, 3, 31)), "x");
        assertEquals(true, w.covers("posture.listen", "storage", "0.0.0.0:9100"));
        assertEquals(false, w.covers("posture.listen", "app1", "0.0.0.0:9100"));
        assertEquals(false, w.covers("posture.listen", "storage", "0.0.0.0:91000"));
        assertEquals(false, w.covers("posture.firewall", "storage", "0.0.0.0:9100"));
        assertEquals(false, w.expired(java.time.LocalDate.of(2027, 3, 31)));
        assertEquals(true, w.expired(java.time.LocalDate.of(2027, 4, 1)));
    }

    @Test
    void minimalFileGetsTheDocumentedDefaults() throws Exception {
        Site site = SiteLoader.load(SiteFixtures.stage("good/minimal.yml", dir));

        assertEquals("oth", site.name());
        assertEquals(90, site.credentialsMaxAgeDays(), "credentials.max_age_days defaults to 90");
        assertEquals(Optional.empty(), site.bastion());
        assertEquals(Optional.empty(), site.knownHosts());
        assertEquals(new SshEndpoint("10.77.0.101", Optional.empty(), Optional.empty(), Optional.of(dir.resolve("id_test"))),
                site.node("app1").orElseThrow().ssh(), "port and user are left to ssh_config, then to oth's defaults");
        assertEquals("root@10.77.0.101", site.node("app1").orElseThrow().ssh().toString());
        assertEquals(Set.of(), site.features());
        assertEquals(new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()),
                new Storage.ObjectStore(Optional.empty()), false), site.storage());
        assertEquals(Optional.empty(), site.certificateBundle());
        assertEquals(Playbooks.load().supportAddresses(), site.supportAddresses());
    }

    @Test
    void bastionPortDefaultsTo22NotToTheNodesPort() throws Exception {
        Path site = write("""
                fqdn: oth.example.test
                bastion: {address: 203.0.113.10}
                ssh: {key: ./id_test, port: 2200, user: oth}
                nodes:
                  - {name: lb, role: lb, address: 10.77.0.2, public_address: 203.0.113.20}
                  - {name: app1, role: app, address: 10.77.0.101}
                  - {name: storage, role: storage, address: 10.77.0.20}
                """);

        assertEquals(Optional.of(new SshEndpoint("203.0.113.10", Optional.empty(), Optional.of("oth"), Optional.of(dir.resolve("id_test")))),
                SiteLoader.load(site).bastion());
    }

    @Test
    void tildeIsTheHomeDirectory() throws Exception {
        Path site = write("""
                fqdn: oth.example.test
                ssh: {key: ~/.oth-test-no-such-key}
                nodes:
                  - {name: lb, role: lb, address: 10.77.0.2, public_address: 203.0.113.20}
                  - {name: app1, role: app, address: 10.77.0.101}
                  - {name: storage, role: storage, address: 10.77.0.20}
                """);

        SiteException thrown = assertThrows(SiteException.class, () -> SiteLoader.load(site));

        Path home = Path.of(System.getProperty("user.home"));
        assertEquals(List.of(site + ":2:12: ssh.key: " + home.resolve(".oth-test-no-such-key") + " does not exist (expected a private key file)"),
                thrown.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void aMissingFileIsOneProblemAboutTheWholeFile() {
        Path missing = dir.resolve("nowhere.yml");

        SiteException thrown = assertThrows(SiteException.class, () -> SiteLoader.load(missing));

        assertEquals(List.of(new Problem(missing, 0, 0, "", "does not exist (expected a site file)")), thrown.problems());
        assertEquals(missing + ": does not exist (expected a site file)", thrown.problems().get(0).toString());
    }

    @Test
    void aDirectoryIsNotASiteFile() {
        SiteException thrown = assertThrows(SiteException.class, () -> SiteLoader.load(dir));

        assertEquals(List.of(dir + ": is a directory (expected a site file)"), thrown.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void textThatIsNotUtf8IsReportedNotThrown() throws IOException {
        Path site = dir.resolve("site.yml");
        Files.write(site, new byte[] {'f', 'q', 'd', 'n', ':', ' ', (byte) 0xff, '\n'});

        SiteException thrown = assertThrows(SiteException.class, () -> SiteLoader.load(site));

        assertEquals(List.of(site + ": is not UTF-8 text (expected a site file)"), thrown.problems().stream().map(Problem::toString).toList());
    }

    private static final String KEYLESS = """
            fqdn: oth.example.test
            bastion: {address: jump}
            nodes:
              - {name: lb, role: lb, address: 10.77.0.2, public_address: 203.0.113.20}
              - {name: app1, role: app, address: 10.77.0.101}
              - {name: storage, role: storage, address: 10.77.0.20}
            """;

    @Test
    void aSiteWithoutKeysLogsInWithSshAgentWhenOneRuns() throws Exception {
        Path site = write(KEYLESS);
        Path socket = Files.createFile(dir.resolve("agent.sock"));

        Site loaded = SiteLoader.load(site, KeySources.of(io.oth.sshconfig.SshConfig.NONE, socket.toString()));

        assertEquals(Optional.of(new SshEndpoint("jump", Optional.empty(), Optional.empty(), Optional.empty())), loaded.bastion());
        assertEquals(Optional.empty(), loaded.node("app1").orElseThrow().ssh().key());
    }

    @Test
    void withoutAnAgentAKeyFromSshConfigServesAndTheRestAreNamedWithEveryWayToGiveOne() throws Exception {
        Path site = write(KEYLESS);
        Files.createDirectories(dir.resolve(".ssh"));
        Path config = Files.writeString(dir.resolve(".ssh/config"), "Host jump 10.77.0.2\n  IdentityFile " + dir.resolve("id_test") + "\n");
        KeySources sources = KeySources.of(io.oth.sshconfig.SshConfig.read(config, dir), dir.resolve("no-agent").toString());

        SiteException thrown = assertThrows(SiteException.class, () -> SiteLoader.load(site, sources));

        String expected = "missing (expected a private key file, here or as ssh.key, or ssh-agent holding the key (SSH_AUTH_SOCK names "
                + dir.resolve("no-agent") + ", which does not exist), or an IdentityFile for the host in " + config + ")";
        assertEquals(List.of(site + ":5:5: nodes[1].key: " + expected, site + ":6:5: nodes[2].key: " + expected),
                thrown.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void bastionJumpHostsKeepTheirOrderAndTakeTheDefaultsOfTheBastion() throws Exception {
        Path site = write("""
                fqdn: oth.example.test
                bastion:
                  address: 203.0.113.10
                  jump:
                    - {address: j1.example.test, user: ops, port: 2201}
                    - {address: 198.51.100.7, key: ./id_lb}
                ssh: {key: ./id_test, port: 2200}
                nodes:
                  - {name: lb, role: lb, address: 10.77.0.2, public_address: 203.0.113.20}
                  - {name: app1, role: app, address: 10.77.0.101}
                  - {name: storage, role: storage, address: 10.77.0.20}
                """);

        Site loaded = SiteLoader.load(site);

        assertEquals(List.of(
                new SshEndpoint("j1.example.test", Optional.of(2201), Optional.of("ops"), Optional.of(dir.resolve("id_test"))),
                new SshEndpoint("198.51.100.7", Optional.empty(), Optional.empty(), Optional.of(dir.resolve("id_lb")))), loaded.jumps());
        assertEquals(Optional.of(new SshEndpoint("203.0.113.10", Optional.empty(), Optional.empty(), Optional.of(dir.resolve("id_test")))),
                loaded.bastion());
    }

    private Path write(String text) throws IOException {
        Path site = SiteFixtures.stage("good/minimal.yml", dir);
        Files.writeString(site, text);
        return site;
    }
}
