package io.oth.wizard;

import io.oth.check.NameLookup;
import io.oth.remote.ConnectOptions;
import io.oth.secret.Secret;
import io.oth.secret.ExternalSecret;
import io.oth.site.Role;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The interactive setup: the questions in order, one at a time. {@code ?} shows a question's help,
 * {@code back} returns to the previous question, a refused answer is asked again with the reason.
 * After the FQDN it says what the name resolves to; after the nodes, whether it points at the load
 * balancer, and it offers to connect and show each unknown host key for the person to confirm.
 */
public final class Wizard {
    static final String BACK = "back";
    static final String HELP = "?";

    private enum Move { NEXT, BACK }

    private interface Step {
        boolean applies(Draft d);

        /** Whether {@code back} from a later question may return here: only steps that asked something. */
        default boolean asks() {
            return true;
        }

        /**
         * Whether a resumed setup passes over this step: it was answered before the setup stopped. A
         * step that only tells or checks something is passed over too; a secret, never saved, is asked.
         */
        default boolean answered(Draft d) {
            return !asks();
        }

        Move run(Draft d) throws Aborted;
    }

    /** A step and the number of its section (from 1). */
    private record Placed(Step step, int section) {
    }

    /** Told the answers as they are given, to save them; {@code sectionsDone} counts the sections already answered. */
    @FunctionalInterface
    public interface Progress {
        void answered(Draft d, int sectionsDone);
    }

    private final Questions questions;
    private final Dialog dialog;
    private final Completions completions;
    private final DnsCheck dns;
    private final Connector connector;
    /** The environment: where a key passphrase may come from instead of the terminal ({@link ConnectOptions#PASSPHRASE_VARIABLE}). */
    private final UnaryOperator<String> environment;
    private final Progress progress;
    /** The sections answered so far, for {@link #progress}. */
    private int sectionsDone;

    public Wizard(Questions questions, Dialog dialog, NameLookup resolver, Connector connector, UnaryOperator<String> environment,
                  Progress progress) {
        this.questions = questions;
        this.dialog = dialog;
        this.completions = new Completions(questions.playbooks(), Completions::interfaceAddresses);
        this.dns = new DnsCheck(resolver);
        this.connector = connector;
        this.environment = environment;
        this.progress = progress;
    }

    /**
     * Asks everything; the answers, complete and checked. {@code resumed}: {@code d} holds the
     * answers of a setup that stopped, and the questions already answered are passed over until the
     * first one that is not ({@code back} still returns to them).
     */
    public Draft run(Draft d, boolean resumed) throws Aborted {
        int total = Questions.sectionTitles().size();
        dialog.sayWrapped("oth setup: a few questions in " + total + " sections make the site file. Type ? for help on a question, back "
                + "for the previous one, Ctrl-C to stop (the answers so far are kept, and the next oth setup offers to resume them; "
                + "nothing else is written until the end).", "");
        List<Placed> steps = steps();
        Deque<Integer> asked = new ArrayDeque<>();
        boolean passing = resumed;
        int shown = 0;
        int i = 0;
        while (i < steps.size()) {
            Placed placed = steps.get(i);
            Step step = placed.step();
            if (!step.applies(d)) {
                i++;
                continue;
            }
            if (passing && step.answered(d)) {
                if (step.asks()) {
                    asked.push(i);
                }
                i++;
                continue;
            }
            if (passing && placed.section() > 1) {
                dialog.say("  (resumed: the answers before this are kept; back returns to them)");
            }
            passing = false;
            sectionsDone = placed.section() - 1;
            progress.answered(d, sectionsDone);
            if (placed.section() != shown) {
                shown = placed.section();
                dialog.say("");
                dialog.say(shown + "/" + total + " " + Questions.sectionTitles().get(shown - 1));
            }
            Move move = step.run(d);
            if (move == Move.NEXT) {
                if (step.asks()) {
                    asked.push(i);
                }
                i++;
            } else if (asked.isEmpty()) {
                dialog.say("  (this is the first question)");
            } else {
                i = asked.pop();
            }
        }
        sectionsDone = total;
        progress.answered(d, sectionsDone);
        return d;
    }

    private List<Placed> steps() {
        List<Placed> steps = new ArrayList<>();
        int section = 0;
        for (Question q : questions.site()) {
            if (Questions.sectionStartingAt(q.key()).isPresent()) {
                section++;
            }
            steps.add(new Placed(question(q), section));
            if (q.key().equals(Questions.FQDN)) {
                steps.add(new Placed(say(d -> dns.describe(d.string(Questions.FQDN))), section));
            }
            if (q.key().equals(Questions.SSH_PORT)) {
                section++;
                steps.add(new Placed(nodes(), section));
                steps.add(new Placed(dnsPointsAtLoadBalancer(), section));
                steps.add(new Placed(hostKeys(), section));
            }
        }
        return steps;
    }

    private Step question(Question q) {
        return new Step() {
            @Override
            public boolean applies(Draft d) {
                return q.asked().test(d);
            }

            @Override
            public boolean answered(Draft d) {
                return q.kind() != Question.Kind.SECRET && d.answer(q.key()).isPresent();
            }

            @Override
            public Move run(Draft d) throws Aborted {
                return ask(q, d);
            }
        };
    }

    private Step say(java.util.function.Function<Draft, String> text) {
        return new Step() {
            @Override
            public boolean applies(Draft d) {
                return true;
            }

            @Override
            public boolean asks() {
                return false;
            }

            @Override
            public Move run(Draft d) {
                dialog.say("  " + text.apply(d));
                return Move.NEXT;
            }
        };
    }

    /** Asks {@code q} until the answer passes its check (or the person goes back). */
    private Move ask(Question q, Draft d) throws Aborted {
        if (q.kind() == Question.Kind.SECRET) {
            return askSecret(q, d);
        }
        while (true) {
            Optional<String> current = d.text(q.key()).or(() -> q.fallback().apply(d));
            String text = dialog.ask(q.prompt(), current, completions.of(q, d));
            if (text.equals(HELP)) {
                dialog.sayWrapped(q.help(), "  ");
                dialog.sayWrapped("(" + q.key() + ": " + q.expected() + ")", "  ");
                continue;
            }
            if (text.equals(BACK)) {
                return Move.BACK;
            }
            if (text.isEmpty()) {
                text = current.orElse("");
            }
            Optional<Object> value = q.kind() == Question.Kind.LIST ? checkList(q, text, d) : checkScalar(q, text, d);
            if (value.isPresent()) {
                d.put(q.key(), text, value.get());
                return Move.NEXT;
            }
        }
    }

    private Optional<Object> checkScalar(Question q, String text, Draft d) throws Aborted {
        Verdict<Object> verdict = q.check().check(text, d);
        if (verdict instanceof Verdict.Refused<Object> refused) {
            dialog.say("  " + q.key() + ": " + refused.message());
            return Optional.empty();
        }
        if (verdict instanceof Verdict.Doubtful<Object> doubtful) {
            dialog.say("  " + q.key() + ": warning: " + doubtful.warning());
            return dialog.confirm("  Use it anyway?", false) ? Optional.of(doubtful.value()) : Optional.empty();
        }
        return Optional.of(((Verdict.Accepted<Object>) verdict).value());
    }

    private Optional<Object> checkList(Question q, String text, Draft d) {
        List<String> items = Question.split(text);
        return q.items(items, d, (index, message) -> dialog.say("  " + q.key() + "[" + index + "]: " + message)).map(v -> v);
    }

    /** From the environment when it is set there; otherwise typed without echo, and never on a terminal that would show it. */
    private Move askSecret(Question q, Draft d) throws Aborted {
        ExternalSecret secret = q.secret().orElseThrow();
        Optional<Secret> fromEnvironment = secret.fromEnvironment(environment);
        if (fromEnvironment.isPresent()) {
            d.putSecret(secret, fromEnvironment.get());
            dialog.say("  " + q.key() + ": taken from " + secret.variable());
            return Move.NEXT;
        }
        if (!dialog.canMask()) {
            throw new Aborted(refusedSecret(secret));
        }
        while (true) {
            Secret value = dialog.askSecret(q.prompt() + " (not shown)");
            if (!value.reveal().isEmpty()) {
                d.putSecret(secret, value);
                return Move.NEXT;
            }
            dialog.say("  " + q.key() + ": is empty (expected " + secret.description() + ")");
        }
    }

    static String refusedSecret(ExternalSecret secret) {
        return "this terminal cannot hide what is typed, so oth will not ask for " + secret.description() + " here: set "
                + secret.variable() + ", or give " + secret.answersKey() + " in an answers file (oth setup --answers FILE)";
    }

    /** Nodes: add, remove, list, done. Each added node answers the node questions. */
    private Step nodes() {
        return new Step() {
            @Override
            public boolean applies(Draft d) {
                return true;
            }

            @Override
            public boolean answered(Draft d) {
                return !d.nodes().isEmpty() && questions.rosterProblems(d).isEmpty();
            }

            @Override
            public Move run(Draft d) throws Aborted {
                dialog.say("  Nodes: " + counts() + ". Commands: add [ROLE], remove NAME, list, done, back, ?");
                list(d);
                while (true) {
                    boolean complete = questions.rosterProblems(d).isEmpty();
                    String line = dialog.ask("nodes>", Optional.of(complete ? "done" : "add"), nodeCommands(d));
                    String[] words = (line.isEmpty() ? (complete ? "done" : "add") : line).split("\\s+");
                    switch (words[0]) {
                        case HELP -> dialog.sayWrapped("add [ROLE] asks for a node's role, name and addresses; remove NAME drops one; list shows "
                                + "them; done goes on when the roles add up (" + counts() + ").", "  ");
                        case BACK -> {
                            return Move.BACK;
                        }
                        case "list" -> list(d);
                        case "add" -> addNode(d, words.length > 1 ? Optional.of(words[1]) : Optional.empty());
                        case "remove" -> {
                            if (words.length < 2 || !d.removeNode(words[1])) {
                                dialog.say("  no node named " + (words.length < 2 ? "(none given)" : words[1]) + "; list shows them");
                            } else {
                                progress.answered(d, sectionsDone);
                            }
                        }
                        case "done" -> {
                            List<String> problems = questions.rosterProblems(d);
                            if (problems.isEmpty()) {
                                return Move.NEXT;
                            }
                            problems.forEach(p -> dialog.say("  nodes: " + p));
                        }
                        default -> dialog.say("  \"" + words[0] + "\" is not a command here (expected add, remove, list, done, back or ?)");
                    }
                }
            }
        };
    }

    private void addNode(Draft d, Optional<String> role) throws Aborted {
        d.discardPending();
        List<Question> nodeQuestions = questions.node();
        int i = 0;
        if (role.isPresent()) {
            Optional<Object> checked = checkScalar(nodeQuestions.get(0), role.get(), d);
            if (checked.isEmpty()) {
                return;
            }
            d.put(Questions.NODE_ROLE, role.get(), checked.get());
            i = 1;
        }
        while (i < nodeQuestions.size()) {
            Question q = nodeQuestions.get(i);
            if (!q.asked().test(d)) {
                i++;
                continue;
            }
            if (ask(q, d) == Move.BACK) {
                if (i == 0) {
                    d.discardPending();
                    dialog.say("  (node not added)");
                    return;
                }
                i--;
                while (i > 0 && !nodeQuestions.get(i).asked().test(d)) {
                    i--;
                }
                continue;
            }
            i++;
        }
        dialog.say("  added " + d.string(Questions.NODE_NAME));
        d.addPending();
        progress.answered(d, sectionsDone);
    }

    private void list(Draft d) {
        if (d.nodes().isEmpty()) {
            dialog.say("  (no nodes yet)");
        }
        for (Map<String, Draft.Answer> n : d.nodes()) {
            String publicAddress = d.nodeText(n, Questions.NODE_PUBLIC_ADDRESS);
            dialog.say(String.format("  %-12s %-8s %s%s", d.nodeText(n, Questions.NODE_NAME), d.nodeText(n, Questions.NODE_ROLE),
                    d.nodeText(n, Questions.NODE_ADDRESS), publicAddress.isEmpty() ? "" : "  public " + publicAddress));
        }
    }

    private String counts() {
        return String.join(", ", questions.playbooks().roles().values().stream().map(r -> r.count().describe() + " " + r.name()).toList());
    }

    private org.jline.reader.Completer nodeCommands(Draft d) {
        List<String> words = new ArrayList<>(List.of("add", "remove", "list", "done", BACK));
        return new org.jline.reader.impl.completer.ArgumentCompleter(
                new org.jline.reader.impl.completer.StringsCompleter(words),
                new org.jline.reader.impl.completer.StringsCompleter(java.util.stream.Stream.concat(
                        questions.playbooks().roles().keySet().stream(),
                        d.nodes().stream().map(n -> d.nodeText(n, Questions.NODE_NAME))).toList()));
    }

    /** After the nodes: does the fqdn point at the load balancer? A person may go on without it. */
    private Step dnsPointsAtLoadBalancer() {
        return new Step() {
            @Override
            public boolean applies(Draft d) {
                return publicAddress(d).isPresent();
            }

            @Override
            public boolean asks() {
                return false;
            }

            @Override
            public Move run(Draft d) throws Aborted {
                String fqdn = d.string(Questions.FQDN);
                String address = publicAddress(d).orElseThrow();
                Optional<String> mismatch = dns.mismatch(fqdn, address);
                if (mismatch.isEmpty()) {
                    dialog.say("  " + fqdn + " points at the load balancer's public address " + address + ": ok");
                    return Move.NEXT;
                }
                dialog.say("  " + Questions.FQDN + ": warning: " + mismatch.get());
                return dialog.confirm("  Go on anyway?", true) ? Move.NEXT : Move.BACK;
            }
        };
    }

    private Optional<String> publicAddress(Draft d) {
        return d.nodes().stream()
                .filter(n -> questions.playbooks().roles().get(d.nodeText(n, Questions.NODE_ROLE)).publicAddress() == Role.PublicAddress.REQUIRED)
                .map(n -> d.nodeText(n, Questions.NODE_PUBLIC_ADDRESS)).filter(a -> !a.isEmpty()).findFirst();
    }

    /** Connect now, showing each unknown host key for the person to confirm: trust on first use, only with that confirmation. */
    private Step hostKeys() {
        return new Step() {
            /** Ctrl-C while a key is being confirmed: the connection attempt refuses the key, then the setup stops. */
            private Aborted interrupted;

            @Override
            public boolean applies(Draft d) {
                return true;
            }

            /** A resumed setup does not connect again on its own: the summary says the keys were not checked. */
            @Override
            public boolean answered(Draft d) {
                return true;
            }

            @Override
            public Move run(Draft d) throws Aborted {
                if (!dialog.confirm("Connect to the " + (d.is(Questions.BASTION, Questions.DIRECT) ? "" : "bastion and the ")
                        + "nodes now, to check their host keys?", true)) {
                    return Move.NEXT;
                }
                List<Connector.Result> results = connector.connect(DraftSite.forConnecting(d, Path.of("site.yml")), this::confirmKey, this::passphrase);
                if (interrupted != null) {
                    throw interrupted;
                }
                d.connected(results);
                boolean allOk = true;
                for (Connector.Result r : results) {
                    dialog.say("  " + r.host() + ": " + r.problem().orElse("ok"));
                    allOk &= r.problem().isEmpty();
                }
                if (allOk) {
                    return Move.NEXT;
                }
                return dialog.confirm("  Not every host can be used yet. Go on anyway?", false) ? Move.NEXT : Move.BACK;
            }

            private char[] typedPassphrase;

            /**
             * The SSH key's passphrase, asked once: from OTH_KEY_PASSPHRASE, else typed without echo; never on a
             * terminal that would show it (then the key cannot be used, and the person is told how to give it).
             */
            private synchronized char[] passphrase() {
                String fromEnvironment = environment.apply(ConnectOptions.PASSPHRASE_VARIABLE);
                if (fromEnvironment != null) {
                    return fromEnvironment.toCharArray();
                }
                if (typedPassphrase == null && interrupted == null) {
                    if (!dialog.canMask()) {
                        dialog.say("  this terminal cannot hide what is typed, so oth will not ask for the SSH key's passphrase here: set "
                                + ConnectOptions.PASSPHRASE_VARIABLE + " (or use ssh-agent)");
                        typedPassphrase = new char[0];
                    } else {
                        try {
                            typedPassphrase = dialog.askSecret("  Passphrase for the SSH key (not shown)").reveal().toCharArray();
                        } catch (Aborted e) {
                            interrupted = e;
                            typedPassphrase = new char[0];
                        }
                    }
                }
                return typedPassphrase.clone();
            }

            private synchronized boolean confirmKey(String label, String address, String type, String fingerprint) {
                if (interrupted != null) {
                    return false;
                }
                dialog.say("  " + label + " (" + address + ") offers this " + type + " host key:\n    " + fingerprint);
                try {
                    boolean yes = dialog.confirm("  Is this the key you expect (compare it out of band)?", false);
                    if (!yes) {
                        dialog.say("  " + label + ": key not trusted; this host cannot be used until its key is trusted (oth hosts trust)");
                    }
                    return yes;
                } catch (Aborted e) {
                    interrupted = e;
                    return false;
                }
            }
        };
    }
}
