package io.oth.install.offline;

import io.oth.install.InstallPlaybook;
import io.oth.install.TarBuilder;
import io.oth.op.FileOp;
import io.oth.site.Site;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A staged site (test/resources/site/good/minimal.yml with its release, traefik and MinIO bundles)
 * and a fake package archive standing in for apt: each package a few bytes, with the control
 * fields the test gives. {@link #make} runs the real {@link BundleMaker} on them.
 */
final class OfflineFixture {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    final Path dir;
    final Site site;
    /** Package name to its control fields; the archive apt would resolve from. */
    final Map<String, Map<String, String>> archive = new LinkedHashMap<>();

    OfflineFixture(Path dir) throws Exception {
        this.dir = dir;
        Path file = SiteFixtures.stage("good/minimal.yml", dir);
        byte[] jar = "not really a jar".getBytes(StandardCharsets.UTF_8);
        new TarBuilder().manifest("oth-app.jar", FileOp.sha256(jar)).file("oth-app.jar", jar, 0644).writeTo(dir.resolve("oth-app-1.0.0.tar.gz"));
        new TarBuilder().file("traefik", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755).writeTo(dir.resolve("traefik.tar.gz"));
        new TarBuilder().file("minio", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755).writeTo(dir.resolve("minio.tar.gz"));
        Files.writeString(file, Files.readString(file)
                + "application:\n  release: ./oth-app-1.0.0.tar.gz\n  traefik: ./traefik.tar.gz\n  minio: ./minio.tar.gz\n");
        this.site = SiteLoader.load(file);
        deb("libc6", "2.36-9+deb12u4", "");
        for (String p : List.of("haproxy", "nftables", "curl", "socat", "cron", "mariadb-server", "mariadb-client", "age", "rabbitmq-server")) {
            deb(p, "1.0-1", "libc6 (>= 2.34)");
        }
        deb("openjdk-17-jre-headless", "17.0.15+6-1~deb12u1", "libc6 (>= 2.34), java-common | default-jre-headless");
        deb("java-common", "0.74", "");
    }

    OfflineFixture deb(String name, String version, String depends) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Package", name);
        fields.put("Version", version);
        fields.put("Architecture", "amd64");
        if (!depends.isEmpty()) {
            fields.put("Depends", depends);
        }
        archive.put(name, fields);
        return this;
    }

    /** Stands in for apt: resolves among {@link #archive} against nothing installed, "downloads" by writing the files. */
    PackageSource source() {
        return new PackageSource() {
            @Override
            public List<Path> resolve(String role, List<String> packages, Path work) throws IOException, DebPackage.InvalidException {
                List<DebPackage> all = new ArrayList<>();
                for (Map<String, String> f : archive.values()) {
                    all.add(DebPackage.of(DebPackage.fileName(f.get("Package"), f.get("Version"), "amd64"), 0, "0".repeat(64), f, "archive"));
                }
                List<Path> files = new ArrayList<>();
                for (DebPackage d : PackageClosure.of(packages, all, PackageClosure.Installed.NOTHING).take()) {
                    Path deb = work.resolve(d.baseName());
                    Files.writeString(deb, "a .deb of " + d.name() + " " + d.version());
                    files.add(deb);
                }
                return files;
            }

            @Override
            public Map<String, String> fields(Path deb) throws IOException {
                String name = Files.readString(deb).split(" ")[3];
                return archive.get(name);
            }

            @Override
            public Release release() {
                return new Release("bookworm", "amd64");
            }
        };
    }

    BundleMaker.Made make(Path out) throws Exception {
        return new BundleMaker(source(), CLOCK).make(site, InstallPlaybook.load(), out, new PrintWriter(new StringWriter()));
    }

    /** A copy of {@code bundle} with each entry's content passed through {@code edit} (name, bytes) and {@code extra} entries added at the end. */
    static Path rewrite(Path bundle, Path out, BiFunction<String, byte[], byte[]> edit, List<TarArchiveEntry> extra) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(bundle); TarArchiveInputStream tar = new TarArchiveInputStream(in);
             TarArchiveOutputStream copy = new TarArchiveOutputStream(bytes)) {
            copy.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                byte[] content = edit.apply(e.getName(), tar.readAllBytes());
                TarArchiveEntry c = new TarArchiveEntry(e.getName());
                c.setSize(content.length);
                c.setMode(e.getMode());
                copy.putArchiveEntry(c);
                copy.write(content);
                copy.closeArchiveEntry();
            }
            for (TarArchiveEntry x : extra) {
                copy.putArchiveEntry(x);
                if (x.isFile()) {
                    copy.write(new byte[(int) x.getSize()]);
                }
                copy.closeArchiveEntry();
            }
        }
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(bytes.toByteArray());
        }
        return out;
    }
}
