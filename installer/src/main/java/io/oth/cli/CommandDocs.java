package io.oth.cli;

import io.oth.layout.Layout;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Build step, left out of oth.jar: what picocli derives from oth's command line as the build made
 * it, for the packages. In the directory it is given: {@code oth_completion} (bash), {@code _oth}
 * (the same script for zsh, which runs it through bashcompinit), and one man page per command and
 * subcommand, {@code man/man1/oth*.1.gz}, from picocli's ManPageGenerator (AsciiDoc, kept in
 * {@code man/adoc}) through asciidoctor.
 */
public final class CommandDocs {
    /** Where the man pages say the docs are: they are read where the Debian package put them. */
    private static final Path PACKAGED_DOCS = Path.of("/usr").resolve(Layout.INSTALLED_DOCS);
    /** A parameter label's own brackets ({@code ADDRESS[:PORT]}) inside its italics, which AsciiDoc would read as a role. */
    private static final Pattern BRACKETS_IN_ITALICS = Pattern.compile("_([^_\\s\\[\\]]*)\\[([^_\\s\\[\\]]*)\\]([^_\\s\\[\\]]*)_");

    private CommandDocs() {
    }

    /** {@code CommandDocs DIR}: the completions and man pages into DIR; {@code CommandDocs --gzip FILE OUT}: FILE gzipped as Debian wants. */
    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--gzip")) {
            gzip(Files.readAllBytes(Path.of(args[1])), Path.of(args[2]));
            return;
        }
        Path dir = Path.of(args[0]);
        CommandLine oth = OthCommand.commandLine(Prompter.NOBODY);
        oth.setResourceBundle(OthCommand.docsAt(PACKAGED_DOCS));
        String bash = AutoComplete.bash("oth", oth);
        // bash-completion sources the file: a #! line there means nothing (and lintian says so).
        Files.writeString(dir.resolve("oth_completion"), bash.startsWith("#!") ? bash.substring(bash.indexOf('\n') + 1) : bash);
        Files.writeString(dir.resolve("_oth"), zsh(bash));
        Path adoc = dir.resolve("man/adoc");
        Path man1 = dir.resolve("man/man1");
        for (Path d : List.of(adoc, man1)) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> old = Files.list(d)) {
                    for (Path f : old.toList()) {
                        Files.delete(f);
                    }
                }
            }
            Files.createDirectories(d);
        }
        int code = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, oth.getCommandSpec());
        if (code != 0) {
            throw new IllegalStateException("picocli's man page generator failed with exit code " + code);
        }
        Options options = Options.builder().backend("manpage").standalone(true).safe(SafeMode.SAFE)
                .attributes(Attributes.builder().attribute("mansource", "oth " + VersionProvider.version()).attribute("manmanual", "oth manual").build())
                .build();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create(); Stream<Path> pages = Files.list(adoc)) {
            for (Path page : pages.sorted().toList()) {
                String troff = asciidoctor.convert(escapeBrackets(Files.readString(page)), options);
                String name = page.getFileName().toString().replaceFirst("\\.adoc$", ".1.gz");
                gzip(troff.getBytes(StandardCharsets.UTF_8), man1.resolve(name));
            }
        }
    }

    /**
     * zsh loads {@code _oth} from its fpath on the first completion of {@code oth}: the script
     * registers its function for oth through bashcompinit (which it loads), and that first
     * completion is then answered by the same function.
     */
    static String zsh(String bash) {
        return "#compdef oth\n"
                + "# oth's completion for zsh: picocli's bash script, run through zsh's bashcompinit.\n"
                + bash.substring(bash.indexOf('\n') + 1)
                + "\n_bash_complete -F _complete_oth -o default\n";
    }

    static String escapeBrackets(String adoc) {
        Matcher m = BRACKETS_IN_ITALICS.matcher(adoc);
        return m.replaceAll(r -> Matcher.quoteReplacement("_" + r.group(1) + "{startsb}" + r.group(2) + "{endsb}" + r.group(3) + "_"));
    }

    /**
     * gzip at its best compression with no name or time in the header, as Debian wants man pages
     * and changelogs ({@code gzip -9n}). Java's writer leaves the header's extra-flags byte at 0;
     * it is set to 2 ("maximum compression"), which is what gzip -9 writes and lintian reads.
     */
    static void gzip(byte[] content, Path out) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new BestGzip(bytes)) {
            gz.write(content);
        }
        byte[] gzipped = bytes.toByteArray();
        gzipped[GZIP_XFL] = 2;
        Files.write(out, gzipped);
    }

    /** The offset of the extra-flags byte in a gzip header (RFC 1952). */
    private static final int GZIP_XFL = 8;

    private static final class BestGzip extends GZIPOutputStream {
        BestGzip(OutputStream out) throws IOException {
            super(out);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
