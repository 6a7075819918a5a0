package io.oth.remote.ssh;

import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.remote.Command;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * known_hosts as OpenSSH reads it, against a real sshd: app1 presents a host certificate signed by
 * a site CA; a known_hosts that has only the {@code @cert-authority} line gets in, and an
 * {@code @revoked} line for app1's key keeps it out although the CA would vouch for it.
 */
@ExtendWith(LabExtension.class)
class HostCertificateIT {
    private static final String KEY = "/etc/ssh/ssh_host_ed25519_key";
    private static final String CONFIG = "/etc/ssh/sshd_config.d/00-oth-host-certificate.conf";

    @TempDir
    static Path dir;
    private static Lab lab;
    private static Site site;
    private static String caLine;
    private static String hostKeyLine;

    @BeforeAll
    static void signApp1sHostKey(Lab theLab) throws Exception {
        lab = theLab;
        site = SiteLoader.load(lab.site());
        String address = site.node("app1").orElseThrow().address();
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "site-ca", "-f", dir.resolve("ca").toString());
        Path hostPub = dir.resolve("host.pub");
        Files.writeString(hostPub, lab.exec("app1", "cat", KEY + ".pub"));
        run("ssh-keygen", "-q", "-s", dir.resolve("ca").toString(), "-I", "app1", "-h", "-n", address, "-V", "-5m:+1h", hostPub.toString());
        String certificate = Files.readString(dir.resolve("host-cert.pub"));
        lab.exec("app1", "sh", "-c", "printf '%s' '" + certificate.strip() + "' > " + KEY + "-cert.pub"
                + " && echo 'HostCertificate " + KEY + "-cert.pub' > " + CONFIG + " && kill -HUP $(cat /run/sshd.pid)");
        caLine = "@cert-authority " + address + " " + Files.readString(dir.resolve("ca.pub")).strip();
        hostKeyLine = Files.readString(hostPub).strip().replaceFirst("\\s+\\S+$", "");
        Thread.sleep(500);
    }

    @AfterAll
    static void restore() {
        lab.exec("app1", "sh", "-c", "rm -f " + CONFIG + " " + KEY + "-cert.pub && kill -HUP $(cat /run/sshd.pid)");
    }

    @Test
    void aHostCertificateSignedByTheCertificateAuthorityIsAccepted() throws Exception {
        Path knownHosts = knownHostsWithoutApp1(caLine);
        try (Fleet fleet = connect(knownHosts)) {
            Fleet.Reach app1 = fleet.reaches().get(0);
            assertTrue(app1.failure().isEmpty(), () -> app1.failure().get().getMessage());
            assertEquals("app1", app1.host().orElseThrow().run(Command.of("hostname"), Duration.ofSeconds(10)).stdout().strip());
        }
    }

    @Test
    void aRevokedHostKeyIsRefusedEvenUnderTheCertificateAuthority() throws Exception {
        String address = site.node("app1").orElseThrow().address();
        Path knownHosts = knownHostsWithoutApp1(caLine, "@revoked " + address + " " + hostKeyLine);
        try (Fleet fleet = connect(knownHosts)) {
            RemoteException refused = fleet.reaches().get(0).failure().orElseThrow();
            assertEquals(Failure.HOST_KEY_CHANGED, refused.failure());
            assertTrue(refused.getMessage().contains("@revoked"), refused.getMessage());
        }
    }

    private static Fleet connect(Path knownHosts) throws RemoteException {
        ConnectOptions options = new ConnectOptions(knownHosts, Duration.ofSeconds(10), 2, HostKeyTrust.REFUSE, () -> new char[0]);
        return SshFleet.connect(site, List.of(site.node("app1").orElseThrow()), options);
    }

    /** The lab's known_hosts without app1's own keys, plus {@code extra} lines. */
    private static Path knownHostsWithoutApp1(String... extra) throws Exception {
        String address = site.node("app1").orElseThrow().address();
        List<String> lines = new ArrayList<>(Files.readAllLines(lab.knownHosts()).stream()
                .filter(l -> !List.of(l.split("\\s+")[0].split(",")).contains(address)).toList());
        lines.addAll(List.of(extra));
        Path file = Files.createTempFile(dir, "known_hosts", "");
        Files.write(file, lines);
        return file;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + ": " + output);
        }
    }
}
