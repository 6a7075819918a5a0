package io.oth.install.offline;

import io.oth.install.NodeLayout;
import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.PackagesOp;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The role's Debian packages from an offline bundle, for a node without a package source: reads what
 * dpkg has installed, plans nothing when the role's packages are all there, else uploads the .debs
 * it takes that the node lacks (not installed at the bundle's version, and not staged already by a run
 * that was stopped) with an apt index of them, has the node check their sha256, and lets apt install
 * the missing packages from that directory alone ({@code file:} source, the node's own sources left
 * out), so apt orders the install and no network is asked. The staging directory is removed afterwards.
 */
public final class OfflinePackagesOp implements Operation {
    private static final Duration APT = Duration.ofMinutes(10);
    private static final String DIR = NodeLayout.OFFLINE_PACKAGES;
    private static final String DEBS = DIR + "debs/";
    private static final Pattern STAGED = Pattern.compile("([0-9a-f]{64})\\s+\\*?" + Pattern.quote(DEBS) + "(\\S+\\.deb)");

    private final String role;
    private final List<String> packages;
    private final OfflineBundle bundle;

    public OfflinePackagesOp(String role, List<String> packages, OfflineBundle bundle) {
        this.role = role;
        this.packages = List.copyOf(packages);
        this.bundle = bundle;
    }

    @Override
    public String subject() {
        return "packages " + String.join(" ", packages) + " (offline bundle)";
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("offline:dpkg", "dpkg-query -W -f='${Package}\\t${Version}\\t${db:Status-Status}\\t${Provides}\\n' 2>/dev/null; true"),
                new Probe("offline:debian", ". /etc/os-release 2>/dev/null; printf '%s\\n' \"${VERSION_CODENAME:-unknown}\"; dpkg --print-architecture"),
                new Probe("offline:staged", "sha256sum " + DEBS + "*.deb 2>/dev/null; true"));
    }

    /** What dpkg reports installed: name to version, and what installed packages provide. */
    static PackageClosure.Installed installed(String dpkgQuery) {
        Map<String, String> versions = new HashMap<>();
        Set<String> provided = new HashSet<>();
        dpkgQuery.lines().limit(100_000).forEach(line -> {
            String[] f = line.split("\t", -1);
            if (f.length >= 3 && f[2].equals("installed") && DebPackage.NAME.matcher(f[0].replaceFirst(":.*", "")).matches()) {
                versions.put(f[0].replaceFirst(":.*", ""), f[1]);
                if (f.length >= 4) {
                    DebPackage.parseRelation(f[3]).forEach(provided::addAll);
                }
            }
        });
        return new PackageClosure.Installed(versions, provided);
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        PackageClosure.Installed installed = installed(answers.get("offline:dpkg").output());
        List<String> missing = packages.stream().filter(p -> !installed.versions().containsKey(p)).toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        List<String> debian = answers.get("offline:debian").output().lines().map(String::strip).toList();
        String codename = debian.isEmpty() ? "unknown" : debian.get(0);
        String architecture = debian.size() < 2 ? "unknown" : debian.get(1);
        OfflineManifest m = bundle.manifest();
        if (!codename.equals(m.codename()) || !architecture.equals(m.architecture())) {
            String why = "the node runs Debian " + printable(codename) + " on " + printable(architecture) + ", the offline bundle's packages are for "
                    + m.codename() + " on " + m.architecture() + ": make a bundle on a machine of the nodes' release";
            return Optional.of(Change.of("install packages " + String.join(" ", missing) + " from the offline bundle: refused, " + why, ctx -> {
                throw new RemoteException(ctx.host().name(), Failure.COMMAND_FAILED, "installing " + String.join(" ", missing) + ": " + why);
            }));
        }
        PackageClosure.Result closure = PackageClosure.of(missing, bundle.debs(role), installed);
        Map<String, String> staged = new HashMap<>();
        answers.get("offline:staged").output().lines().map(STAGED::matcher).filter(java.util.regex.Matcher::matches)
                .forEach(x -> staged.put(x.group(2), x.group(1)));
        List<DebPackage> upload = closure.take().stream().filter(d -> !d.sha256().equals(staged.get(d.baseName()))).toList();
        long bytes = upload.stream().mapToLong(DebPackage::size).sum();
        String summary = "install packages " + String.join(" ", missing) + " from the offline bundle: upload " + upload.size() + " .deb(s) the node lacks ("
                + (bytes + (1 << 20) - 1) / (1 << 20) + " MiB" + (closure.take().size() > upload.size() ? ", " + (closure.take().size() - upload.size())
                + " staged already" : "") + ")";
        String detail = String.join("\n", upload.stream().map(d -> "upload " + d.baseName()).toList());
        return Optional.of(Change.of(summary, detail, Set.of(), ctx -> apply(ctx, missing, closure, upload)));
    }

    private void apply(ApplyContext ctx, List<String> missing, PackageClosure.Result closure, List<DebPackage> upload) throws RemoteException {
        String node = ctx.host().name();
        if (!closure.unmet().isEmpty()) {
            throw new RemoteException(node, Failure.COMMAND_FAILED, "installing " + String.join(" ", missing) + ": neither the node nor the offline bundle "
                    + bundle.file() + " has " + String.join(", ", closure.unmet()));
        }
        ctx.runOrFail(Command.of("install", "-d", "-m", "0755", DIR, DEBS, DIR + "lists", DIR + "lists/partial", DIR + "sources.list.d"),
                Duration.ofSeconds(30), "making " + DIR);
        for (DebPackage deb : upload) {
            byte[] content;
            try {
                content = bundle.bytes(deb);
            } catch (IOException e) {
                throw new RemoteException(node, Failure.COMMAND_FAILED, e.getMessage());
            }
            ctx.log().accept("upload " + deb.baseName() + " (" + deb.size() + " bytes)");
            ctx.host().upload(content, DEBS + deb.baseName(), "root:root", "0644");
        }
        StringBuilder index = new StringBuilder();
        StringBuilder sums = new StringBuilder();
        for (DebPackage deb : closure.take()) {
            index.append(deb.stanza()).append('\n');
            sums.append(deb.sha256()).append("  ").append(deb.baseName()).append('\n');
        }
        byte[] packagesIndex = index.toString().getBytes(StandardCharsets.UTF_8);
        ctx.host().upload(packagesIndex, DEBS + "Packages", "root:root", "0644");
        // An unsigned Release naming the index, which apt reads first (apt wants its Date; the node's clock is not asked to agree: Check-Date off);
        // [trusted=yes] stands for a signature: oth checked every .deb, and the node checks them next.
        String date = java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", java.util.Locale.ROOT)
                .format(java.time.Instant.parse(bundle.manifest().created()).atZone(java.time.ZoneOffset.UTC));
        ctx.host().upload(("Origin: oth\nLabel: oth offline bundle\nDate: " + date + "\nSHA256:\n " + FileOp.sha256(packagesIndex) + " " + packagesIndex.length
                + " Packages\n").getBytes(StandardCharsets.UTF_8), DEBS + "Release", "root:root", "0644");
        ctx.host().upload(sums.toString().getBytes(StandardCharsets.UTF_8), DEBS + "SHA256SUMS", "root:root", "0644");
        ctx.host().upload(("deb [trusted=yes] file:" + DEBS + " ./\n").getBytes(StandardCharsets.UTF_8), DIR + "sources.list", "root:root", "0644");
        ctx.runOrFail(Command.shell("cd " + Command.quote(DEBS) + " && sha256sum --check --quiet --strict SHA256SUMS"), Duration.ofMinutes(2),
                "checking the uploaded .debs (damaged or altered after the upload; nothing was installed)");
        List<Object> apt = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q",
                "-o", "Dir::Etc::SourceList=" + DIR + "sources.list", "-o", "Dir::Etc::SourceParts=" + DIR + "sources.list.d",
                "-o", "Dir::State::Lists=" + DIR + "lists", "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
                "-o", "Acquire::Languages=none", "-o", "Acquire::Check-Date=false"));
        apt.addAll(PackagesOp.waitForLock());
        List<Object> update = new ArrayList<>(apt);
        update.add("update");
        ctx.runOrFail(Command.of(update.toArray()), APT, "reading the offline packages' index");
        List<Object> install = new ArrayList<>(apt);
        install.addAll(List.of("install", "-y", "--no-install-recommends"));
        install.addAll(missing);
        CommandResult r = ctx.host().run(Command.of(install.toArray()), APT);
        if (!r.ok()) {
            throw new RemoteException(node, Failure.COMMAND_FAILED, "installing " + String.join(" ", missing) + " from the offline bundle: " + PackagesOp.why(r));
        }
        ctx.runOrFail(Command.of("rm", "-rf", DIR), Duration.ofMinutes(1), "removing " + DIR);
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "installed already: " + String.join(" ", packages) + " (nothing taken from the offline bundle)";
    }

    private static String printable(String text) {
        return DebPackage.printable(text.length() > 64 ? text.substring(0, 64) + "..." : text);
    }
}
