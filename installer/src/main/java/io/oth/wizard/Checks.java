package io.oth.wizard;

import io.oth.cert.BundleCheck;
import io.oth.cert.BundleReport;
import io.oth.cert.Finding;
import io.oth.install.ReleaseBundle;
import io.oth.secret.PrivateFiles;
import io.oth.site.AddressRules;
import io.oth.site.Cidr;
import io.oth.site.Syntax;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Checks of answers, worded as the site file's checks are (site/Field), so both say the same thing. */
final class Checks {
    private Checks() {
    }

    /** The text in {@code syntax}: {@code "10.77.0.300" is not an IP address (expected an IPv4 or IPv6 literal)}. */
    static <T> Verdict<Object> syntax(String text, Syntax<T> syntax) {
        if (text.isEmpty()) {
            return Verdict.refused("is empty (expected " + syntax.expected() + ")");
        }
        Optional<T> value = syntax.parse(text);
        if (value.isEmpty()) {
            return Verdict.refused(quote(text) + " is not " + syntax.noun() + " (expected " + syntax.expected() + ")");
        }
        return Verdict.ok(value.get());
    }

    /** As {@code site/Field.quoted}. */
    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    /** An address in {@code syntax} that {@code rule} (one of site/AddressRules) accepts, as the site file's checks have it. */
    static Verdict<Object> address(String text, Syntax<String> syntax, Function<String, Optional<String>> rule) {
        Optional<String> mapped = AddressRules.ipv4Mapped(text);
        if (mapped.isPresent()) {
            return Verdict.refused(mapped.get());
        }
        Verdict<Object> verdict = syntax(text, syntax);
        if (!(verdict instanceof Verdict.Accepted<Object>)) {
            return verdict;
        }
        return rule.apply(text).<Verdict<Object>>map(Verdict::refused).orElse(verdict);
    }

    /** A support network: a CIDR that names a network, by the site file's rules (a broader one needs a reason, given in the site file). */
    static Verdict<Object> network(String text) {
        Optional<String> mapped = AddressRules.ipv4Mapped(text);
        if (mapped.isPresent()) {
            return Verdict.refused(mapped.get());
        }
        Optional<Cidr> cidr = Cidr.parse(text);
        if (cidr.isEmpty()) {
            return Verdict.refused(quote(text) + " is not a CIDR (expected an IPv4 address/0-32 or an IPv6 address/0-128)");
        }
        if (!cidr.get().isNetwork()) {
            return Verdict.refused(quote(text) + " has host bits set (expected the network address " + cidr.get().network() + ")");
        }
        return AddressRules.supportNetwork(cidr.get(), text, false).<Verdict<Object>>map(Verdict::refused).orElse(Verdict.ok(text));
    }

    /** An existing, readable, regular file; the message is the site file's. */
    static Verdict<Object> existingFile(String text, Draft draft, String what) {
        if (text.isBlank()) {
            return Verdict.refused("is empty (expected " + what + ")");
        }
        Path path = draft.resolve(text);
        String problem = !Files.exists(path) ? " does not exist"
                : !Files.isRegularFile(path) ? " is not a regular file"
                : !Files.isReadable(path) ? " cannot be read" : "";
        if (!problem.isEmpty()) {
            return Verdict.refused(path + problem + " (expected " + what + ")");
        }
        return Verdict.ok(path);
    }

    /** What a bundle file must pass, as install will check it (its checksum file, every entry). */
    @FunctionalInterface
    interface BundleRead {
        void read(Path file) throws ReleaseBundle.BundleException;
    }

    /** A release bundle install will take: refused now, with install's own message, rather than at install time. */
    static Verdict<Object> releaseBundle(String text, Draft draft, String what, BundleRead read) {
        Verdict<Object> file = existingFile(text, draft, what);
        if (!(file instanceof Verdict.Accepted<Object> accepted)) {
            return file;
        }
        try {
            read.read((Path) accepted.value());
            return file;
        } catch (ReleaseBundle.BundleException e) {
            return Verdict.refused(e.getMessage());
        }
    }

    /** A private key file only its owner may read, as ssh insists. */
    static Verdict<Object> privateKey(String text, Draft draft) {
        Verdict<Object> file = existingFile(text, draft, "a private key file");
        if (!(file instanceof Verdict.Accepted<Object> accepted)) {
            return file;
        }
        Path path = (Path) accepted.value();
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.stream().anyMatch(PrivateFiles::isGroupOrOther)) {
                return Verdict.refused(path + " has mode " + PrivateFiles.mode(permissions)
                        + " (expected 0600: no permissions for group or others)");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // No POSIX modes here: nothing to check.
        }
        return file;
    }

    /** The certificate bundle: errors refuse it, warnings (expiring soon) are for the person to accept. */
    static Verdict<Object> bundle(String text, Draft draft, Clock clock) {
        Verdict<Object> file = existingFile(text, draft, "a PEM certificate bundle");
        if (!(file instanceof Verdict.Accepted<Object> accepted)) {
            return file;
        }
        Path path = (Path) accepted.value();
        BundleReport report = BundleCheck.check(path, draft.string(Questions.FQDN), clock);
        if (report.hasErrors()) {
            return Verdict.refused(report.errors().stream().map(Finding::message).collect(Collectors.joining("\n  ")));
        }
        if (!report.warnings().isEmpty()) {
            return Verdict.doubtful(path, report.warnings().stream().map(Finding::message).collect(Collectors.joining("\n  ")));
        }
        return file;
    }
}
