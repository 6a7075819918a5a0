package io.oth.report;

import io.oth.check.Finding;
import io.oth.check.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTML report as a real browser draws it: headless Chromium takes a screenshot of the page, which
 * must be a PNG with the failure's red in it (the failed hop of the picture, its mark in the tables).
 * Skipped where Chromium is not installed (Debian package chromium).
 */
class DoctorHtmlBrowserTest {
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 1600;

    @TempDir
    Path dir;

    private static Optional<Path> chromium() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .flatMap(d -> Stream.of("chromium", "chromium-browser").map(name -> Path.of(d, name)))
                .filter(Files::isExecutable).findFirst();
    }

    @Test
    void chromiumDrawsTheReportWithItsFailedHopInRed() throws IOException, InterruptedException {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "chromium is not installed (Debian package chromium): the HTML report is not drawn in a browser here");
        Path page = dir.resolve("doctor.html");
        ReportFile.write(page, DoctorHtml.render(SitePictureTest.site("lab"), Instant.parse("2026-11-23T14:20:00Z"), 0.8, List.of(
                Finding.ok("reach.bastion", "operator", "bastion 203.0.113.10", "SSH and host key as recorded"),
                new Finding("service.database", "app1", "10.77.0.20:3306", Verdict.FAIL, "authentication failed", "oth install sets them again"),
                new Finding("outbound.sms", "app1", "api.twilio.com:443", Verdict.WARN, "connection refused", "")), "1.2.3"));
        Path png = dir.resolve("doctor.png");
        // In a network namespace of its own: a browser's background requests (updates, safe browsing) must not leave the machine.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "no unshare(1) to keep the browser off the network");
        Process browser = new ProcessBuilder("/usr/bin/unshare", "--net", "--map-root-user", chromium.get().toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--user-data-dir=" + dir.resolve("profile"), "--screenshot=" + png, "--window-size=" + WIDTH + "," + HEIGHT, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(browser.waitFor(120, TimeUnit.SECONDS), "chromium did not finish within 120 s");
        assertEquals(0, browser.exitValue(), () -> log());
        assertTrue(Files.size(png) > 0, "an empty screenshot");
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null, "not an image: " + png);
        assertEquals(WIDTH, image.getWidth());
        assertTrue(hasColour(image, 0xcf, 0x22, 0x2e), "no failure red in the screenshot " + png);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static boolean hasColour(BufferedImage image, int red, int green, int blue) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs((rgb >> 16 & 0xff) - red) < 12 && Math.abs((rgb >> 8 & 0xff) - green) < 12 && Math.abs((rgb & 0xff) - blue) < 12) {
                    return true;
                }
            }
        }
        return false;
    }
}
