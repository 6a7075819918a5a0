package io.oth.wizard;

import io.oth.cert.TestBundles;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.oth.wizard.Scripted.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The setup's sections, its saved answers and resume after Ctrl-C, an existing site file as the defaults, and the summary. */
class WizardResumeTest extends WizardFixture {
    /** The lines of a whole run: bastion, lb, one app node, local storage, the bundle, no release bundles. */
    private List<String> happy() {
        return List.of(
                "oth.example.test", "", "203.0.113.10", "", "", key.toString(), "", "", "",
                "add", "", "", "10.77.0.2", "203.0.113.20",
                "add app", "", "10.77.0.101",
                "add storage", "", "10.77.0.20",
                "",
                "n",
                "", "", "", "",
                bundle.toString(), "", "", "", "", dir.resolve("site.yml").toString(), "");
    }

    private SavedAnswers saved() {
        return SavedAnswers.of(state.resolve("setup_drafts"), dir.resolve("site.yml"));
    }

    @Test
    void theSectionsAreNumberedInOrder() throws Exception {
        Scripted.Outcome run = wizard().run(dir, lines(happy().toArray(String[]::new)));
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        int at = -1;
        for (String header : new String[] {"\n1/7 Site\n", "\n2/7 Access (bastion and SSH)\n", "\n3/7 Nodes\n", "\n4/7 Features\n",
            "\n5/7 Storage\n", "\n6/7 Certificate and release bundles\n", "\n7/7 Support access and the site file\n"}) {
            int next = run.screen().indexOf(header);
            assertTrue(next > at, () -> header + " after the one before it\n" + run);
            at = next;
        }
        assertTrue(run.screen().indexOf("\n3/7 Nodes\n") < run.screen().indexOf("nodes>"), run::toString);
    }

    @Test
    void theSummaryNamesWhatIsStillMissing() throws Exception {
        Scripted.Outcome run = wizard().run(dir, lines(happy().toArray(String[]::new)));
        String summary = run.screen().substring(run.screen().indexOf("Summary of site oth"));
        assertTrue(summary.contains("Still missing before oth install can run:\n"
                + "  OTH application release bundle: not given (application.release in the site file)\n"
                + "  traefik release bundle: not given (application.traefik in the site file)\n"
                + "  MinIO release bundle: not given (application.minio in the site file)\n"
                + "  host keys: not checked here (oth hosts trust, or oth doctor --preflight)\n"), run::toString);
        assertFalse(summary.contains("Certificate bundle: not given"), run::toString);
    }

    @Test
    void theSummaryNamesAHostWhoseKeyWasNotTrusted() throws Exception {
        Connector connector = (site, trust, passphrase) -> List.of(new Connector.Result("lb", Optional.of("key not trusted")),
                new Connector.Result("app1", Optional.empty()));
        List<String> input = new ArrayList<>(happy());
        input.set(input.indexOf("n"), "y");
        input.add(input.indexOf("y") + 1, "y");
        Scripted.Outcome run = wizard().connecting(connector).run(dir, lines(input.toArray(String[]::new)));
        assertTrue(run.screen().contains("Still missing before oth install can run:"), run::toString);
        assertTrue(run.screen().contains("\n  host lb: key not trusted (oth hosts trust)\n"), run::toString);
        assertFalse(run.screen().contains("host app1:"), run::toString);
    }

    @Test
    void ctrlCKeepsTheAnswersInA0600DraftAndTheNextSetupResumesThem() throws Exception {
        Scripted.Outcome stopped = wizard().run(dir, lines("oth.example.test", "", "203.0.113.10") + "\u0003");
        assertTrue(stopped.aborted().orElseThrow().isInterrupt(), stopped::toString);
        Path draft = saved().file();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(draft)));
        assertTrue(Files.readString(draft).contains("\"bastion.address\" : \"203.0.113.10\""), Files.readString(draft));
        assertTrue(stopped.screen().contains("The answers so far are kept (" + draft + ", without secrets); the next oth setup offers to resume them."),
                stopped::toString);
        assertFalse(Files.exists(dir.resolve("site.yml")));

        List<String> rest = new ArrayList<>(List.of(""));
        rest.addAll(happy().subList(3, happy().size()));
        Scripted.Outcome resumed = wizard().run(dir, lines(rest.toArray(String[]::new)));

        assertTrue(Pattern.compile("Resume the answers of \\d\\d:\\d\\d \\(1 of 7 sections\\)\\? \\[Y/n]: ").matcher(resumed.screen()).find(), resumed::toString);
        assertFalse(resumed.screen().contains("Public name of the site (FQDN)"), "answered questions are passed over\n" + resumed);
        assertTrue(resumed.screen().contains("(resumed: the answers before this are kept; back returns to them)\n\n2/7 Access (bastion and SSH)\n"
                + "Bastion SSH port [22]: "), resumed::toString);
        assertTrue(resumed.result().map(Setup.Result::written).orElse(false), resumed::toString);
        Site site = SiteLoader.load(dir.resolve("site.yml"));
        assertEquals("oth.example.test", site.fqdn());
        assertEquals("203.0.113.10", site.bastion().orElseThrow().address());
        assertFalse(Files.exists(draft), "the draft is removed once the site file is written");
    }

    @Test
    void aSecretIsNeverSavedAndIsAskedAgainOnResume() throws Exception {
        String password = "db-Pass-31337";
        List<String> input = new ArrayList<>(happy().subList(0, happy().indexOf("n") + 1));
        input.addAll(List.of("", "external", "db.example.test", "", "", password, ""));
        Scripted.Outcome stopped = wizard().run(dir, lines(input.toArray(String[]::new)) + "\u0003");
        assertTrue(stopped.aborted().isPresent(), stopped::toString);
        String draft = Files.readString(saved().file());
        assertTrue(draft.contains("\"storage.database.external.host\" : \"db.example.test\""), draft);
        assertFalse(draft.contains(password), draft);

        Scripted.Outcome resumed = wizard().run(dir, lines("y", "other-Pass-4242") + "\u0003");
        assertTrue(resumed.screen().contains("password (not shown): "), resumed::toString);
        assertFalse(Files.readString(saved().file()).contains("other-Pass-4242"));
    }

    @Test
    void aDeclinedResumeStartsAfreshAndRemovesTheDraft() throws Exception {
        wizard().run(dir, lines("oth.example.test", "", "203.0.113.10") + "\u0003");
        assertTrue(Files.exists(saved().file()));
        List<String> input = new ArrayList<>(List.of("n"));
        input.addAll(happy());
        Scripted.Outcome run = wizard().run(dir, lines(input.toArray(String[]::new)));
        assertTrue(run.screen().contains("(1 of 7 sections)? [Y/n]: n\n"), run::toString);
        assertTrue(run.screen().contains("Public name of the site (FQDN): "), "asked with no default\n" + run);
        assertTrue(run.result().map(Setup.Result::written).orElse(false), run::toString);
        assertFalse(Files.exists(saved().file()));
    }

    @Test
    void aDraftOthDidNotWriteIsRefusedCleanlyAndRemoved() throws Exception {
        Path draft = saved().file();
        Files.createDirectories(draft.getParent());
        for (String hostile : new String[] {
            "{\"schema\": \"oth-setup-draft/1\", \"target\": \"" + dir.resolve("site.yml") + "\", \"saved\": \"2026-12-04T12:03:00Z\", "
                    + "\"sections_done\": 2, \"answers\": {\"storage.database.external.password\": \"x\"}, \"nodes\": []}",
            "{\"schema\": \"oth-setup-draft/1\", \"target\": \"" + dir.resolve("site.yml") + "\", \"saved\": \"2026-12-04T12:03:00Z\", "
                    + "\"sections_done\": 2, \"answers\": {\"fqdn\": \"a\\u001b[2Jb\"}, \"nodes\": []}",
            "{\"schema\": \"oth-setup-draft/1\", \"sections_done\": 99}",
            "not json at all " + "x".repeat(SavedAnswers.LIMIT),
            "[" .repeat(5000)}) {
            Files.writeString(draft, hostile);
            Files.setPosixFilePermissions(draft, PosixFilePermissions.fromString("rw-------"));
            Scripted.Outcome run = wizard().run(dir, "\u0003");
            assertTrue(run.screen().contains("The saved answers of an earlier setup cannot be used, so they are removed: " + draft.toString().substring(0, 20)),
                    run::toString);
            assertFalse(run.screen().contains("Resume the answers"), run::toString);
            assertFalse(Files.exists(draft), hostile);
        }
    }

    @Test
    void aDraftOthersMayReadIsNotUsed() throws Exception {
        wizard().run(dir, lines("oth.example.test", "", "203.0.113.10") + "\u0003");
        Files.setPosixFilePermissions(saved().file(), PosixFilePermissions.fromString("rw-r--r--"));
        Scripted.Outcome run = wizard().run(dir, "\u0003");
        assertTrue(run.screen().contains("has mode 0644: group or others may read it"), run::toString);
        assertFalse(run.screen().contains("Resume the answers"), run::toString);
    }

    @Test
    void anExistingSiteFileGivesTheDefaultsAndEnterKeepsItExactly() throws Exception {
        assertTrue(wizard().run(dir, lines(happy().toArray(String[]::new))).result().orElseThrow().written());
        Path file = dir.resolve("site.yml");
        String before = Files.readString(file);
        Site site = SiteLoader.load(file);
        List<String> enter = new ArrayList<>(Collections.nCopies(10, ""));
        enter.add("n");
        enter.addAll(Collections.nCopies(10, ""));

        Scripted.Outcome run = wizard().run(dir, lines(enter.toArray(String[]::new)), Optional.of(site));

        assertTrue(run.screen().contains("The answers of " + file + " are the defaults: Enter keeps each one."), run::toString);
        for (String prompt : new String[] {"Public name of the site (FQDN) [oth.example.test]: ", "Short site name [oth]: ",
            "Bastion (SSH jump host) address, or \"direct\" [203.0.113.10]: ", "Private key for the nodes [" + key + "]: ",
            "nodes> [done]: ", "Certificate bundle (PEM: key, certificate, intermediate, root) [" + bundle + "]: ",
            "Write the site file to [" + file + "]: "}) {
            assertTrue(run.screen().contains(prompt), () -> prompt + "\n" + run);
        }
        assertTrue(run.screen().contains("lb           lb       10.77.0.2  public 203.0.113.20"), run::toString);
        assertTrue(run.screen().contains(file + " already says exactly this: left as it is"), run::toString);
        assertEquals(before, Files.readString(file));
        assertEquals(site, SiteLoader.load(file));
    }

    @Test
    void anAnswerOfTheSiteFileThatNoLongerPassesIsAskedAgain() throws Exception {
        assertTrue(wizard().run(dir, lines(happy().toArray(String[]::new))).result().orElseThrow().written());
        Site site = SiteLoader.load(dir.resolve("site.yml"));
        Files.delete(bundle);
        Scripted.Outcome run = wizard().run(dir, "\u0003", Optional.of(site));
        assertTrue(run.screen().contains("  not kept, asked again: certificate.bundle: " + bundle + " does not exist (expected a PEM certificate bundle)"),
                run::toString);
    }

    @Test
    void completionOffersOnlyWhatTheQuestionTakes() {
        Questions questions = new Questions(Playbooks.load(), TestBundles.clock());
        Completions completions = new Completions(questions.playbooks(), () -> List.of("fd00::5%eth0", "10.77.0.9", "198.51.100.4", "10.77.0.2"));
        Draft d = new Draft(dir);
        d.put(Questions.NODE_ROLE, "lb", "lb");
        d.put(Questions.NODE_NAME, "lb", "lb");
        d.put(Questions.NODE_ADDRESS, "10.77.0.2", "10.77.0.2");
        d.put(Questions.NODE_PUBLIC_ADDRESS, "203.0.113.20", "203.0.113.20");
        d.addPending();
        d.put(Questions.NODE_ROLE, "app", "app");

        assertEquals(List.of("10.77.0.9"), offered(completions, question(questions.node(), Questions.NODE_ADDRESS), d));
        List<String> bastion = offered(completions, question(questions.site(), Questions.BASTION), d);
        assertTrue(bastion.containsAll(List.of("direct", "10.77.0.9", "198.51.100.4")), bastion::toString);
        assertFalse(bastion.contains("fd00::5%eth0"), bastion::toString);
        assertEquals(List.of("app", "storage"), offered(completions, question(questions.node(), Questions.NODE_ROLE), d).stream()
                .filter(r -> !r.equals("lb")).toList());
        assertEquals(List.of("android_push", "ios_push", "sms", "video"), offered(completions, question(questions.site(), Questions.FEATURES), d)
                .stream().filter(f -> !f.equals(Question.NONE)).toList(), "each feature, but not \"none\" as an item");
    }

    private static Question question(List<Question> questions, String key) {
        return questions.stream().filter(q -> q.key().equals(key)).findFirst().orElseThrow();
    }

    private static List<String> offered(Completions completions, Question q, Draft d) {
        List<org.jline.reader.Candidate> candidates = new ArrayList<>();
        completions.of(q, d).complete(null, new org.jline.reader.impl.DefaultParser().parse("", 0), candidates);
        return candidates.stream().map(org.jline.reader.Candidate::value).toList();
    }

    @Test
    void helpIsWrappedAtTheTerminalWidthBetweenWords() {
        String help = "The DNS name people and the apps use to reach the site, like oth.example.com; the certificate must cover it.";
        String wrapped = Dialog.wrap(help, 40, "  ");
        for (String line : wrapped.split("\n")) {
            assertTrue(line.length() <= 39 && line.startsWith("  ") && !line.endsWith(" "), () -> "[" + line + "]\n" + wrapped);
        }
        assertEquals(help, String.join(" ", wrapped.lines().map(String::trim).toList()), "no word cut");
        assertEquals("  https://a.very.long.example.com/without/any/space\n  next", Dialog.wrap("https://a.very.long.example.com/without/any/space next", 30, "  "));
    }
}
