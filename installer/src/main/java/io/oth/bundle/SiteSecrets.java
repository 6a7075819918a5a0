package io.oth.bundle;

import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.Site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every secret oth holds for a site, name to value, for checking that a bundle carries none of them:
 * the generated passwords and external credentials ({@code secrets.yml}), the private keys of the
 * site CA (current and retired), and the private key of the customer's certificate bundle.
 */
final class SiteSecrets {
    private static final Pattern PEM_KEY = Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END \\1PRIVATE KEY-----", Pattern.DOTALL);

    private SiteSecrets() {
    }

    static Map<String, String> of(Site site, Path stateDir) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        Path secretsFile = stateDir.resolve("secrets.yml");
        if (Files.exists(secretsFile)) {
            try {
                Secrets secrets = Secrets.unsaved(secretsFile);
                for (String name : secrets.names()) {
                    secrets.get(name).ifPresent(value -> all.put(name, value.reveal()));
                }
            } catch (SecretsException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        Path ca = stateDir.resolve("ca");
        if (Files.isDirectory(ca)) {
            try (Stream<Path> files = Files.walk(ca)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    keys(all, "site CA " + ca.relativize(file), readPrivate(file));
                }
            }
        }
        if (site.certificateBundle().isPresent() && Files.isRegularFile(site.certificateBundle().get())) {
            keys(all, "the customer's certificate key", Files.readString(site.certificateBundle().get(), StandardCharsets.ISO_8859_1));
        }
        return all;
    }

    /** A file of the CA directory: its keys are a few KiB; anything larger holds no key of oth's. */
    private static String readPrivate(Path file) throws IOException {
        return Files.size(file) > (1 << 20) ? "" : Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static void keys(Map<String, String> all, String name, String text) {
        Matcher m = PEM_KEY.matcher(text);
        int i = 0;
        while (m.find()) {
            all.put(i++ == 0 ? name : name + " #" + i, m.group());
        }
    }

    /** Lines of the redactor's stdin naming {@code secretsFile} as a source of values. */
    static List<String> sources(Path secretsFile) {
        return Files.exists(secretsFile) ? List.of("kv " + secretsFile.toAbsolutePath()) : List.of();
    }
}
