package io.oth.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Site files under test/resources/site, copied into a temporary directory beside the files they
 * name: key files are made there with the right modes because git does not keep modes.
 */
public final class SiteFixtures {
    private SiteFixtures() {
    }

    /** Copies {@code site/<resource>} to {@code dir/site.yml} among the files fixtures refer to. */
    public static Path stage(String resource, Path dir) throws IOException {
        for (String key : List.of("id_test", "id_bastion", "id_lb")) {
            write(dir.resolve(key), "rw-------");
        }
        write(dir.resolve("id_open"), "rw-r--r--");
        // Public keys given where a private key belongs: by name, and by what the file says.
        Files.writeString(dir.resolve("id_test.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOTHxDHE1WzPkWYRmLmPCzXv8uGU9WlN9fh5i7iUx3Vo op@desk\n");
        Files.setPosixFilePermissions(dir.resolve("id_test.pub"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dir.resolve("id_pasted"), "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 op@desk\n");
        Files.setPosixFilePermissions(dir.resolve("id_pasted"), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("keys"));
        write(dir.resolve("known_hosts"), "rw-r--r--");
        write(dir.resolve("bundle.pem"), "rw-r--r--");
        Path site = dir.resolve("site.yml");
        try (InputStream in = SiteFixtures.class.getResourceAsStream("/site/" + resource)) {
            if (in == null) {
                throw new IOException("no fixture site/" + resource);
            }
            Files.copy(in, site, StandardCopyOption.REPLACE_EXISTING);
        }
        return site;
    }

    /** The names (without .yml) of the files in {@code site/<folder>}. */
    static Stream<String> names(String folder) {
        try (Stream<Path> files = Files.list(Path.of(SiteFixtures.class.getResource("/site/" + folder).toURI()))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".yml"))
                    .map(name -> name.substring(0, name.length() - ".yml".length())).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String mode) throws IOException {
        Files.writeString(file, "not a real key or certificate; only its presence and mode matter\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }
}
