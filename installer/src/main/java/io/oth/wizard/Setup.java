package io.oth.wizard;

import io.oth.check.NameLookup;
import io.oth.secret.Secret;
import io.oth.secret.ExternalSecret;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.Problem;
import io.oth.site.SiteException;

import java.io.IOException;
import java.nio.file.Path;
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

    /** What the setup uses besides the person: the questions, DNS, SSH, where secrets go, the environment. */
    public record Context(Questions questions, NameLookup resolver, Connector connector, Function<String, Path> stateDir,
                          UnaryOperator<String> environment) {
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

    /** The interactive setup on {@code dialog}. */
    public Result interactive(Dialog dialog, Draft draft) throws Aborted, IOException {
        Draft d = new Wizard(context.questions(), dialog, context.resolver(), context.connector(), context.environment()).run(draft);
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
        finish.say(Summary.of(d, context.questions().playbooks(), secretsFile(d)));
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
