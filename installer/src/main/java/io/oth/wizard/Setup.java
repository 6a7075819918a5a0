package io.oth.wizard;

import io.oth.check.NameLookup;
import io.oth.secret.Secret;
import io.oth.secret.ExternalSecret;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.Problem;
import io.oth.site.SiteException;

import io.oth.site.Site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@code oth setup}: the answers (from a person or an answers file), then a summary, then the site
 * file and the secrets. Nothing is written before the end, and then the site file only after it
 * loads as oth will load it; a file that exists is replaced only when the person agrees.
 */
public final class Setup {

    /**
     * What the setup uses besides the person: the questions, DNS, SSH, where secrets go (by site), the
     * environment, where the answers of a setup in progress are saved ({@link SavedAnswers}), the clock.
     */
    public record Context(Questions questions, NameLookup resolver, Connector connector, Function<String, Path> stateDir,
                          UnaryOperator<String> environment, Path draftDir, Clock clock) {
    }

    /** Where the finish shows things and asks before replacing a file. */
    interface Finish {
        void say(String text);

        boolean confirm(String question, boolean yes) throws Aborted;
    }

    /** How the end went: the site file written (or unchanged), or left alone because the person said no. */
    public record Result(Path siteFile, boolean written) {
    }

    private final Context context;

    public Setup(Context context) {
        this.context = context;
    }

    public Context context() {
        return context;
    }

    /**
     * The interactive setup on {@code dialog}. When a setup for the same site file stopped before
     * its end, it offers to resume its answers; else the answers of {@code from} (the site file
     * given with --site) are the defaults.
     */
    public Result interactive(Dialog dialog, Draft draft, Optional<Site> from) throws Aborted, IOException {
        Questions questions = context.questions();
        Path target = draft.text(Questions.SITE_FILE).map(draft::resolve).orElse(draft.resolve(Questions.DEFAULT_SITE_FILE));
        SavedAnswers saved = SavedAnswers.of(context.draftDir(), target);
        boolean resumed = resume(dialog, saved, draft);
        if (!resumed && from.isPresent()) {
            dialog.say("The answers of " + from.get().file() + " are the defaults: Enter keeps each one.");
            notKept(dialog, KnownAnswers.of(from.get(), questions).replay(draft, questions));
        }
        saved.startingFrom(KnownAnswers.of(draft, questions));
        boolean[] warned = {false};
        Wizard.Progress progress = (d, done) -> {
            try {
                saved.save(d, questions, done, context.clock().instant());
            } catch (IOException e) {
                if (!warned[0]) {
                    warned[0] = true;
                    dialog.say("  warning: the answers so far cannot be saved for a resume: " + e.getMessage());
                }
            }
        };
        try {
            Draft d = new Wizard(questions, dialog, context.resolver(), context.connector(), context.environment(), progress).run(draft, resumed);
            Result result = finish(d, dialog);
            if (result.written()) {
                saved.remove();
            }
            return result;
        } catch (Aborted e) {
            if (Files.exists(saved.file())) {
                dialog.say("The answers so far are kept (" + saved.file() + ", without secrets); the next oth setup"
                        + (target.equals(draft.resolve(Questions.DEFAULT_SITE_FILE)) ? "" : " --site " + target) + " offers to resume them.");
            }
            throw e;
        }
    }

    /** Offers the saved answers of a setup that stopped; true when they were taken into {@code draft}. */
    private boolean resume(Dialog dialog, SavedAnswers saved, Draft draft) throws Aborted, IOException {
        Optional<SavedAnswers.Saved> found;
        try {
            found = saved.read(context.questions());
        } catch (SavedAnswers.Refused e) {
            dialog.sayWrapped("The saved answers of an earlier setup cannot be used, so they are removed: " + e.getMessage(), "");
            saved.remove();
            return false;
        }
        if (found.isEmpty()) {
            return false;
        }
        SavedAnswers.Saved s = found.get();
        if (!dialog.confirm("Resume the answers of " + when(s.saved()) + " (" + s.sectionsDone() + " of " + Questions.sectionTitles().size()
                + " sections)?", true)) {
            saved.remove();
            return false;
        }
        notKept(dialog, s.answers().replay(draft, context.questions()));
        return true;
    }

    private static void notKept(Dialog dialog, List<String> refused) {
        refused.forEach(r -> dialog.sayWrapped("not kept, asked again: " + r, "  "));
    }

    /** "12:03" today, "2026-12-03 12:03" another day, in this machine's time zone. */
    private String when(Instant saved) {
        ZonedDateTime then = saved.atZone(context.clock().getZone());
        boolean today = then.toLocalDate().equals(LocalDate.now(context.clock()));
        return then.format(DateTimeFormatter.ofPattern(today ? "HH:mm" : "yyyy-MM-dd HH:mm", Locale.ROOT));
    }

    private Result finish(Draft d, Dialog dialog) throws Aborted, IOException {
        return finish(d, new Finish() {
            @Override
            public void say(String text) {
                dialog.say(text);
            }

            @Override
            public boolean confirm(String question, boolean yes) throws Aborted {
                return dialog.confirm(question, yes);
            }
        }, true);
    }

    /** The end of an answers-file run: printed to {@code out}; an existing file that differs is replaced only with {@code overwrite}. */
    public Result fromAnswers(Draft d, java.io.PrintWriter out, boolean overwrite) throws Aborted, IOException {
        return finish(d, new Finish() {
            @Override
            public void say(String text) {
                out.println(text);
                out.flush();
            }

            @Override
            public boolean confirm(String question, boolean yes) {
                return overwrite;
            }
        }, false);
    }

    /**
     * Summary, checked site file, confirmation, secrets, site file. {@code ask}: a person is there to
     * confirm writing a new file (an answers-file run writes it without asking).
     */
    Result finish(Draft d, Finish finish, boolean ask) throws Aborted, IOException {
        Path target = d.value(Questions.SITE_FILE, Path.class).orElseThrow();
        finish.say(Summary.of(d, context.questions(), secretsFile(d)));
        Optional<SiteFileWriter.Prepared> prepared = Optional.empty();
        try {
            try {
                prepared = Optional.of(SiteFileWriter.prepare(target, DraftSite.render(d)));
            } catch (SiteException e) {
                // The answers were checked one by one; the file as a whole is checked by the loader too.
                e.problems().forEach(p -> finish.say("  " + relabel(p, target)));
                throw new Aborted("the site file made of these answers does not load (" + e.problems().size() + " problem(s))");
            }
            SiteFileWriter.Prepared p = prepared.get();
            if (p.unchanged()) {
                finish.say(target + " already says exactly this: left as it is");
                writeSecrets(d, finish);
                return new Result(target, true);
            }
            if (p.exists()) {
                finish.say(target + " exists; the new one differs:\n" + p.diff());
                if (!finish.confirm("Replace " + target + "?", false)) {
                    finish.say("Left " + target + " as it was; nothing was written.");
                    return new Result(target, false);
                }
            } else if (ask && !finish.confirm("Write " + target + "?", true)) {
                finish.say("Nothing was written.");
                return new Result(target, false);
            }
            writeSecrets(d, finish);
            SiteFileWriter.commit(p);
            prepared = Optional.empty();
            finish.say("Wrote " + target);
            return new Result(target, true);
        } finally {
            SiteFileWriter.discard(prepared);
        }
    }

    private Path secretsFile(Draft d) {
        return context.stateDir().apply(d.string(Questions.SITE)).resolve("secrets.yml");
    }

    private void writeSecrets(Draft d, Finish finish) throws IOException {
        if (d.secrets().isEmpty()) {
            return;
        }
        try {
            Secrets secrets = Secrets.open(secretsFile(d));
            for (Map.Entry<ExternalSecret, Secret> entry : d.secrets().entrySet()) {
                secrets.put(entry.getKey().secretName(), entry.getValue());
            }
            finish.say("Saved " + String.join(", ", d.secrets().keySet().stream().map(ExternalSecret::secretName).toList()) + " in " + secrets.file());
        } catch (SecretsException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The loader read the temporary file; the person knows the target's name. */
    private static String relabel(Problem problem, Path target) {
        return new Problem(target, problem.line(), problem.column(), problem.field(), problem.message()).toString();
    }
}
