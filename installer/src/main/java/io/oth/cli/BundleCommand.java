package io.oth.cli;

import io.oth.install.InstallPlaybook;
import io.oth.install.offline.BundleMaker;
import io.oth.install.offline.DebPackage;
import io.oth.install.offline.DebianTools;
import io.oth.install.offline.PackageSource;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code oth bundle ...}: the offline bundle for a site without a package source. */
@Command(name = "bundle", description = "Offline bundles: everything an install needs, for a site whose nodes reach no package source.",
        subcommands = BundleCommand.Create.class, mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  On a machine of the nodes' Debian release with working apt, pack what the site needs:",
            "    oth bundle create --site site.yml --out site-offline.tar",
            "  Then, where the nodes are, with the manifest sha256 create printed:",
            "    oth install --offline-bundle site-offline.tar --manifest-sha256 HEX"})
final class BundleCommand extends CommandGroup {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Pack, in one .tar, the Debian packages of every role the site uses with all their dependencies (resolved by this "
                    + "machine's apt against an empty dpkg status, so that nothing is assumed installed on a node), the application release, "
                    + "traefik and MinIO bundles the site file names (each checked against its checksum file), and a manifest of every file "
                    + "with its size and sha256. No key or secret goes in. Prints the manifest's sha256: carry it apart from the bundle "
                    + "and give it to install --manifest-sha256.",
                "Run it where apt reaches its sources, on the nodes' Debian release and architecture (the manifest records both and "
                    + "install refuses nodes of another). Every file: ${bundle:" + OthCommand.DOCS + "}/offline.md."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  Resolve and download with this machine's apt (run `apt-get update` first):",
                "    oth bundle create --site site.yml --out site-offline.tar",
                "  From a local mirror or a directory of .debs instead of apt:",
                "    oth bundle create --site site.yml --out site.tar --debs-from /srv/debs"})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SiteFile site;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The bundle to write (a .tar, 0644; written under a temporary "
                + "name beside it, then renamed).")
        Path out;

        @Option(names = "--debs-from", paramLabel = "DIR", description = "Take the packages from the .debs in DIR (a local mirror's or an apt "
                + "cache's files) instead of apt; each role takes its dependency closure among them, and a dependency none of them meets is an error.")
        Path debsFrom;

        @Override
        public Integer call() throws IOException {
            PrintWriter say = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (debsFrom != null && !Files.isDirectory(debsFrom)) {
                err.println("oth: --debs-from " + debsFrom + ": not a directory");
                return ExitCode.USAGE.code();
            }
            Path parent = out.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                err.println("oth: --out " + out + ": no such directory " + parent);
                return ExitCode.USAGE.code();
            }
            Optional<Site> loaded = site.load(err);
            if (loaded.isEmpty()) {
                return ExitCode.USAGE.code();
            }
            PackageSource source = debsFrom != null ? DebianTools.directory(debsFrom) : DebianTools.apt();
            BundleMaker.Made made;
            try {
                made = new BundleMaker(source, Clock.systemUTC()).make(loaded.get(), InstallPlaybook.load(), out, say);
            } catch (DebPackage.InvalidException e) {
                e.problems().forEach(p -> err.println("oth: " + p));
                err.println("oth: nothing was written");
                return ExitCode.USAGE.code();
            } catch (IOException e) {
                err.println("oth: " + e.getMessage());
                err.println("oth: nothing was written");
                return ExitCode.FAILED.code();
            }
            say.printf("wrote %s: %d .deb(s) for Debian %s on %s, %d bundle(s)%n", out, made.manifest().debs().size(), made.manifest().codename(),
                    made.manifest().architecture(), made.manifest().bundles().size());
            say.println("manifest sha256 " + made.manifestSha256());
            say.println("The manifest is checksummed, not signed: carry this sha256 apart from the bundle (on paper, by a second channel) and install with");
            say.println("  oth install --offline-bundle " + out.getFileName() + " --manifest-sha256 " + made.manifestSha256());
            return ExitCode.OK.code();
        }
    }
}
