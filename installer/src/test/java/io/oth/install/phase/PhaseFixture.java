package io.oth.install.phase;

import io.oth.ca.SiteCa;
import io.oth.install.InstallPhases;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.install.ProgramBundle;
import io.oth.install.ReleaseBundle;
import io.oth.install.TarBuilder;
import io.oth.op.FileOp;
import io.oth.op.Probe;
import io.oth.phase.Journal;
import io.oth.phase.Phase;
import io.oth.phase.PhaseRunner;
import io.oth.remote.RecordingFleet;
import io.oth.secret.Secret;
import io.oth.secret.ExternalSecret;
import io.oth.secret.Secrets;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A site from test/resources/site with every input an install needs, made on the operator's side
 * only (test bundles, an unsaved CA and secrets), and its phases planned against recording hosts.
 */
final class PhaseFixture {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    final Site site;
    final Installer.Inputs inputs;
    final RecordingFleet fleet;
    private final Path dir;

    private PhaseFixture(Site site, Installer.Inputs inputs, Path dir) {
        this.site = site;
        this.inputs = inputs;
        this.dir = dir;
        this.fleet = new RecordingFleet(site);
        // A fresh node: no service runs yet, so RabbitMQ's and MinIO's accounts cannot be read.
        site.nodes().forEach(n -> fleet.host(n.name()).failWhen("systemctl is-active", "inactive")
                .answer("objects-accounts|service:minio", new Probe.Answer(3, "inactive"))
                .answer("rabbitmq:definitions", new Probe.Answer(127, "sh: 1: rabbitmqctl: not found")));
    }

    static PhaseFixture of(String siteResource, Path dir) throws Exception {
        Site site = SiteLoader.load(SiteFixtures.stage(siteResource, dir));
        byte[] jar = "not really a jar".getBytes(StandardCharsets.UTF_8);
        ReleaseBundle release = ReleaseBundle.read(new TarBuilder().manifest("oth-app.jar", FileOp.sha256(jar))
                .file("oth-app.jar", jar, 0644).writeTo(dir.resolve("oth-app-1.0.0.tar.gz")));
        ProgramBundle traefik = ProgramBundle.read(program("traefik", dir), ProgramBundle.TRAEFIK);
        ProgramBundle minio = ProgramBundle.read(program("minio", dir), ProgramBundle.MINIO);
        Secrets secrets = Secrets.unsaved(dir.resolve("state/secrets.yml"));
        for (ExternalSecret external : site.storage().externalSecrets()) {
            secrets.put(external.secretName(), Secret.of("external-" + external.name()));
        }
        Installer.Inputs inputs = new Installer.Inputs(site, "a certificate bundle".getBytes(StandardCharsets.UTF_8), null, release, traefik,
                Optional.of(minio), SiteCa.unsaved(dir.resolve("state/ca"), site.name(), CLOCK), secrets, Set.of(), CLOCK);
        return new PhaseFixture(site, inputs, dir);
    }

    private static Path program(String name, Path dir) {
        return new TarBuilder().file(name, ("#!/bin/sh\necho " + name + "\n").getBytes(StandardCharsets.UTF_8), 0755)
                .writeTo(dir.resolve(name + ".tar.gz"));
    }

    /** The install's phases, as playbooks/install.yml orders them, with these inputs and {@code network}. */
    List<Phase> phases(Playbooks network) {
        return new InstallPhases(inputs, InstallPlaybook.load(), network, Duration.ofSeconds(30)).phases();
    }

    Phase phase(String name) {
        return phases(Playbooks.load()).stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Plans {@code phases} with {@code --check} on the recording hosts and returns what a person
     * sees of the plan: the phase titles, each planned change and each failure, per node.
     */
    String plan(List<Phase> phases, Consumer<String> everyLine) {
        StringWriter out = new StringWriter();
        new PhaseRunner(site, fleet, true, new Journal(dir.resolve("state/journal")), fleet::connection, new PrintWriter(out), 1).run(phases);
        out.toString().lines().forEach(everyLine);
        return out.toString().lines().filter(l -> l.matches("\\[[^]]+] (== |would |FAILED|  hint).*")).collect(Collectors.joining("\n"));
    }
}
