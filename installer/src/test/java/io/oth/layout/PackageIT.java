package io.oth.layout;

import io.oth.cli.OthCommand;
import io.oth.cli.Prompter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packages {@code mvn package} builds, as an operator gets them: the .deb installed with dpkg
 * into a scratch root (its files are under {@code ROOT/usr}, and dpkg knows them there), and the
 * tarball unpacked in a scratch directory. No lab.
 */
class PackageIT {
    private static final String NEEDS_JAVA = "oth needs Java 17 or newer: install openjdk-17-jre-headless or set JAVA";
    private static final Pattern VERSION = Pattern.compile(
            "oth [0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)? \\(commit ([0-9a-f]{12}(-dirty)?|unknown), built [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\\)\n"
                    + "Java [^\n]+\n");
    private static final Path DEB = Path.of(System.getProperty("oth.deb"));
    private static final Path TARBALL = Path.of(System.getProperty("oth.tarball"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** Readable by every user, for the runs as an unprivileged one. */
    private static Path scratch;
    private static Path root;
    private static Path unpacked;

    @TempDir
    Path dir;

    @BeforeAll
    static void installBoth() throws IOException {
        scratch = Files.createTempDirectory("oth-package-it");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = dpkgRoot(scratch.resolve("root"));
        Result install = dpkg(root, "-i", DEB.toString());
        assertEquals(0, install.code, install.toString());
        unpacked = Files.createDirectories(scratch.resolve("unpacked"));
        Result untar = run(List.of("tar", "-xzf", TARBALL.toString(), "-C", unpacked.toString()), Map.of());
        assertEquals(0, untar.code, untar.toString());
    }

    @AfterAll
    static void removeScratch() throws IOException {
        try (Stream<Path> files = Files.walk(scratch)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    void theDebDependsOnJava17AndSaysWhatItIs() {
        Result info = run(List.of("dpkg-deb", "-I", DEB.toString()), Map.of());
        assertEquals(0, info.code, info.toString());
        for (String field : List.of(" Package: oth\n", " Version: " + debVersion() + "\n", " Section: admin\n", " Priority: optional\n",
                " Architecture: all\n", " Depends: openjdk-17-jre-headless | java17-runtime-headless\n", " Maintainer: ", " Description: ", " Installed-Size: ")) {
            assertTrue(info.out.contains(field), () -> field + "\n" + info);
        }
        assertFalse(Pattern.compile("\\b(pre|post)(inst|rm)\\b").matcher(info.out).find(),
                () -> "no maintainer script: installing and removing touch nothing but the package's own files\n" + info);
    }

    @Test
    void theDebHasDebiansLayoutAndAManPagePerCommand() {
        Result contents = run(List.of("dpkg-deb", "-c", DEB.toString()), Map.of());
        assertEquals(0, contents.code, contents.toString());
        List<String> lines = contents.out.lines().toList();
        Set<String> paths = lines.stream().map(l -> l.substring(l.indexOf("./") + 1)).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("-rwxr-xr-x root/root") && l.endsWith(" ./usr/bin/oth")), contents::toString);
        for (String path : List.of("/usr/lib/oth/oth.jar", "/usr/share/bash-completion/completions/oth", "/usr/share/zsh/vendor-completions/_oth",
                "/usr/share/doc/oth/README.md", "/usr/share/doc/oth/changelog.gz", "/usr/share/doc/oth/copyright")) {
            assertTrue(paths.contains(path), () -> path + "\n" + contents);
        }
        for (String doc : repoDocs()) {
            assertTrue(paths.contains("/usr/share/doc/oth/docs/" + doc), () -> doc + "\n" + contents);
        }
        Set<String> manPages = paths.stream().filter(p -> p.startsWith("/usr/share/man/man1/") && !p.endsWith("/")).map(p -> p.substring("/usr/share/man/man1/".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(commands().stream().map(c -> c + ".1.gz").collect(Collectors.toCollection(TreeSet::new)), manPages);
        assertTrue(paths.stream().allMatch(p -> p.startsWith("/usr/")), "everything under /usr, nothing in /etc, /var or a home directory");
        assertTrue(paths.stream().noneMatch(p -> p.startsWith("/usr/share/oth")),
                "the playbooks and templates are read from oth.jar, so none ship beside it to drift from it");
    }

    @Test
    void everyJarOnTheClassPathIsInLibOfBothPackages() throws IOException {
        for (Path lib : List.of(root.resolve("usr/lib/oth"), unpacked.resolve("oth-" + debVersion() + "/lib/oth"))) {
            String classPath;
            try (JarFile jar = new JarFile(lib.resolve("oth.jar").toFile())) {
                classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            }
            List<String> entries = Arrays.asList(classPath.trim().split(" +"));
            List<String> missing = entries.stream().filter(e -> !Files.isRegularFile(lib.resolve(e))).toList();
            assertEquals(List.of(), missing, "named on oth.jar's Class-Path, missing in " + lib);
        }
    }

    @Test
    void theCopyrightFileNamesEveryJarThatShips() throws IOException {
        String copyright = Files.readString(root.resolve("usr/share/doc/oth/copyright"));
        List<PathMatcher> covered = new ArrayList<>();
        for (String paragraph : copyright.split("\n\n")) {
            if (paragraph.startsWith("Files: ")) {
                String files = paragraph.substring(7, paragraph.indexOf("\nCopyright:"));
                for (String glob : files.trim().split("\\s+")) {
                    if (!glob.equals("*")) {
                        covered.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
                    }
                }
            }
        }
        try (Stream<Path> jars = Files.list(root.resolve("usr/lib/oth/lib"))) {
            List<String> unnamed = jars.map(j -> root.relativize(j)).filter(j -> covered.stream().noneMatch(m -> m.matches(j)))
                    .map(Path::toString).filter(j -> !j.contains("/oth-madmin-")).sorted().toList();
            assertEquals(List.of(), unnamed, "jars whose copyright and licence debian/copyright does not give");
        }
    }

    @Test
    void theInstalledOthRunsAndNamesItsVersionCommitAndBuildDate() {
        Result version = oth(root.resolve("usr/bin/oth"), Map.of(), "--version");
        assertEquals(0, version.code, version.toString());
        assertTrue(VERSION.matcher(version.out).matches(), version::toString);
        if (Files.exists(Path.of(System.getProperty("oth.repo"), ".git"))) {
            assertFalse(version.out.contains("commit unknown"), () -> "built in a git work tree, so the commit is known\n" + version);
        }
        Result help = oth(root.resolve("usr/bin/oth"), Map.of(), "--help");
        assertEquals(0, help.code, help.toString());
        assertTrue(help.out.contains("Exit codes:"), help::toString);
    }

    @Test
    void theInstalledOthsHelpNamesDocsThatAreInstalled() {
        Path doc = root.resolve("usr/share/doc/oth/docs/doctor.md");
        Result help = oth(root.resolve("usr/bin/oth"), Map.of(), "doctor", "--help");
        assertEquals(0, help.code, help.toString());
        assertTrue(unwrapped(help).contains(doc.toString()), () -> doc + "\n" + help);
        assertTrue(Files.isRegularFile(doc), doc::toString);
    }

    @Test
    void anUnprivilegedUserRunsItWithStateAndCacheInTheirOwnHomeOrNoneWhenItIsReadOnly() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "not checked: switching to an unprivileged user (setpriv) needs root");
        Path home = Files.createDirectories(scratch.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        Result writable = asNobody(home, "version");
        assertEquals(0, writable.code, writable.toString());
        assertTrue(VERSION.matcher(writable.out).matches(), writable::toString);
        try (Stream<Path> cache = Files.list(home.resolve(".cache/oth"))) {
            assertTrue(cache.anyMatch(f -> f.getFileName().toString().endsWith(".jsa")), "its class-data archive in ~/.cache/oth");
        }

        Path readOnly = Files.createDirectories(scratch.resolve("read-only-home"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Result ro = asNobody(readOnly, "--version");
        assertEquals(0, ro.code, ro.toString());
        assertTrue(VERSION.matcher(ro.out).matches(), "a read-only home costs the class-data archive, nothing else\n" + ro);
        try (Stream<Path> left = Files.list(readOnly)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void manRendersTheInstalledPages() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "not checked: man is not installed (apt-get install man-db)");
        Result page = run(List.of("man", "-l", root.resolve("usr/share/man/man1/oth-doctor.1.gz").toString()), Map.of("MANWIDTH", "200"));
        assertEquals(0, page.code, page.toString());
        for (String text : List.of("oth-doctor - Check reachability", "--resolver=ADDRESS[:PORT]", "/usr/share/doc/oth/docs/doctor.md")) {
            assertTrue(page.out.contains(text), () -> text + "\n" + page);
        }
        Result oth = run(List.of("man", "-l", root.resolve("usr/share/man/man1/oth.1.gz").toString()), Map.of("MANWIDTH", "200"));
        assertEquals(0, oth.code, oth.toString());
        assertTrue(oth.out.contains("another oth run is changing the site"), () -> "the exit codes\n" + oth);
    }

    @Test
    void bashLoadsTheCompletionAndCompletesACommand() {
        String script = "source " + root.resolve("usr/share/bash-completion/completions/oth") + "; complete -p oth;"
                + " COMP_WORDS=(oth doc); COMP_CWORD=1; COMP_LINE='oth doc'; COMP_POINT=7; _complete_oth; echo \"${COMPREPLY[@]}\"";
        Result bash = run(List.of("bash", "-c", script), Map.of());
        assertEquals(0, bash.code, bash.toString());
        assertEquals(List.of("complete -o default -F _complete_oth oth", "doctor"), bash.out.lines().toList());
    }

    @Test
    void zshLoadsTheCompletionThroughBashcompinit() {
        Path zsh = Stream.of("/usr/bin/zsh", "/bin/zsh").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(zsh != null, "not checked: zsh is not installed here (apt-get install zsh), so _oth was not parsed by zsh");
        Path file = root.resolve("usr/share/zsh/vendor-completions/_oth");
        Result syntax = run(List.of(zsh.toString(), "-n", file.toString()), Map.of());
        assertEquals(0, syntax.code, syntax.toString());
        // Outside a completion, the file's last line (completing the first time) fails: the always block lets the print run.
        String script = "autoload -U compinit && compinit -u -D && { source " + file + " 2>/dev/null; } always { TRY_BLOCK_ERROR=0; };"
                + " print -r -- $_comps[oth]";
        Result loaded = run(List.of(zsh.toString(), "-f", "-c", script), Map.of("HOME", dir.toString()));
        assertTrue(loaded.out.contains("_bash_complete -F _complete_oth"), loaded::toString);
    }

    @Test
    void removingThePackageLeavesTheUsersStateAlone() throws IOException {
        Path own = dpkgRoot(dir.resolve("root"));
        assertEquals(0, dpkg(own, "-i", DEB.toString()).code);
        Path state = Files.createDirectories(own.resolve("root/.local/state/oth/site1"));
        Files.writeString(state.resolve("journal"), "kept\n");
        Path cache = Files.createDirectories(own.resolve("root/.cache/oth"));
        Files.writeString(cache.resolve("oth-1-2.jsa"), "kept\n");
        Result remove = dpkg(own, "-r", "oth");
        assertEquals(0, remove.code, remove.toString());
        assertFalse(Files.exists(own.resolve("usr/bin/oth")));
        assertFalse(Files.exists(own.resolve("usr/lib/oth")));
        assertEquals("kept\n", Files.readString(state.resolve("journal")));
        assertEquals("kept\n", Files.readString(cache.resolve("oth-1-2.jsa")));
    }

    @Test
    void lintianFindsNoErrorAndNoWarning() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lintian")), "not checked: lintian is not installed here (apt-get install lintian)");
        Result lintian = run(List.of("lintian", "--fail-on", "error,warning", DEB.toString()), Map.of());
        assertEquals(0, lintian.code, lintian.toString());
    }

    @Test
    void theTarballRunsFromWhereverItIsUnpacked() {
        Path home = unpacked.resolve("oth-" + debVersion());
        for (String file : List.of("bin/oth", "lib/oth/oth.jar", "share/man/man1/oth-doctor.1.gz", "share/bash-completion/completions/oth",
                "share/zsh/vendor-completions/_oth", "share/doc/oth/README.md", "share/doc/oth/copyright")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        Result help = oth(home.resolve("bin/oth"), Map.of(), "doctor", "--help");
        assertEquals(0, help.code, help.toString());
        assertTrue(help.out.startsWith("Usage: oth doctor"), help::toString);
        Path doc = home.resolve("share/doc/oth/docs/doctor.md");
        assertTrue(unwrapped(help).contains(doc.toString()) && Files.isRegularFile(doc), () -> doc + "\n" + help);
    }

    @Test
    void withoutJavaTheLauncherSaysWhatToInstallAndExitsTwo() throws IOException {
        Path launcher = unpacked.resolve("oth-" + debVersion() + "/bin/oth");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("sh", "dirname", "readlink", "sed", "head", "stat", "tr", "mkdir", "rm", "mv")) {
            Path real = Stream.of("/usr/bin/", "/bin/").map(d -> Path.of(d + tool)).filter(Files::isExecutable).findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Result none = run(List.of("/bin/sh", launcher.toString(), "--version"), Map.of("PATH", bin.toString()));
        assertEquals(2, none.code, none.toString());
        assertEquals(NEEDS_JAVA + "\noth: there is no java on the PATH\n", none.out);

        Path jdk11 = Files.createDirectories(dir.resolve("jdk-11/bin"));
        Path java11 = Files.writeString(jdk11.resolve("java"), "#!/bin/sh\necho this old java should not have been started\n");
        Files.setPosixFilePermissions(java11, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("jdk-11/release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"11.0.22\"\n");
        Result old = run(List.of("/bin/sh", launcher.toString(), "--version"), Map.of("PATH", bin.toString(), "JAVA", java11.toString()));
        assertEquals(2, old.code, old.toString());
        assertEquals(NEEDS_JAVA + "\noth: " + java11 + " is Java 11\n", old.out);

        Path wrapper = Files.writeString(dir.resolve("java8"), "#!/bin/sh\necho 'java version \"1.8.0_392\"' >&2\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result eight = run(List.of("/bin/sh", launcher.toString(), "--version"), Map.of("PATH", bin.toString(), "JAVA", wrapper.toString()));
        assertEquals(2, eight.code, eight.toString());
        assertEquals(NEEDS_JAVA + "\noth: " + wrapper + " is Java 8\n", eight.out);
    }

    @Test
    void theChecksumsMatchThePackages() {
        Result check = run(List.of("sha256sum", "--check", "--strict", "SHA256SUMS"), Map.of(), DEB.getParent());
        assertEquals(0, check.code, check.toString());
        assertEquals(Set.of(DEB.getFileName() + ": OK", TARBALL.getFileName() + ": OK"), Set.copyOf(check.out.lines().toList()));
    }

    /** Help text without the line breaks picocli puts in long words, such as a path. */
    private static String unwrapped(Result help) {
        return help.out.replaceAll("\\s*\n\\s*", "");
    }

    /** oth's commands and subcommands as their man pages are named: oth, oth-doctor, oth-backup-list, ... */
    private static List<String> commands() {
        List<String> names = new ArrayList<>();
        collect(OthCommand.commandLine(Prompter.NOBODY), names);
        return names;
    }

    private static void collect(CommandLine cli, List<String> names) {
        if (cli.getCommandSpec().usageMessage().hidden()) {
            return;
        }
        names.add(cli.getCommandSpec().qualifiedName("-"));
        cli.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, names));
    }

    private static List<String> repoDocs() {
        try (Stream<Path> docs = Files.list(Path.of(System.getProperty("oth.repo"), "docs"))) {
            return docs.map(d -> d.getFileName().toString()).filter(d -> d.endsWith(".md")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String debVersion() {
        String name = DEB.getFileName().toString();
        return name.substring("oth_".length(), name.length() - "_all.deb".length());
    }

    private static Path dpkgRoot(Path root) throws IOException {
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        return root;
    }

    /** dpkg on the scratch root: not this machine's; the Java the package depends on is this test's own. */
    private static Result dpkg(Path root, String... args) {
        List<String> command = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-not-root", "--force-depends",
                "--force-script-chrootless", "--log=/dev/null"));
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    /** The launcher with this test's Java, cache and state in the test's directory, and no class-data archive. */
    private Result oth(Path launcher, Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.put("JAVA", JAVA);
        all.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        all.put("XDG_STATE_HOME", dir.resolve("state").toString());
        all.put("OTH_CDS", "off");
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return run(command, all);
    }

    /** The installed oth as user nobody, with only HOME, PATH and JAVA set, as a login would give them. */
    private static Result asNobody(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i",
                "HOME=" + home, "PATH=/usr/bin:/bin", "JAVA=" + JAVA, root.resolve("usr/bin/oth").toString()));
        command.addAll(List.of(args));
        return run(command, Map.of(), home);
    }

    private static Result run(List<String> command, Map<String, String> env) {
        return run(command, env, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** {@code command} with this environment less what would change oth's runs, plus {@code env}; stdout and stderr together. */
    private static Result run(List<String> command, Map<String, String> env, Path cwd) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        for (String name : List.of("JAVA", "OTH_JAVA_OPTS", "OTH_CDS", "XDG_CACHE_HOME", "XDG_STATE_HOME", "OTH_PLAYBOOKS")) {
            pb.environment().remove(name);
        }
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> command + " did not end");
            return new Result(p.exitValue(), out, command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Result(int code, String out, List<String> command) {
        @Override
        public String toString() {
            return String.join(" ", command) + ": exit " + code + "\n" + out;
        }
    }
}
