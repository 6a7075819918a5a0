package io.oth.wizard;

import io.oth.check.NameLookup;
import io.oth.cert.TestBundles;
import io.oth.cli.Run;
import io.oth.site.Problem;
import io.oth.site.Playbooks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oth setup --answers}: the same questions from a file, with the same checks and messages. */
class WizardAnswersTest {
    @TempDir
    Path dir;

    Path key;
    Path bundle;

    @BeforeEach
    void files() throws IOException {
        key = dir.resolve("id_ed25519");
        Files.writeString(key, "key\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, TestBundles.good());
    }

    private final NameLookup resolver = name -> new NameLookup.Answer(name.equals("oth.example.test") ? List.of("203.0.113.20") : List.of(),
            "the test's resolver", Optional.empty());

    private AnswersFile.Read read(String text, Map<String, String> environment) throws IOException {
        Path answers = dir.resolve("answers.yml");
        Files.writeString(answers, text);
        return AnswersFile.read(answers, new Questions(Playbooks.load(), TestBundles.clock()), resolver, environment::get, Optional.empty());
    }

    private String answers(String storage) {
        return """
                fqdn: oth.example.test
                bastion:
                  address: 203.0.113.10
                  key: ./id_ed25519
                ssh:
                  key: ./id_ed25519
                nodes:
                  - {name: lb, role: lb, address: 10.77.0.2, public_address: 203.0.113.20}
                  - {role: app, address: 10.77.0.101}
                  - {name: storage, role: storage, address: 10.77.0.20}
                """ + storage + """
                certificate:
                  bundle: ./bundle.pem
                site_file: ./from-answers.yml
                """;
    }

    @Test
    void anAnswersFileMakesTheSameSiteFileAndSecretsAsTheInteractiveRun() throws Exception {
        String storage = "storage:\n  database: {external: {host: db.example.test, port: 3306}}\n";
        Path state = dir.resolve("state");
        Scripted wizard = new Scripted(state, TestBundles.clock()).resolving("oth.example.test", "203.0.113.20");
        List<String> typed = new java.util.ArrayList<>(List.of(
                "oth.example.test", "", "203.0.113.10", "", "", key.toString(), "", "", "",
                "add", "", "", "10.77.0.2", "203.0.113.20", "add app", "", "10.77.0.101", "add storage", "", "10.77.0.20", "",
                "n", "", "external", "db.example.test", "", "", "pw-Interactive-1", "", "",
                bundle.toString(), "", "", "", "", dir.resolve("interactive.yml").toString(), ""));
        Scripted.Outcome interactive = wizard.run(dir, Scripted.lines(typed.toArray(String[]::new)));
        assertTrue(interactive.result().orElseThrow().written(), interactive::toString);
        String interactiveSecrets = Files.readString(state.resolve("oth/secrets.yml"));
        Files.delete(state.resolve("oth/secrets.yml"));

        AnswersFile.Read read = read(answers(storage), Map.of("OTH_DATABASE_PASSWORD", "pw-Interactive-1"));
        assertEquals(List.of(), read.problems());
        assertEquals(List.of(), read.warnings());
        StringWriter out = new StringWriter();
        Setup.Result result = wizard.setup().fromAnswers(read.draft().orElseThrow(), new PrintWriter(out), false);
        assertTrue(result.written(), out::toString);

        assertEquals(Files.readString(dir.resolve("interactive.yml")), Files.readString(dir.resolve("from-answers.yml")));
        assertEquals(interactiveSecrets, Files.readString(state.resolve("oth/secrets.yml")));
        assertFalse(out.toString().contains("pw-Interactive-1"), out::toString);
    }

    @Test
    void problemsNameTheFileTheLineAndTheKeyWithTheWizardsMessages() throws Exception {
        String text = """
                fqdn: oth
                bastion: {address: 203.0.113.10, port: 70000, key: ./id_ed25519}
                ssh: {key: ./nokey, colour: blue}
                nodes:
                  - {name: lb, role: lb, address: 10.77.0.2, public_address: 10.77.0.2}
                  - {name: app1, role: router, address: 10.77.0.300}
                features: [sms, fax]
                storage:
                  database: remote
                  broker: {external: {host: mq.example.test, port: 5671}}
                support: {addresses: [10.0.0.1/8]}
                """;
        AnswersFile.Read read = read(text, Map.of());
        List<String> problems = read.problems().stream().map(Problem::toString).toList();
        String file = dir.resolve("answers.yml").toString();
        for (String expected : List.of(
                file + ":1:7: fqdn: \"oth\" is not a DNS name (expected a DNS name with at least two labels, like oth.example.com)",
                file + ":2:40: bastion.port: \"70000\" is not a port number (expected an integer from 1 to 65535)",
                file + ":3:12: ssh.key: " + dir.resolve("nokey") + " does not exist (expected a private key file)",
                file + ":3:21: ssh.colour: unknown key (expected one of user, key, port)",
                file + ":5:62: nodes[0].public_address: \"10.77.0.2\" is already the address of node lb (expected an address no other node has)",
                file + ":6:24: nodes[1].role: \"router\" is not a role (expected one of lb, app, storage)",
                file + ":6:41: nodes[1].address: \"10.77.0.300\" is not an IP address (expected an IPv4 or IPv6 literal)",
                file + ":7:17: features[1]: \"fax\" is not a feature (expected one of android_push, ios_push, sms, video)",
                file + ":9:13: storage.database: \"remote\" is not a storage choice (expected local or external)",
                file + ":11:23: support.addresses[0]: \"10.0.0.1/8\" has host bits set (expected the network address 10.0.0.0/8)",
                file + ": storage.broker.external.password: missing (expected the external broker's password here, or in OTH_BROKER_PASSWORD)")) {
            assertTrue(problems.contains(expected), () -> expected + "\n in \n" + String.join("\n", problems));
        }
        assertTrue(read.draft().isEmpty());
    }

    @Test
    void dnsThatPointsElsewhereIsAWarningNotAProblem() throws Exception {
        String text = answers("").replace("public_address: 203.0.113.20", "public_address: 203.0.113.21");
        AnswersFile.Read read = read(text, Map.of());
        assertEquals(List.of(), read.problems());
        assertEquals(List.of(dir.resolve("answers.yml") + ":1:7: fqdn: warning: oth.example.test resolves to 203.0.113.20, not to the load "
                + "balancer's public address 203.0.113.21 (DNS may be set up later)"), read.warnings().stream().map(Problem::toString).toList());
    }

    @Test
    void setupWithAnswersWritesTheFileAndRefusesToReplaceADifferentOneWithoutOverwrite() throws Exception {
        // in-process oth runs on today's clock, at which the test bundle has expired: no bundle here
        Path answers = dir.resolve("answers.yml");
        Files.writeString(answers, withoutBundle(answers("")));
        Run first = Run.oth("setup", "--answers", answers.toString());
        assertEquals(0, first.code(), first::toString);
        assertTrue(first.out().contains("Wrote " + dir.resolve("from-answers.yml")), first::toString);

        Files.writeString(answers, withoutBundle(answers("")).replace("10.77.0.101", "10.77.0.102"));
        Run second = Run.oth("setup", "--answers", answers.toString());
        assertEquals(1, second.code(), second::toString);
        assertTrue(second.out().contains("+    address: \"10.77.0.102\""), second::toString);
        assertTrue(second.err().contains("exists and differs; give --overwrite to replace it"), second::toString);
        assertTrue(Files.readString(dir.resolve("from-answers.yml")).contains("10.77.0.101"));

        Run third = Run.oth("setup", "--answers", answers.toString(), "--overwrite");
        assertEquals(0, third.code(), third::toString);
        assertTrue(Files.readString(dir.resolve("from-answers.yml")).contains("10.77.0.102"));
    }

    private static String withoutBundle(String answers) {
        return answers.replace("certificate:\n  bundle: ./bundle.pem\n", "");
    }

    @Test
    void aBadAnswersFileExitsTwoAndWritesNothing() throws Exception {
        Path answers = dir.resolve("answers.yml");
        Files.writeString(answers, answers("").replace("fqdn: oth.example.test", "fqdn: oth"));
        Run run = Run.oth("setup", "--answers", answers.toString());
        assertEquals(2, run.code(), run::toString);
        assertTrue(run.err().contains(answers + ":1:7: fqdn: \"oth\" is not a DNS name"), run::toString);
        assertFalse(Files.exists(dir.resolve("from-answers.yml")));
    }

    @Test
    void printAnswersListsEveryKeyWithItsHelp() {
        Run run = Run.oth("setup", "--print-answers");
        assertEquals(0, run.code(), run::toString);
        Questions questions = new Questions(Playbooks.load(), TestBundles.clock());
        for (Question q : questions.site()) {
            String last = q.key().substring(q.key().lastIndexOf('.') + 1);
            assertTrue(run.out().contains(last + ":"), () -> q.key() + "\n" + run);
            assertTrue(run.out().contains(q.help()), () -> q.key() + " help\n" + run);
        }
        for (Question q : questions.node()) {
            assertTrue(run.out().contains(q.help()), () -> q.key() + " help\n" + run);
        }
    }
}
