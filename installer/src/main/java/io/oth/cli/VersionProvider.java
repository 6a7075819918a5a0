package io.oth.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Reads the version, the commit and the build date the build wrote into the jar. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        Properties build = build();
        return new String[] {
            "oth " + build.getProperty("version", "unknown") + " (commit " + build.getProperty("commit", "unknown")
                    + ", built " + build.getProperty("date", "unknown") + ")",
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }

    /** oth's version, {@code unknown} outside a build. */
    static String version() {
        return build().getProperty("version", "unknown");
    }

    /** What the build knew: the version, the commit ({@code unknown} when built without git) and the date (UTC). */
    private static Properties build() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/io/oth/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
