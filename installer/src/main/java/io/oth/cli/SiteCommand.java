package io.oth.cli;

import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code oth site ...}: work with the site file. */
@Command(name = "site", description = "Work with the site file.", subcommands = SiteCommand.Validate.class,
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  Check the site file in this directory (site.yml, or $OTH_SITE):",
            "    oth site validate",
            "  Check another one:",
            "    oth site validate /etc/oth/site.yml"})
final class SiteCommand extends CommandGroup {
    @Command(name = "validate", description = "Check a site file: schema, addresses, roles, files. Reports every problem as FILE:LINE:COLUMN.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  Check the site file in this directory (site.yml, or $OTH_SITE):",
                "    oth site validate",
                "  Check another one:",
                "    oth site validate /etc/oth/site.yml"})
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        /** It only reads the file: no connection options. */
        @Mixin
        SiteFile siteFile;

        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "FILE", description = "The site file (default: --site, $OTH_SITE, ./site.yml).")
        java.nio.file.Path file;

        @Override
        public Integer call() {
            if (file != null) {
                siteFile.site = file;
            }
            Optional<Site> site = siteFile.load(spec.commandLine().getErr());
            if (site.isEmpty()) {
                return ExitCode.USAGE.code();
            }
            Site s = site.get();
            spec.commandLine().getOut().printf("%s: site %s (%s), %d nodes: ok%n", siteFile.path(), s.name(), s.fqdn(), s.nodes().size());
            return ExitCode.OK.code();
        }
    }
}
