package io.oth.op;

import io.oth.remote.Command;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A release bundle (.tar.gz already on the node) unpacked into its own directory, with a
 * {@code current} symlink switched to it atomically. Earlier releases stay for rollback.
 *
 * @param bundle  the bundle's path on the node
 * @param dir     where this release is unpacked, e.g. /opt/oth-app/releases/1.0.0
 * @param current the symlink that names the running release
 * @param sha256  the bundle's checksum, recorded beside the unpacked files
 */
public record UnpackOp(String bundle, String dir, String current, String sha256, Set<String> notifies) implements Operation {
    private static final String MARK = ".oth-bundle-sha256";

    @Override
    public String subject() {
        return "release " + dir;
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe(key(), "readlink -f -- " + Command.quote(current) + "; cat -- " + Command.quote(dir + "/" + MARK)));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        List<String> lines = answers.get(key()).output().lines().toList();
        if (lines.size() >= 2 && lines.get(0).equals(dir) && lines.get(1).equals(sha256)) {
            return Optional.empty();
        }
        Command unpack = Command.shell(unpack(bundle, dir, sha256) + "; " + switchTo(dir, current));
        return Optional.of(Change.of("unpack " + bundle + " into " + dir + " and point " + current + " at it", "", notifies,
                context -> context.runOrFail(unpack, Duration.ofMinutes(2), "unpacking " + bundle)));
    }

    /** Unpacks {@code bundle} into {@code dir} (replacing it), marked with its checksum; {@code current} is not touched. */
    public static String unpack(String bundle, String dir, String sha256) {
        String tmp = Command.quote(dir + ".oth-new");
        return "set -e; umask 022; rm -rf " + tmp + "; mkdir -p " + tmp
                + "; tar -xzf " + Command.quote(bundle) + " -C " + tmp + " --no-same-owner"
                + "; echo " + sha256 + " > " + tmp + "/" + MARK
                + "; rm -rf " + Command.quote(dir) + "; mv " + tmp + " " + Command.quote(dir);
    }

    /** Points the symlink {@code current} at {@code dir} atomically (a rename over it). */
    public static String switchTo(String dir, String current) {
        String link = Command.quote(current + ".oth-new");
        return "ln -sfn " + Command.quote(dir) + " " + link + " && mv -T " + link + " " + Command.quote(current);
    }

    /** Whether {@code dir} holds the bundle with {@code sha256}, unpacked by {@link #unpack}. */
    public static String holds(String dir, String sha256) {
        return "[ \"$(cat -- " + Command.quote(dir + "/" + MARK) + " 2>/dev/null)\" = " + sha256 + " ]";
    }

    private String key() {
        return "unpack:" + dir;
    }
}
