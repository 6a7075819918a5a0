package io.oth.install;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.op.FileOp;
import io.oth.op.UnpackOp;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malicious bundles given to {@code oth install} are refused on the operator's side, naming the
 * entry and why, with exit 2 and nothing sent to a node; a bundle damaged on the node after that
 * check is refused by the node, which leaves the running release as it was.
 */
@ExtendWith(LabExtension.class)
class BundleIT {
    /** What an upload or unpack would change on an app node: every file under /opt with its size and time. */
    private static final String SNAPSHOT = "find /opt -xdev -printf '%p %y %s %T@\\n' 2>/dev/null | sort";

    @TempDir
    Path tmp;

    @BeforeAll
    static void installed(Lab lab) {
        Run install = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, install.code(), "the lab's own bundles, with their checksum files, install: " + install);
    }

    static Stream<Arguments> malicious() {
        String jar = FileOp.sha256("jar".getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("release", "release with ../", new TarBuilder().manifest("oth-app.jar", jar).file("oth-app.jar", "jar")
                        .file("../../../etc/cron.d/oth", "* * * * * root id\n"), "entry \"../../../etc/cron.d/oth\": a \"..\" component"),
                Arguments.of("release", "release entry as a symlink to /etc/shadow", new TarBuilder().manifest("oth-app.jar", jar)
                        .symlink("oth-app.jar", "/etc/shadow"), "entry \"oth-app.jar\": a symbolic link to /etc/shadow"),
                Arguments.of("traefik", "traefik with a device node", new TarBuilder().file("traefik", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755)
                        .special("mem", TarConstants.LF_CHR, null), "entry \"mem\": a character device"),
                Arguments.of("minio", "minio with an absolute path", new TarBuilder().file("minio", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755)
                        .file("/etc/sudoers.d/oth", "ALL ALL=(ALL) NOPASSWD: ALL\n"), "entry \"/etc/sudoers.d/oth\": an absolute path"),
                Arguments.of("traefik", "traefik with a second entry of the same name", new TarBuilder()
                        .file("traefik", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755).file("./traefik", "#!/bin/sh\nrm -rf /\n"),
                        "entry \"./traefik\": a second entry named traefik (it would replace the first when unpacked)"),
                Arguments.of("release", "release manifest bomb", new TarBuilder().zeros(ReleaseBundle.MANIFEST, 512L << 20).file("oth-app.jar", "jar"),
                        "entry \"manifest.yml\": 536870912 bytes, more than a manifest may have (65536)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malicious")
    void aMaliciousBundleIsRefusedBeforeAnythingIsUploaded(String field, String name, TarBuilder tar, String expected, Lab lab) {
        Path bundle = tar.writeTo(tmp.resolve(field + ".tar.gz"));
        String before = lab.exec("app1", "sh", "-c", SNAPSHOT);

        Run run = Run.oth("install", "--site", site(lab, field, bundle).toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("oth: " + bundle + ": " + expected), run::toString);
        assertTrue(run.err().contains("oth: nothing was uploaded"), run::toString);
        assertEquals("", run.out(), "no phase ran, no node was contacted");
        assertEquals(before, lab.exec("app1", "sh", "-c", SNAPSHOT), "nothing changed under /opt on app1");
    }

    @Test
    void aTraefikBundleWithoutItsChecksumFileIsRefused(Lab lab) throws Exception {
        Path bundle = tmp.resolve("traefik_v3.1.0_linux_amd64.tar.gz");
        Files.copy(Lab.repo().resolve("traefik-standin/target/traefik-standin-bundle.tar.gz"), bundle);

        Run run = Run.oth("install", "--site", site(lab, "traefik", bundle).toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("oth: " + bundle + ": no checksum file " + bundle + ".sha256 beside it"), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    /** Bytes changed on the node after oth checked them (a disk fault, another root): the node refuses to unpack them. */
    @Test
    void aBundleDamagedOnTheNodeIsRefusedThereAndTheRunningReleaseStays(Lab lab) {
        ReleaseBundle release;
        try {
            release = ReleaseBundle.read(Lab.repo().resolve("sample-app/target/oth-app-1.0.0.tar.gz"));
        } catch (ReleaseBundle.BundleException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        String installed = NodeLayout.appBundle(release);
        String damaged = "/opt/oth-app/bundles/damaged.tar.gz";
        lab.exec("app1", "sh", "-c", "cp " + installed + " " + damaged + " && printf 'X' | dd of=" + damaged
                + " bs=1 seek=1000 conv=notrunc status=none");
        String dir = NodeLayout.APP_RELEASES + release.version();
        String before = lab.exec("app1", "sh", "-c", SNAPSHOT.replace("/opt", NodeLayout.APP_RELEASES));

        Lab.Result r = lab.tryExec("app1", "sh", "-c", UnpackOp.unpack(damaged, dir, release.sha256(), release.contents().files().size()));

        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(damaged + ": sha256 is "), r.output());
        assertTrue(r.output().contains("not " + release.sha256() + " as oth checked it: damaged or altered after the upload; nothing was unpacked"),
                r.output());
        assertEquals(before, lab.exec("app1", "sh", "-c", SNAPSHOT.replace("/opt", NodeLayout.APP_RELEASES)),
                "the release directory is as it was, no temporary directory left");
        lab.exec("app1", "rm", "-f", damaged);
        String health = lab.exec("inet", "curl", "-sS", "--fail", "--max-time", "10", "--cacert", "/var/lib/oth-lab/trust/site-root.pem",
                "https://oth.example.test/healthz");
        assertTrue(health.contains("\"version\":\"1.0.0\""), health);
    }

    /** The lab's site file with {@code application.FIELD} pointing at {@code bundle}. */
    private Path site(Lab lab, String field, Path bundle) {
        Matcher line = Pattern.compile("(?m)^(\\s+" + field + ":)[^\\n]*$").matcher(lab.siteText());
        assertTrue(line.find(), lab.siteText());
        Path site = tmp.resolve("site.yml");
        try {
            Files.writeString(site, line.replaceFirst("$1 " + Matcher.quoteReplacement(bundle.toString())));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return site;
    }
}
