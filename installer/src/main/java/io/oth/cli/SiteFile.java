package io.oth.cli;

import io.oth.site.Site;
import io.oth.site.SiteException;
import io.oth.site.SiteLoader;
import io.oth.site.KeySources;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which site file a command reads: {@code --site}. Alone, for the commands that never connect
 * (site validate, secrets set); with the connection options in {@link SiteOptions} for the rest.
 */
public final class SiteFile {
    @Option(names = {"-s", "--site"}, paramLabel = "FILE", description = "The site file (default: $OTH_SITE, else ./site.yml).")
    Path site;

    /** The file given, else $OTH_SITE, else ./site.yml. */
    public Path path() {
        if (site != null) {
            return site;
        }
        return Optional.ofNullable(System.getenv("OTH_SITE")).map(Path::of).orElse(Path.of("site.yml"));
    }

    /** Only what --site named. */
    Optional<Path> given() {
        return Optional.ofNullable(site);
    }

    /** ssh_config, for the logins the site file leaves a key, port or user out of. */
    @Mixin
    SshConfigOption sshConfig;

    /** The site, or empty after printing every problem (of the site file, or of ssh_config) to {@code err}. */
    public Optional<Site> load(PrintWriter err) {
        Optional<KeySources> keySources = sshConfig.keySources(err);
        if (keySources.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SiteLoader.load(path(), keySources.get()));
        } catch (SiteException e) {
            e.problems().forEach(err::println);
            err.println("oth: " + path() + ": " + e.problems().size() + " problem(s); nothing was done");
            return Optional.empty();
        }
    }
}
