package io.oth.bundle;

import io.oth.site.Playbooks;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;
import io.oth.site.YamlDoc;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's side of a bundle: the playbook, the script made from it, and what a node may send back. */
class NodeCollectionScriptTest {

    @Test
    void thePlaybookOfThisBuildReadsAndAHoleInItIsNamedByLine() {
        BundlePlaybook book = BundlePlaybook.load();
        assertTrue(book.commands().containsKey("ruleset") && book.files().contains("/etc/haproxy/haproxy.cfg"), book.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BundlePlaybook.read(YamlDoc.parse(Path.of("bundle.yml"),
                "commands:\n  ok: uptime\nfiles: [etc/relative]\nlogs: []\ncertificates: []\n", "a playbook"), IllegalArgumentException::new));
        assertTrue(e.getMessage().contains("bundle.yml:3"), e.getMessage());
    }

    @Test
    void theScriptIsValidShellWithEveryPathQuoted(@TempDir Path dir) throws Exception {
        Path siteFile = SiteFixtures.stage("good/minimal.yml", dir);
        SupportBundle bundle = new SupportBundle(SiteLoader.load(siteFile), Playbooks.load(), null, Clock.systemUTC(), "test", line -> { });
        String script = bundle.script(new SupportBundle.Request(Duration.ofHours(2), Optional.empty(), Optional.empty(), Set.of()));
        Path file = dir.resolve("collect.sh");
        Files.writeString(file, script);
        Process p = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(script.contains("SINCE_MINUTES=120"), script);
        assertTrue(script.contains("run packages 'dpkg-query -W"), "the packages oth installs: " + script);
        assertTrue(script.contains(" /etc/haproxy/haproxy.cfg "), "the playbook's files");
        assertTrue(script.indexOf("redact.pl") < script.indexOf("tar -czf"), "redacted before it is packed");
    }

    @Test
    void theRedactorsInputNamesTheNodesOwnSecretFilesAndNoSecret(@TempDir Path dir) throws Exception {
        Path siteFile = dir.resolve("site.yml");
        Files.write(siteFile, Files.readAllBytes(SiteFixtures.stage("good/minimal.yml", Files.createDirectories(dir.resolve("staged")))));
        var site = SiteLoader.loadRecorded(siteFile);
        var storage = site.nodes().stream().filter(n -> n.role().equals("storage")).findFirst().orElseThrow();
        var app = site.nodes().stream().filter(n -> n.role().equals("app")).findFirst().orElseThrow();
        String key = "ab".repeat(32);
        assertEquals(key + "\nwhole /var/lib/rabbitmq/.erlang.cookie\nkv /etc/default/minio\nwhole /etc/mysql/oth-encryption/keyfile\n", SupportBundle.stdin(key, storage, Set.of()));
        assertTrue(SupportBundle.stdin(key, app, Set.of("password")).endsWith("whole /etc/oth-app/secrets/objects.secret\ndisable password\n"));
    }

    @Test
    void aNodesArchiveWithALinkOrAClimbingNameIsRefusedWhole(@TempDir Path dir) throws Exception {
        assertEquals(5, NodeArchive.extract(tar(entry("commands/a.txt", "hello")), dir));
        assertEquals("hello", Files.readString(dir.resolve("commands/a.txt")));
        TarArchiveEntry link = new TarArchiveEntry("x", TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("/etc/shadow");
        byte[] linked = tar(link);
        assertThrows(NodeArchive.Refused.class, () -> NodeArchive.extract(linked, Files.createDirectories(dir.resolve("other"))));
        assertThrows(NodeArchive.Refused.class, () -> NodeArchive.extract(tar(entry("../escape", "x")), dir));
        assertThrows(NodeArchive.Refused.class, () -> NodeArchive.extract(tar(entry("/etc/passwd", "x")), dir));
        assertThrows(NodeArchive.Refused.class, () -> NodeArchive.extract("not a tar".getBytes(StandardCharsets.UTF_8), dir));
        assertFalse(Files.exists(dir.getParent().resolve("escape")));
    }

    private static TarArchiveEntry entry(String name, String content) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length());
        return e;
    }

    private static byte[] tar(TarArchiveEntry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (TarArchiveEntry e : entries) {
                tar.putArchiveEntry(e);
                if (e.isFile() && !e.isSymbolicLink()) {
                    tar.write(e.getName().equals("commands/a.txt") ? "hello".getBytes(StandardCharsets.UTF_8) : "x".getBytes(StandardCharsets.UTF_8));
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
