package io.oth.install.offline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator machine's Debian tools as a {@link PackageSource}: apt resolves and downloads, dpkg-deb
 * reads a .deb's control fields. Each runs as a plain process with an argument vector (no shell),
 * its output bounded; none needs root.
 */
public final class DebianTools {
    /** apt's output (progress and errors) kept for a message; a closure of a few hundred packages prints far less. */
    private static final int MAX_OUTPUT = 1 << 20;
    private static final int MAX_DEBS = 10_000;

    private DebianTools() {
    }

    /**
     * apt on this machine, against an empty dpkg status, so that nothing is assumed installed: {@code apt-get install
     * --download-only} of a role's packages fetches the whole closure apt would install on a bare node of this
     * machine's release, alternatives chosen as apt chooses them (not every alternative and provider, as
     * {@code apt-cache depends --recurse} would list).
     */
    public static PackageSource apt() {
        return new Base() {
            @Override
            public List<Path> resolve(String role, List<String> packages, Path work) throws IOException, DebPackage.InvalidException {
                Path archives = Files.createDirectories(work.resolve("archives"));
                Files.createDirectories(archives.resolve("partial"));
                Path status = work.resolve("empty-status");
                Files.write(status, new byte[0]);
                List<String> argv = new ArrayList<>(List.of("apt-get", "install", "--download-only", "--no-install-recommends", "-y", "-q",
                        "-o", "Dir::State::status=" + status, "-o", "Dir::Cache::archives=" + archives, "-o", "Debug::NoLocking=1",
                        "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache="));
                argv.addAll(packages);
                Output r = run(argv, 3600);
                if (r.code() != 0) {
                    throw new DebPackage.InvalidException(List.of("apt-get could not fetch the packages of role " + role + " ("
                            + String.join(" ", packages) + "): " + r.tail() + " (is this machine's apt able to reach its sources? "
                            + "`apt-get update` first; or give --debs-from DIR)"));
                }
                return debsIn(archives);
            }
        };
    }

    /** The .debs in {@code dir} (a local mirror or apt cache): each role takes its closure among them. */
    public static PackageSource directory(Path dir) {
        return new Base() {
            private List<Path> all;
            private List<DebPackage> read;

            @Override
            public List<Path> resolve(String role, List<String> packages, Path work) throws IOException, DebPackage.InvalidException {
                if (all == null) {
                    all = debsIn(dir);
                    read = new ArrayList<>();
                    List<String> problems = new ArrayList<>();
                    for (Path deb : all) {
                        try {
                            read.add(DebPackage.of("debs/" + deb.getFileName(), 0, "0".repeat(64), fields(deb), deb.toString()));
                        } catch (DebPackage.InvalidException e) {
                            problems.addAll(e.problems());
                        }
                    }
                    if (!problems.isEmpty()) {
                        throw new DebPackage.InvalidException(problems);
                    }
                }
                PackageClosure.Result closure = PackageClosure.of(packages, read, PackageClosure.Installed.NOTHING);
                if (!closure.unmet().isEmpty()) {
                    throw new DebPackage.InvalidException(closure.unmet().stream().map(u -> dir + ": role " + role + ": no .deb for " + u).toList());
                }
                List<Path> taken = new ArrayList<>();
                closure.take().forEach(d -> taken.add(all.get(read.indexOf(d))));
                return taken;
            }
        };
    }

    /** What both sources share: dpkg-deb for the fields, os-release and dpkg for the release. */
    private abstract static class Base implements PackageSource {
        @Override
        public Map<String, String> fields(Path deb) throws IOException {
            Output r = run(List.of("dpkg-deb", "--field", deb.toString()), 60);
            if (r.code() != 0) {
                throw new IOException(deb + ": dpkg-deb cannot read it: " + r.tail());
            }
            return control(r.text());
        }

        @Override
        public Release release() throws IOException {
            String codename = null;
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("VERSION_CODENAME=")) {
                    codename = line.substring("VERSION_CODENAME=".length()).replace("\"", "").strip();
                }
            }
            Output arch = run(List.of("dpkg", "--print-architecture"), 60);
            if (codename == null || codename.isEmpty() || arch.code() != 0) {
                throw new IOException("this machine does not say its Debian release (VERSION_CODENAME in /etc/os-release, dpkg --print-architecture):"
                        + " make the bundle on a Debian machine of the nodes' release");
            }
            return new Release(codename, arch.text().strip());
        }
    }

    /** A control stanza's fields that oth keeps ({@link DebPackage#FIELDS}); a folded line joins the field before it with a space. */
    static Map<String, String> control(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                fields.put(last, fields.get(last) + " " + line.strip());
            } else if (line.indexOf(':') > 0) {
                last = line.substring(0, line.indexOf(':'));
                fields.put(last, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        fields.keySet().retainAll(DebPackage.FIELDS);
        return fields;
    }

    static List<Path> debsIn(Path dir) throws IOException {
        List<Path> debs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.deb")) {
            for (Path p : stream) {
                if (Files.isRegularFile(p)) {
                    debs.add(p);
                }
                if (debs.size() > MAX_DEBS) {
                    throw new IOException(dir + ": more than " + MAX_DEBS + " .debs");
                }
            }
        }
        debs.sort(null);
        return debs;
    }

    private record Output(int code, String text) {
        String tail() {
            String t = text.strip();
            return t.length() > 2000 ? "..." + t.substring(t.length() - 2000) : t;
        }
    }

    private static Output run(List<String> argv, int seconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readNBytes(MAX_OUTPUT);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.get(0) + " did not finish within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(argv.get(0) + " was interrupted");
        }
        return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
