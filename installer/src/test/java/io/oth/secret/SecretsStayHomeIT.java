package io.oth.secret;

import io.oth.cli.Run;
import io.oth.install.TarBuilder;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.site.SiteLoader;
import io.oth.site.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every secret of the site stays where it belongs. While install, doctor, backup, certs rotate,
 * support open and close, and upgrade run on the lab, every node samples the command lines of all
 * its processes; afterwards no value of the site's secrets file may appear in what oth printed,
 * its journal and reports, the nodes' logs and shell histories, or any sampled command line.
 */
@ExtendWith(LabExtension.class)
class SecretsStayHomeIT {
    private static final String SAMPLES = "/tmp/oth-it-cmdlines";
    private static final String SAMPLING = "/tmp/oth-it-sampling";
    /** Where a node keeps what a leak would leave behind: logs, shell histories, oth's own state. */
    private static final String NODE_FILES = "/var/log /var/lib/oth /root /home /tmp/oth-it-cmdlines.txt";

    @Test
    void noSecretLeavesItsPlaceDuringAnyCommand(Lab lab) throws Exception {
        Path dir = Files.createTempDirectory("secrets-it");
        Path site = supportSite(lab);
        List<String> nodes = nodes(lab);
        nodes.forEach(node -> lab.exec(node, "sh", "-c", "touch " + SAMPLING + "; setsid -f sh -c 'while [ -e " + SAMPLING + " ]; do"
                + " cat /proc/[0-9]*/cmdline 2>/dev/null | tr \"\\000\" \" \"; echo; sleep 0.1; done > " + SAMPLES + "' </dev/null >/dev/null 2>&1"));

        List<Run> runs = new ArrayList<>();
        Path html = dir.resolve("doctor.html");
        Path key = dir.resolve("support_key");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "support@oth", "-f", key.toString()).start().waitFor();
        Path upgraded = upgradedSite(lab, site, dir);
        try {
            runs.add(Run.ok("install", "--site", site.toString()));
            runs.add(Run.oth("doctor", "--site", site.toString(), "--json", "--html", html.toString()));
            runs.add(Run.ok("backup", "now", "--site", site.toString()));
            runs.add(Run.ok("backup", "list", "--site", site.toString()));
            runs.add(Run.ok("certs", "rotate", "--site", site.toString()));
            runs.add(Run.ok("support", "open", "--site", site.toString(), "--key", key + ".pub", "--for", "10m", "--reason", "secrets IT"));
            runs.add(Run.ok("support", "status", "--site", site.toString()));
            runs.add(Run.ok("support", "close", "--site", site.toString()));
            runs.add(Run.ok("upgrade", "--site", upgraded.toString()));
            runs.add(Run.ok("install", "--site", site.toString()));
            // The sampler must see what a leak would look like: a command line that carries a value.
            lab.exec("app1", "sh", "-c", "sh -c 'sleep 1; : canary-7f3e9a' canary-7f3e9a");
        } finally {
            nodes.forEach(node -> lab.exec(node, "sh", "-c", "rm -f " + SAMPLING + "; sleep 0.3; sort -u " + SAMPLES + " > " + SAMPLES + ".txt; rm -f " + SAMPLES));
        }

        Map<String, String> secrets = secrets(site);
        assertTrue(secrets.size() >= 4, "the install made the site's secrets: " + secrets.keySet());
        Path state = StateDir.of(SiteLoader.load(site).name());
        Map<String, String> places = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            places.put("oth output of run " + (i + 1), runs.get(i).toString());
        }
        places.put("doctor's HTML report", Files.readString(html));
        try (Stream<Path> files = Files.walk(state)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("secrets.yml")).toList()) {
                if (!file.startsWith(state.resolve("ca"))) {
                    places.put(file.toString(), Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
        // The run logs of these runs: everything each printed, and every remote command it ran.
        Path logs = Run.logs(SiteLoader.load(site).name());
        try (Stream<Path> files = Files.list(logs)) {
            List<Path> found = files.filter(Files::isRegularFile).toList();
            assertTrue(found.size() >= runs.size(), "every run wrote its log: " + found);
            for (Path file : found) {
                places.put(file.toString(), Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        for (String node : nodes) {
            String sampled = lab.exec(node, "sh", "-c", "wc -l < " + SAMPLES + ".txt");
            assertTrue(Integer.parseInt(sampled.strip()) > 10, node + " sampled its command lines");
            places.put(node + ": logs, histories, sampled command lines",
                    lab.exec(node, "sh", "-c", "find " + NODE_FILES + " -type f -size -20M 2>/dev/null | xargs -r cat 2>/dev/null || true"));
        }
        assertTrue(places.get("app1: logs, histories, sampled command lines").contains("canary-7f3e9a"), "app1's sampler caught the canary");
        assertTrue(places.get("storage: logs, histories, sampled command lines").contains("beam.smp"), "storage's sampler saw RabbitMQ");
        List<String> leaks = new ArrayList<>();
        secrets.forEach((name, value) -> places.forEach((place, text) -> {
            if (text.contains(value)) {
                leaks.add(name + " in " + place);
            }
        }));
        assertEquals(List.of(), leaks);
        assertTrue(places.get(nodes.get(0) + ": logs, histories, sampled command lines").contains("sshd"), "the node's logs were read");
    }

    private static List<String> nodes(Lab lab) {
        List<String> nodes = new ArrayList<>(lab.nodes());
        nodes.add("bastion");
        return nodes;
    }

    /** The lab's site with the internet host as the support address, as SupportIT has it. */
    private static Path supportSite(Lab lab) throws Exception {
        Path site = lab.dir().resolve("site-secrets.yml");
        String spec = "support:\n  addresses: [52.30.207.215/32, 52.31.90.17/32]\n";
        String text = lab.siteText();
        assertTrue(text.contains(spec), text);
        Files.writeString(site, text.replace(spec, "support:\n  addresses: [203.0.113.53/32]\n"));
        return site;
    }

    /** The same site naming a release 1.0.1 of the sample application (the same jar, another version). */
    private static Path upgradedSite(Lab lab, Path site, Path dir) throws Exception {
        Path unpacked = Files.createDirectories(dir.resolve("release"));
        tar("-xzf", Lab.repo().resolve("sample-app/target/oth-app-1.0.0.tar.gz").toString(), "-C", unpacked.toString());
        Path jar = unpacked.resolve("oth-app.jar");
        try (var zip = java.nio.file.FileSystems.newFileSystem(jar)) {
            Files.writeString(zip.getPath("io/oth/sample/version.properties"), "version=1.0.1\n");
        }
        String manifest = Files.readString(unpacked.resolve("manifest.yml"))
                .replaceFirst("(?m)^version: .*$", "version: 1.0.1")
                .replaceFirst("(?m)^sha256: .*$", "sha256: " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar))));
        Files.writeString(unpacked.resolve("manifest.yml"), manifest);
        Path bundle = dir.resolve("oth-app-1.0.1.tar.gz");
        tar("-czf", bundle.toString(), "-C", unpacked.toString(), "manifest.yml", "oth-app.jar");
        TarBuilder.withChecksum(bundle);
        Matcher release = Pattern.compile("(?m)^(\\s+release:).*$").matcher(Files.readString(site));
        assertTrue(release.find());
        Path upgraded = lab.dir().resolve("site-secrets-1.0.1.yml");
        Files.writeString(upgraded, release.replaceFirst("$1 " + Matcher.quoteReplacement(bundle.toString())));
        return upgraded;
    }

    private static Map<String, String> secrets(Path site) throws Exception {
        Path file = StateDir.of(SiteLoader.load(site).name()).resolve("secrets.yml");
        Map<String, String> values = new LinkedHashMap<>();
        Object loaded = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        ((Map<?, ?>) loaded).forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        return values;
    }

    private static void tar(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("tar"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
    }
}
