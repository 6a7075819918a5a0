package io.oth.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oth.check.Doctor;
import io.oth.check.DoctorReport;
import io.oth.check.NameLookup;
import io.oth.concurrent.OwnThread;
import io.oth.fleet.FleetConnector;
import io.oth.install.InstallPlaybook;
import io.oth.install.NodeLayout;
import io.oth.progress.Progress;
import io.oth.progress.Waiting;
import io.oth.remote.Command;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.report.DoctorJson;
import io.oth.runlog.RunLog;
import io.oth.secret.Secret;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.Site;
import io.oth.site.StateDir;
import io.oth.template.Templates;
import io.oth.concurrent.Parallel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code oth support bundle}: what support needs from every node and from this side, in one
 * .tar.gz. Each node collects and redacts its own part (playbooks/bundle.yml, redact.pl) before
 * anything leaves it; this side adds its own files and a fresh doctor run, redacts everything once
 * more with every secret it holds, and then checks the finished archive against those secrets in
 * every encoding ({@link BundleVerifier}): a bundle that carries one is never written.
 */
public final class SupportBundle {
    public static final String SCHEMA = "oth-support-bundle/1";
    /** A node's file or command output is cut to its last this many bytes. */
    static final int FILE_CAP = 4 << 20;
    /** The newest run logs taken from this side. */
    static final int RUN_LOGS = 10;
    static final String REDACTOR = "/io/oth/bundle/redact.pl";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * @param since    how far back logs go
     * @param node     only this node, or every node
     * @param out      the bundle's file, or empty for {@code oth-bundle-SITE-TIME.tar.gz} here
     * @param disabled redaction rules switched off: for the test that proves the check catches what they would have removed
     */
    public record Request(Duration since, Optional<String> node, Optional<Path> out, Set<String> disabled) {
    }

    /** What became of one node: collected, or why not. */
    public record NodePart(String node, Optional<String> problem) {
    }

    /** A bundle made ({@code written}), or refused because it carried a secret ({@code leaks}). */
    public record Outcome(Optional<Path> written, List<NodePart> nodes, List<BundleVerifier.Leak> leaks, long redacted, long bytes) {
    }

    private final Site site;
    private final Playbooks playbooks;
    private final FleetConnector connector;
    private final Clock clock;
    private final Consumer<String> say;
    private final String version;
    private final Path stateDir;

    public SupportBundle(Site site, Playbooks playbooks, FleetConnector connector, Clock clock, String version, Consumer<String> say) {
        this.site = site;
        this.playbooks = playbooks;
        this.connector = connector;
        this.clock = clock;
        this.version = version;
        this.say = say;
        this.stateDir = StateDir.of(site.name());
    }

    public Outcome make(Request request) throws IOException {
        Instant created = clock.instant();
        String top = "oth-bundle-" + site.name() + "-" + STAMP.format(created);
        Path out = request.out().orElse(Path.of(top + ".tar.gz")).toAbsolutePath();
        Files.createDirectories(stateDir);
        Path staging = Files.createTempDirectory(stateDir, ".bundle-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String keyHex = HexFormat.of().formatHex(key);
            List<Node> nodes = request.node().map(name -> List.of(site.node(name).orElseThrow())).orElse(site.nodes());
            Map<String, String> answers = new ConcurrentHashMap<>();
            CompletableFuture<DoctorReport> doctor = CompletableFuture.supplyAsync(() -> {
                Doctor.Context context = new Doctor.Context(site, playbooks, clock, connector, NameLookup.system(), stateDir);
                return new Doctor(context, Set.of(), false, 3).recordingAnswers((node, raw) -> answers.put(node.name(), raw))
                        .report(request.node());
            }, OwnThread.named("oth-bundle-doctor"));
            List<Collected> parts = collect(nodes, staging.resolve("nodes"), keyHex, request);
            DoctorReport report;
            try (Progress.Activity checking = connector.progress().doing("the doctor's checks");
                 Waiting waiting = checking.waitFor("the doctor's checks of every node")) {
                report = doctor.join();
            }
            say.accept("doctor: " + report.findings().size() + " findings, worst " + report.worst().name().toLowerCase(java.util.Locale.ROOT));
            Path operator = Files.createDirectories(staging.resolve("operator"));
            Files.writeString(operator.resolve("doctor.json"), DoctorJson.render(site.name(), site.fqdn(), report.started(), report.seconds(), report.findings()));
            for (Map.Entry<String, String> e : answers.entrySet()) {
                Files.writeString(Files.createDirectories(staging.resolve("nodes").resolve(e.getKey())).resolve("doctor-probes.txt"), e.getValue());
            }
            operatorFiles(operator);
            Progress.Activity finishing = connector.progress().doing("redacting this side's files, then checking the bundle for every secret of the site");
            List<Map<String, Object>> redactions = new ArrayList<>();
            parts.stream().flatMap(p -> p.lines.stream().map(line -> redaction("nodes/" + p.part.node() + "/", line))).flatMap(Optional::stream)
                    .forEach(redactions::add);
            redactLocally(staging, keyHex, request.disabled()).forEach(line -> redaction("", line).ifPresent(redactions::add));
            long redacted = redactions.stream().mapToLong(r -> ((Number) r.get("count")).longValue()).sum();
            Files.writeString(staging.resolve("redactions.json"), JSON.writeValueAsString(Map.of("schema", SCHEMA, "redactions", redactions)));
            Files.writeString(staging.resolve("index.json"), index(created, request, parts, staging));
            Path part = Files.createTempFile(out.getParent(), "." + out.getFileName() + ".", ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                BundleArchive.write(staging, top, part);
                List<BundleVerifier.Leak> leaks = BundleVerifier.verify(part, SiteSecrets.of(site, stateDir));
                List<NodePart> nodeParts = parts.stream().map(p -> p.part).toList();
                if (!leaks.isEmpty()) {
                    return new Outcome(Optional.empty(), nodeParts, leaks, redacted, 0);
                }
                long bytes = Files.size(part);
                Files.move(part, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return new Outcome(Optional.of(out), nodeParts, List.of(), redacted, bytes);
            } finally {
                finishing.close();
                Files.deleteIfExists(part);
            }
        } finally {
            delete(staging);
        }
    }

    /** One node's part and what its redactor said. */
    private record Collected(NodePart part, List<String> lines) {
    }

    private List<Collected> collect(List<Node> nodes, Path dir, String keyHex, Request request) throws IOException {
        Files.createDirectories(dir);
        byte[] redactor = redactor();
        byte[] script = script(request).getBytes(StandardCharsets.UTF_8);
        Fleet connected;
        try (Progress.Activity connecting = connector.progress().doing(FleetConnector.connecting(site, nodes))) {
            connected = connector.connect(site, nodes);
        } catch (RemoteException e) {
            say.accept("no node collected: " + e.getMessage());
            return nodes.stream().map(n -> new Collected(new NodePart(n.name(), Optional.of(e.getMessage())), List.of())).toList();
        }
        try (Fleet fleet = connected) {
            return Parallel.map(fleet.reaches(), connector.concurrency(), reach -> {
                String name = reach.node().name();
                if (reach.host().isEmpty()) {
                    String why = reach.failure().map(f -> f.getMessage()).orElse("not reached");
                    say.accept(name + ": not collected: " + why);
                    return new Collected(new NodePart(name, Optional.of(why)), List.of());
                }
                try (Progress.Activity collecting = connector.progress().start(name, "bundle")) {
                    collecting.step("collecting and redacting on the node");
                    NodeCollection got = NodeCollection.collect(reach.host().get(), script, redactor,
                            Secret.of(stdin(keyHex, reach.node(), request.disabled())));
                    Path nodeDir = Files.createDirectories(dir.resolve(name));
                    long bytes = NodeArchive.extract(got.archive(), nodeDir);
                    say.accept(name + ": collected " + bytes + " bytes");
                    return new Collected(new NodePart(name, Optional.empty()), got.redactions());
                } catch (RemoteException | NodeArchive.Refused e) {
                    say.accept(name + ": not collected: " + e.getMessage());
                    return new Collected(new NodePart(name, Optional.of(e.getMessage())), List.of());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The node's collection script: the playbook's lists, quoted here, with the package versions of everything oth installs. */
    String script(Request request) {
        BundlePlaybook book = BundlePlaybook.load();
        List<Map<String, String>> commands = new ArrayList<>();
        book.commands().forEach((name, script) -> commands.add(Map.of("name", name, "script", Command.quote(script))));
        InstallPlaybook install = InstallPlaybook.load();
        List<String> packages = Stream.concat(install.packages().values().stream(), install.servicePackages().values().stream())
                .flatMap(List::stream).distinct().sorted().toList();
        commands.add(Map.of("name", "packages", "script", Command.quote("dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n' "
                + String.join(" ", packages) + " 2>&1; true")));
        commands.add(Map.of("name", "backups", "script", Command.quote("ls -la --time-style=+%Y-%m-%dT%H:%M:%S " + Command.quote(install.backups().dir())
                + " 2>&1; true")));
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("cap", FILE_CAP);
        vars.put("since_minutes", Math.max(1, request.since().toMinutes()));
        vars.put("commands", commands);
        vars.put("files", words(book.files()));
        vars.put("logs", words(book.logs()));
        vars.put("certificates", words(book.certificates()));
        return Templates.render("support/collect.sh.peb", vars);
    }

    private static String words(List<String> paths) {
        return String.join(" ", paths.stream().map(Command::quote).toList());
    }

    /**
     * The redactor's stdin on {@code node}: the key, then the files where this node keeps the site's
     * secrets (it redacts their values wherever they appear). No secret travels: the node reads its own.
     */
    static String stdin(String keyHex, Node node, Set<String> disabled) {
        StringBuilder in = new StringBuilder(keyHex).append('\n');
        for (String path : secretSources(node)) {
            in.append(path).append('\n');
        }
        disabled.forEach(rule -> in.append("disable ").append(rule).append('\n'));
        return in.toString();
    }

    private static List<String> secretSources(Node node) {
        return switch (node.role()) {
            case Role.APP -> NodeLayout.APP_SECRET_NAMES.stream().map(n -> "whole " + NodeLayout.appSecret(n).path()).toList();
            case Role.STORAGE -> List.of("whole " + NodeLayout.BROKER_COOKIE, "kv " + NodeLayout.MINIO_ENVIRONMENT, "whole " + NodeLayout.MARIADB_KEYFILE);
            default -> List.of();
        };
    }

    /** This side's files: oth's version, the site file, the journal, the audit logs and the newest run logs. */
    private void operatorFiles(Path operator) throws IOException {
        Files.writeString(operator.resolve("version.txt"), "oth " + version + "\njava " + System.getProperty("java.version") + "\n");
        copy(site.file(), operator.resolve("site.yml"));
        for (String name : List.of("journal", "support.log", "upgrade.log", StateDir.LAST_DOCTOR)) {
            copy(stateDir.resolve(name), operator.resolve(name));
        }
        // Where this run logs: the site's state directory, unless the caller keeps run logs elsewhere.
        Path logs = RunLog.current().flatMap(RunLog::path).map(Path::getParent).orElse(stateDir.resolve(StateDir.LOGS));
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.list(logs)) {
                List<Path> newest = files.filter(Files::isRegularFile).sorted().toList();
                for (Path log : newest.subList(Math.max(0, newest.size() - RUN_LOGS), newest.size())) {
                    copy(log, Files.createDirectories(operator.resolve("logs")).resolve(log.getFileName()));
                }
            }
        }
    }

    /** {@code from}'s last {@link #FILE_CAP} bytes, when it exists. */
    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) {
            return;
        }
        long size = Files.size(from);
        try (InputStream in = Files.newInputStream(from)) {
            in.skipNBytes(Math.max(0, size - FILE_CAP));
            Files.write(to, in.readNBytes(FILE_CAP));
        }
    }

    /** Runs the redactor here over {@code dir}, with this side's secrets file as a source of values; its lines. */
    private List<String> redactLocally(Path dir, String keyHex, Set<String> disabled) throws IOException {
        Path script = dir.resolveSibling(dir.getFileName() + ".redact.pl");
        Files.write(script, redactor());
        try {
            Process p = new ProcessBuilder("perl", script.toString(), dir.toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
            try (var in = p.getOutputStream()) {
                StringBuilder stdin = new StringBuilder(keyHex).append('\n');
                SiteSecrets.sources(stateDir.resolve("secrets.yml")).forEach(s -> stdin.append(s).append('\n'));
                disabled.forEach(rule -> stdin.append("disable ").append(rule).append('\n'));
                in.write(stdin.toString().getBytes(StandardCharsets.UTF_8));
            }
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            }, OwnThread.named("oth-redact-err"));
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                throw new IOException("the redaction on this side failed (exit " + code + "): " + new String(err.join(), StandardCharsets.UTF_8).strip());
            }
            return output.lines().toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during the redaction", e);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** A redactor line {@code FILE<TAB>RULE<TAB>COUNT} as an entry of redactions.json. */
    private static Optional<Map<String, Object>> redaction(String prefix, String line) {
        String[] cells = line.split("\t");
        if (cells.length != 3 || !cells[2].matches("[0-9]{1,9}") || cells[0].length() > 1024 || !cells[1].matches("[a-z0-9-]{1,40}")) {
            return Optional.empty();
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("file", prefix + cells[0]);
        entry.put("rule", cells[1]);
        entry.put("count", Integer.parseInt(cells[2]));
        return Optional.of(entry);
    }

    private String index(Instant created, Request request, List<Collected> parts, Path staging) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("site", site.name());
        doc.put("fqdn", site.fqdn());
        doc.put("created", created.toString());
        doc.put("oth_version", version);
        doc.put("since_minutes", request.since().toMinutes());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Collected c : parts) {
            Node node = site.node(c.part.node()).orElseThrow();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", node.name());
            one.put("role", node.role());
            one.put("address", node.address());
            one.put("collected", c.part.problem().isEmpty());
            c.part.problem().ifPresent(p -> one.put("problem", p));
            one.put("items", NodeIndex.read(staging.resolve("nodes").resolve(node.name()).resolve("index.tsv")));
            nodes.add(one);
        }
        doc.put("nodes", nodes);
        List<Map<String, Object>> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(staging)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                files.add(Map.of("path", staging.relativize(f).toString(), "bytes", Files.size(f)));
            }
        }
        doc.put("files", files);
        return JSON.writeValueAsString(doc);
    }

    static byte[] redactor() throws IOException {
        try (InputStream in = SupportBundle.class.getResourceAsStream(REDACTOR)) {
            if (in == null) {
                throw new IOException("this build has no " + REDACTOR);
            }
            return in.readAllBytes();
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
