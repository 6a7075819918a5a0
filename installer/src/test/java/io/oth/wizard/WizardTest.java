package io.oth.wizard;

import io.oth.cert.TestBundles;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static io.oth.wizard.Scripted.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interactive setup driven through a JLine terminal on streams. */
class WizardTest extends WizardFixture {
    /** The answers of a site with a bastion, lb, one app node and local storage; {@code storage} answers the three storage questions. */
    private String happyAnswers(String... storage) {
        List<String> lines = new ArrayList<>(List.of(
                "oth.example.test", "", "203.0.113.10", "", "", key.toString(), "", "", "",
                "add", "", "", "10.77.0.2", "203.0.113.20",
                "add app", "", "10.77.0.101",
                "add storage", "", "10.77.0.20",
                "",
                "n",
                ""));
        lines.addAll(storage.length == 0 ? List.of("", "", "") : List.of(storage));
        lines.addAll(List.of(bundle.toString(), "", "", "", "", dir.resolve("site.yml").toString(), ""));
        return lines(lines.toArray(String[]::new));
    }

    @Test
    void aFullRunWritesASiteFileThatLoads() throws Exception {
        Scripted.Outcome run = wizard().run(dir, happyAnswers());

        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        Site site = SiteLoader.load(dir.resolve("site.yml"));
        assertEquals("oth", site.name());
        assertEquals("oth.example.test", site.fqdn());
        assertEquals("203.0.113.10", site.bastion().orElseThrow().address());
        assertEquals(List.of("lb", "app1", "storage"), site.nodes().stream().map(io.oth.site.Node::name).toList());
        assertEquals(Optional.of("203.0.113.20"), site.node("lb").orElseThrow().publicAddress());
        assertEquals(java.util.Set.of("android_push", "ios_push"), site.features());
        assertEquals(Optional.of(bundle), site.certificateBundle());
        assertTrue(site.storage().database().isLocal() && site.storage().objects().isLocal());
        assertTrue(run.screen().contains("oth.example.test resolves to 203.0.113.20"), run::toString);
        assertTrue(run.screen().contains("oth.example.test points at the load balancer's public address 203.0.113.20: ok"), run::toString);
        assertTrue(run.screen().contains("storage      10.77.0.20       storage node: MariaDB, RabbitMQ, MinIO"), run::toString);
        assertFalse(Files.exists(state.resolve("oth")), "no secrets: no secrets file");
        assertEquals(List.of("site.yml"), leftovers());
    }

    @Test
    void eachInvalidAnswerIsAskedAgainWithItsMessage() throws Exception {
        Path openKey = dir.resolve("open_key");
        Files.writeString(openKey, "x");
        Files.setPosixFilePermissions(openKey, PosixFilePermissions.fromString("rw-r--r--"));
        Path otherBundle = dir.resolve("other.pem");
        Files.writeString(otherBundle, TestBundles.forOtherName());
        String input = lines(
                "oth", "oth.example.test", "Lab!", "", "203.0.113.10", "70000", "", "", dir.resolve("missing").toString(), openKey.toString(),
                key.toString(), "", "", "",
                "done",
                "add", "", "", "10.77.0.300", "127.0.0.1", "198.51.100.1", "10.77.0.2", "10.77.0.2", "224.0.0.1", "203.0.113.20",
                "add app", "lb", "", "10.77.0.2", "10.77.0.101",
                "add router",
                "fly",
                "add storage", "", "10.77.0.20",
                "",
                "n",
                "sms, fax", "sms, sms", "sms",
                "", "", "elsewhere", "",
                otherBundle.toString(), bundle.toString(), "", "", "",
                "10.0.0.1/8", "10.0.0.0/8", "::ffff:198.51.100.7/128", "198.51.100.7/32",
                dir.resolve("nowhere/site.yml").toString(), dir.resolve("site.yml").toString(), "");

        Scripted.Outcome run = wizard().run(dir, input);

        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        for (String message : new String[] {
            "fqdn: \"oth\" is not a DNS name (expected a DNS name with at least two labels, like oth.example.com)",
            "site: \"Lab!\" is not a site name (expected [a-z0-9-]{1,32})",
            "bastion.port: \"70000\" is not a port number (expected an integer from 1 to 65535)",
            "bastion.key: " + dir.resolve("missing") + " does not exist (expected a private key file)",
            "bastion.key: " + openKey + " has mode 0644 (expected 0600: no permissions for group or others)",
            "nodes: no node with role lb (expected exactly 1)",
            "nodes[].address: \"10.77.0.300\" is not an IP address (expected an IPv4 or IPv6 literal)",
            "nodes[].public_address: \"10.77.0.2\" is already the address of node lb (expected an address no other node has)",
            "nodes[].address: \"127.0.0.1\" is a loopback address (expected the unicast address of one machine)",
            "nodes[].address: \"198.51.100.1\" is a public address (expected a private address, in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,"
                    + " 100.64.0.0/10, fc00::/7; or public_address_reason",
            "nodes[].public_address: \"224.0.0.1\" is a multicast address (expected the unicast address of one machine)",
            "nodes[].name: \"lb\" is already the name of node lb (expected a name no other node has)",
            "nodes[].address: \"10.77.0.2\" is already the address of node lb (expected an address no other node has)",
            "nodes[].role: \"router\" is not a role (expected one of lb, app, storage)",
            "\"fly\" is not a command here",
            "features[1]: \"fax\" is not a feature (expected one of android_push, ios_push, sms, video)",
            "features[1]: \"sms\" is given twice (expected each once)",
            "storage.objects: \"elsewhere\" is not a storage choice (expected local or external)",
            "certificate.bundle: " + otherBundle,
            "the certificate is not valid for oth.example.test",
            "support.addresses[0]: \"10.0.0.1/8\" has host bits set (expected the network address 10.0.0.0/8)",
            "support.addresses[0]: \"10.0.0.0/8\" is broader than /16 (expected a network of /16 or narrower, or {network: 10.0.0.0/8, reason: ...}",
            "support.addresses[0]: \"::ffff:198.51.100.7/128\" is an IPv4-mapped IPv6 network (expected the IPv4 network 198.51.100.7/32 written as such)",
            "site_file: " + dir.resolve("nowhere/site.yml") + ": the directory " + dir.resolve("nowhere") + " does not exist",
        }) {
            assertTrue(run.screen().contains(message), () -> message + "\n" + run);
        }
        Site site = SiteLoader.load(dir.resolve("site.yml"));
        assertEquals(java.util.Set.of("sms"), site.features());
        assertEquals(List.of("198.51.100.7/32"), site.supportAddresses());
    }

    @Test
    void backReturnsToThePreviousQuestionAndQuestionMarkShowsHelp() throws Exception {
        String input = happyAnswers().replaceFirst("203\\.0\\.113\\.10\n", "?\nback\nback\noth.example.test\n\n203.0.113.10\n");
        Scripted.Outcome run = wizard().run(dir, input);
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        assertTrue(run.screen().contains("The host oth connects through to reach the nodes' private addresses"), run::toString);
        assertTrue(run.screen().contains("Public name of the site (FQDN) [oth.example.test]:"), "the fqdn asked again with its answer\n" + run);
        assertEquals(2, run.screen().split("oth.example.test resolves to", -1).length - 1, run::toString);
    }

    @Test
    void ctrlCLeavesNoFile() throws Exception {
        String untilTheEnd = happyAnswers("", "", "external", "https://s3.example.test", "eu-west-1", "oth", "AKIAOTH", "s3-Secret-1");
        // everything answered, then Ctrl-C at the last confirmation
        String input = untilTheEnd.substring(0, untilTheEnd.length() - 1) + "\u0003";
        Scripted.Outcome run = wizard().run(dir, input);
        assertEquals("interrupted", run.aborted().map(Throwable::getMessage).orElse("not stopped\n" + run));
        assertTrue(run.screen().contains("Write " + dir.resolve("site.yml")), run::toString);
        assertEquals(List.of(), leftovers());
        assertFalse(Files.exists(state.resolve("oth")), "no secrets file");
    }

    @Test
    void ctrlCInTheMiddleStopsThere() throws Exception {
        Scripted.Outcome run = wizard().run(dir, lines("oth.example.test", "", "203.0.113.10") + "\u0003");
        assertEquals("interrupted", run.aborted().map(Throwable::getMessage).orElse("not stopped\n" + run));
        assertTrue(run.aborted().orElseThrow().isInterrupt(), "oth setup exits 130 for it");
        assertFalse(run.screen().contains("Private key for the nodes"), run::toString);
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aSecretIsRefusedOnADumbTerminalWithTheWayToGiveIt() throws Exception {
        Scripted.Outcome run = wizard().dumb().run(dir, happyAnswers("external", "db.example.test", "", ""));
        assertEquals("this terminal cannot hide what is typed, so oth will not ask for the external database's password here: set "
                + "OTH_DATABASE_PASSWORD, or give storage.database.external.password in an answers file (oth setup --answers FILE)",
                run.aborted().map(Throwable::getMessage).orElse("not aborted\n" + run));
        assertEquals(List.of(), leftovers());
        assertFalse(Files.exists(state.resolve("oth")));
    }

    @Test
    void secretsAreReadMaskedAndKeptOutOfOutputHistoryAndSiteFile() throws Exception {
        String password = "db-Pass-31337";
        Scripted.Outcome run = wizard().run(dir, happyAnswers("external", "db.example.test", "", "", password, "", ""));
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        assertFalse(run.screen().contains(password), run::toString);
        run.dialog().history().forEach(line -> assertFalse(line.contains(password), "history: " + line));
        String siteText = Files.readString(dir.resolve("site.yml"));
        assertFalse(siteText.contains(password), siteText);
        assertTrue(siteText.contains("database: {external: {host: \"db.example.test\", port: 3306, user: oth}}"), siteText);
        Path secrets = state.resolve("oth/secrets.yml");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        assertTrue(Files.readString(secrets).contains("external.database.password: " + password));
        assertTrue(run.screen().contains("*************"), "typed as stars\n" + run);
    }

    @Test
    void aSecretInTheEnvironmentIsNotAskedFor() throws Exception {
        Scripted.Outcome run = wizard().dumb().environment(Map.of("OTH_DATABASE_PASSWORD", "from-env-77"))
                .run(dir, happyAnswers("external", "db.example.test", "", "", "", ""));
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        assertTrue(run.screen().contains("storage.database.external.password: taken from OTH_DATABASE_PASSWORD"), run::toString);
        assertTrue(Files.readString(state.resolve("oth/secrets.yml")).contains("external.database.password: from-env-77"));
    }

    @Test
    void aHostKeyIsTrustedOnlyWhenThePersonConfirmsIt() throws Exception {
        List<String> decided = new ArrayList<>();
        Connector connector = (site, trust, passphrase) -> {
            boolean bastion = trust.confirm("bastion " + site.bastion().orElseThrow().address(), "203.0.113.10", "ssh-ed25519", "SHA256:bastionKey");
            decided.add("bastion=" + bastion);
            boolean lb = trust.confirm("lb", "10.77.0.2", "ssh-ed25519", "SHA256:lbKey");
            decided.add("lb=" + lb);
            return List.of(new Connector.Result("lb", lb ? Optional.empty() : Optional.of("unknown host key")),
                    new Connector.Result("app1", Optional.empty()), new Connector.Result("storage", Optional.empty()));
        };
        String input = happyAnswers().replaceFirst("\n\nn\n", "\n\ny\nyes\nn\ny\n");
        Scripted.Outcome run = wizard().connecting(connector).run(dir, input);

        assertEquals(List.of("bastion=true", "lb=false"), decided, run::toString);
        assertTrue(run.screen().contains("bastion 203.0.113.10 (203.0.113.10) offers this ssh-ed25519 host key:\n    SHA256:bastionKey"), run::toString);
        assertTrue(run.screen().contains("lb: key not trusted; this host cannot be used until its key is trusted (oth hosts trust)"), run::toString);
        assertTrue(run.screen().contains("Not every host can be used yet. Go on anyway?"), run::toString);
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
    }

    @Test
    void theKeyPassphraseIsAskedOnceWithoutEchoWhenConnecting() throws Exception {
        List<String> seen = new ArrayList<>();
        Connector connector = (site, trust, passphrase) -> {
            seen.add(new String(passphrase.get()));
            seen.add(new String(passphrase.get()));
            return List.of(new Connector.Result("lb", Optional.empty()));
        };
        Scripted.Outcome run = wizard().connecting(connector).run(dir, happyAnswers().replaceFirst("\n\nn\n", "\n\ny\nkey-Pass-2468\n"));
        assertEquals(List.of("key-Pass-2468", "key-Pass-2468"), seen, run::toString);
        assertTrue(run.screen().contains("Passphrase for the SSH key (not shown)"), run::toString);
        assertFalse(run.screen().contains("key-Pass-2468"), run::toString);
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
    }

    @Test
    void theKeyPassphraseIsNeverAskedOnADumbTerminalAndComesFromTheEnvironment() throws Exception {
        List<String> seen = new ArrayList<>();
        Connector connector = (site, trust, passphrase) -> {
            seen.add(new String(passphrase.get()));
            return List.of(new Connector.Result("lb", Optional.of("cannot use the private key")));
        };
        Scripted.Outcome dumb = wizard().dumb().connecting(connector).run(dir, happyAnswers().replaceFirst("\n\nn\n", "\n\ny\ny\n"));
        assertEquals(List.of(""), seen, dumb::toString);
        assertTrue(dumb.screen().contains("this terminal cannot hide what is typed, so oth will not ask for the SSH key's passphrase here: "
                + "set OTH_KEY_PASSPHRASE"), dumb::toString);

        seen.clear();
        Scripted.Outcome fromEnv = wizard().environment(Map.of("OTH_KEY_PASSPHRASE", "env-Pass-1357")).connecting(connector)
                .run(dir, happyAnswers().replaceFirst("\n\nn\n", "\n\ny\ny\n"));
        assertEquals(List.of("env-Pass-1357"), seen, fromEnv::toString);
        assertFalse(fromEnv.screen().contains("Passphrase for the SSH key"), fromEnv::toString);
    }

    @Test
    void dnsThatDoesNotPointAtTheLoadBalancerIsAWarningThePersonMayAccept() throws Exception {
        Scripted.Outcome run = new Scripted(state, TestBundles.clock()).resolving("oth.example.test", "192.0.2.99")
                .run(dir, happyAnswers().replaceFirst("\n\nn\n", "\n\ny\nn\n"));
        assertTrue(run.screen().contains("fqdn: warning: oth.example.test resolves to 192.0.2.99, not to the load balancer's public address "
                + "203.0.113.20 (DNS may be set up later)"), run::toString);
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
    }

    @Test
    void anExistingFileIsShownAsADiffAndKeptWhenThePersonSaysNo() throws Exception {
        assertTrue(wizard().run(dir, happyAnswers()).result().orElseThrow().written());
        String first = Files.readString(dir.resolve("site.yml"));
        String changed = happyAnswers().replace("10.77.0.101", "10.77.0.111");
        Scripted.Outcome run = wizard().run(dir, changed.substring(0, changed.length() - 1) + "n\n");
        assertTrue(run.screen().contains("-    address: \"10.77.0.101\"") && run.screen().contains("+    address: \"10.77.0.111\""), run::toString);
        assertFalse(run.result().orElseThrow().written());
        assertEquals(first, Files.readString(dir.resolve("site.yml")));
        assertEquals(List.of("site.yml"), leftovers());
    }

    /** Files in the test directory besides the inputs. */
    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !List.of("id_ed25519", "bundle.pem", "open_key", "other.pem", "state").contains(n)).sorted().toList();
        }
    }
}
