package io.oth.layout;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Where oth's own files are, given where its code runs from: the build tree
 * ({@code installer/target/oth.jar}, or {@code installer/target/classes} in tests), or an
 * installed prefix, {@code PREFIX/lib/oth/oth.jar}, as the Debian package ({@code /usr}) and the
 * unpacked tarball ({@code oth-VERSION/}) lay it out.
 */
public final class Layout {
    /** The docs directory of an installed prefix (the Debian package's is {@code /usr/share/doc/oth/docs}). */
    public static final Path INSTALLED_DOCS = Path.of("share", "doc", "oth", "docs");

    private Layout() {
    }

    /** The documentation of {@code name} ({@code certificates.md}) as a hint names it. */
    public static String doc(String name) {
        return docs().resolve(name).toString();
    }

    /** oth's docs directory (the repository's {@code docs/} in the build tree). */
    public static Path docs() {
        try {
            return docs(Path.of(Layout.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("docs");
        }
    }

    /** The docs directory for oth's code at {@code code} (its jar or classes directory); {@code docs} when the layout is not one of oth's. */
    static Path docs(Path code) {
        Path dir = code.getParent();
        if (dir != null && named(dir, "oth") && named(dir.getParent(), "lib") && dir.getParent().getParent() != null) {
            return dir.getParent().getParent().resolve(INSTALLED_DOCS);
        }
        if (dir != null && named(dir, "target") && named(dir.getParent(), "installer") && dir.getParent().getParent() != null) {
            return dir.getParent().getParent().resolve("docs");
        }
        return Path.of("docs");
    }

    private static boolean named(Path p, String name) {
        return p != null && p.getFileName() != null && p.getFileName().toString().equals(name);
    }
}
