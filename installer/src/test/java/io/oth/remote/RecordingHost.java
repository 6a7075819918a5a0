package io.oth.remote;

import io.oth.secret.Secret;

import io.oth.op.FileOp;
import io.oth.op.Probe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Host} for hermetic tests: no SSH, scripted answers, and a record of every command and
 * upload in the order they came.
 *
 * <p>A probe script ({@link Probe#script}, {@link Probe#concurrentScript}) is answered probe by probe:
 * a key scripted with {@link #answer} gets that answer (a {@link Probe#scoped} probe the answer of
 * its whole key, else of its own key); {@code file:PATH} gets what {@link FileOp}'s probe prints for the
 * files uploaded here (so a second run sees the first run's files); the facts every run reads get a
 * healthy node's; any other probe answers nothing with exit 0. Other commands succeed with no output
 * unless {@link #when} scripts them. {@link #failWhen} makes a command (not a probe script: script
 * the probe's answer) or an upload fail, {@link #dropAfter} makes the connection drop.
 */
public final class RecordingHost implements Host {
    private static final Pattern PROBE_KEY = Pattern.compile("printf '%s %s\\\\n' '@@oth-probe' '(\\S+)'");

    private final String name;
    private final List<String> log = new ArrayList<>();
    private final List<List<String>> batches = new ArrayList<>();
    private final Map<String, Probe.Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, CommandResult> scripted = new LinkedHashMap<>();
    private final Map<String, String> failing = new LinkedHashMap<>();
    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final java.util.Set<String> silent = ConcurrentHashMap.newKeySet();
    private volatile Function<String, Optional<Probe.Answer>> fallback = key -> Optional.empty();
    private int dropAfter = Integer.MAX_VALUE;
    private Runnable onRun = () -> { };

    /** A file as uploaded: its bytes, owner and mode. */
    public record File(byte[] content, String owner, String mode) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    public RecordingHost(String name) {
        this.name = name;
        answer("hostname", name);
        answer("init", "systemd");
        answer("source", "10.77.0.10 22");
        answer("forwarding", "0");
        answer("leftovers", "");
    }

    @Override
    public String name() {
        return name;
    }

    /** The probe {@code key} answers {@code output} with exit 0. */
    public RecordingHost answer(String key, String output) {
        return answer(key, new Probe.Answer(0, output));
    }

    public RecordingHost answer(String key, Probe.Answer answer) {
        answers.put(key, answer);
        return this;
    }

    /** The probe {@code key} gets no section at all in the node's output (a node cut short, or one that hides it). */
    public RecordingHost silentOn(String key) {
        silent.add(key);
        return this;
    }

    /** Answers for probes neither scripted nor known: empty for those it does not answer. */
    public RecordingHost otherProbes(Function<String, Optional<Probe.Answer>> answer) {
        fallback = answer;
        return this;
    }

    /** A command whose text contains {@code part} answers {@code result}. */
    public synchronized RecordingHost when(String part, CommandResult result) {
        scripted.put(part, result);
        return this;
    }

    /** A command whose text contains {@code part} fails (exit 1) with {@code stderr}; an upload whose line contains it throws. */
    public synchronized RecordingHost failWhen(String part, String stderr) {
        failing.put(part, stderr);
        return this;
    }

    /** After {@code calls} more calls, every call fails as a lost connection. */
    public synchronized RecordingHost dropAfter(int calls) {
        dropAfter = log.size() + calls;
        return this;
    }

    /** Runs before each command (tests of concurrency wait here). */
    public synchronized RecordingHost onRun(Runnable hook) {
        onRun = hook;
        return this;
    }

    /** Every call so far, in order: {@code run CMD}, {@code stdin CMD}, {@code upload PATH OWNER MODE}, {@code read PATH}. */
    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    /** The commands run so far other than probe scripts. */
    public List<String> commands() {
        return log().stream().filter(l -> l.startsWith("run ") || l.startsWith("stdin ")).filter(l -> !l.contains("@@oth-probe")).toList();
    }

    public List<String> uploads() {
        return log().stream().filter(l -> l.startsWith("upload ")).toList();
    }

    public Optional<File> file(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /** Puts a file on the host as if an earlier run had uploaded it. */
    public RecordingHost has(String path, String content, String owner, String mode) {
        files.put(path, new File(content.getBytes(StandardCharsets.UTF_8), owner, mode));
        return this;
    }

    @Override
    public CommandResult run(Command command, Duration timeout) throws RemoteException {
        return execute("run ", command);
    }

    @Override
    public CommandResult run(Command command, Secret input, Duration timeout) throws RemoteException {
        return execute("stdin ", command);
    }

    @Override
    public void upload(byte[] content, String path, String owner, String mode, String check) throws RemoteException {
        String line = "upload " + path + " " + owner + " " + mode;
        synchronized (this) {
            record(line);
            for (Map.Entry<String, String> f : failing.entrySet()) {
                if (line.contains(f.getKey())) {
                    throw new RemoteException(name, Failure.COMMAND_FAILED, f.getValue());
                }
            }
        }
        files.put(path, new File(content.clone(), owner, mode));
    }

    /** Records the files sent together, then uploads each as a node would, in order. */
    @Override
    public void upload(List<Upload> files) throws RemoteException {
        synchronized (this) {
            batches.add(files.stream().map(Upload::path).toList());
        }
        Host.super.upload(files);
    }

    /** The paths of each {@link #upload(List)} so far, in order: what went to the node in one round trip. */
    public synchronized List<List<String>> batches() {
        return List.copyOf(batches);
    }

    @Override
    public Optional<byte[]> read(String path) throws RemoteException {
        record("read " + path);
        return Optional.ofNullable(files.get(path)).map(File::content);
    }

    @Override
    public Forward forward(String address, int port) throws RemoteException {
        record("forward " + address + ":" + port);
        throw new RemoteException(name, Failure.COMMAND_FAILED, "a recording host forwards nothing");
    }

    private CommandResult execute(String how, Command command) throws RemoteException {
        String text = shown(command);
        Runnable hook;
        synchronized (this) {
            record(how + text);
            hook = onRun;
        }
        hook.run();
        synchronized (this) {
            if (text.contains("@@oth-probe")) {
                return new CommandResult(0, probeOutput(text), "");
            }
            for (Map.Entry<String, String> f : failing.entrySet()) {
                if (text.contains(f.getKey())) {
                    return new CommandResult(1, "", f.getValue());
                }
            }
            for (Map.Entry<String, CommandResult> s : scripted.entrySet()) {
                if (text.contains(s.getKey())) {
                    return s.getValue();
                }
            }
        }
        return new CommandResult(0, "", "");
    }

    /** The command as a person reads it: a shell script as its text, not quoted for {@code sh -c}. */
    private static String shown(Command command) {
        String text = command.render(false);
        if (!text.startsWith("sh -c ")) {
            return text;
        }
        String script = text.substring("sh -c ".length());
        return script.startsWith("'") ? script.substring(1, script.length() - 1).replace("'\"'\"'", "'") : script;
    }

    private synchronized void record(String line) throws RemoteException {
        if (log.size() >= dropAfter) {
            throw new RemoteException(name, Failure.CONNECTION_LOST, "the recording host dropped the connection on cue");
        }
        log.add(line);
    }

    /** What the node would print for each probe of the script, in the format {@link Probe#parse} reads. */
    private String probeOutput(String script) {
        StringBuilder out = new StringBuilder();
        Matcher m = PROBE_KEY.matcher(script);
        while (m.find()) {
            String key = m.group(1);
            String own = Probe.unscoped(key);
            if (silent.contains(own)) {
                continue;
            }
            Probe.Answer a = Optional.ofNullable(answers.get(key)).or(() -> Optional.ofNullable(answers.get(own))).or(() -> fileAnswer(own)).or(() -> settingAnswer(own))
                    .or(() -> fallback.apply(own)).orElse(new Probe.Answer(0, ""));
            out.append("@@oth-probe ").append(key).append('\n').append(a.output()).append("\n\n@@oth-probe-rc ").append(a.exitCode()).append('\n');
        }
        return out.toString();
    }

    /**
     * What {@link io.oth.op.KeptSettingOp}'s probe prints for {@code setting:PATH:NAME}: the sha256
     * of the value of the file's first {@code NAME=} line, or {@code absent}.
     */
    private Optional<Probe.Answer> settingAnswer(String key) {
        if (!key.startsWith("setting:")) {
            return Optional.empty();
        }
        int at = key.lastIndexOf(':');
        File f = files.get(key.substring("setting:".length(), at));
        String prefix = key.substring(at + 1) + "=";
        Optional<String> value = f == null ? Optional.empty() : f.text().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(prefix.length())).filter(v -> !v.isEmpty());
        return Optional.of(new Probe.Answer(0, value.map(v -> FileOp.sha256(v.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "  -")
                .orElse("absent")));
    }

    /** What {@link FileOp}'s probe prints: checksum, owner and mode, content; or {@code absent}. */
    private Optional<Probe.Answer> fileAnswer(String key) {
        if (!key.startsWith("file:")) {
            return Optional.empty();
        }
        File f = files.get(key.substring("file:".length()));
        if (f == null) {
            return Optional.of(new Probe.Answer(0, "absent"));
        }
        return Optional.of(new Probe.Answer(0, FileOp.sha256(f.content()) + "\n" + f.owner() + " " + f.mode().replaceFirst("^0+(?=.)", "")
                + "\n" + f.text()));
    }
}
