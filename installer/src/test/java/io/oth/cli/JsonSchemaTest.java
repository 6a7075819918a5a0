package io.oth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import io.oth.backup.Backups;
import io.oth.ca.ServiceIdentity;
import io.oth.ca.SiteCa;
import io.oth.certs.ServiceCertificates;
import io.oth.fact.NodeSurvey;
import io.oth.fleet.FleetConnector;
import io.oth.op.InitSystem;
import io.oth.phase.RunReport;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.FixedFleet;
import io.oth.remote.Fleet;
import io.oth.remote.HostConnection;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import io.oth.report.BackupsJson;
import io.oth.report.CertsJson;
import io.oth.report.JsonEnvelope;
import io.oth.report.NodesJson;
import io.oth.report.PlanJson;
import io.oth.report.SupportJson;
import io.oth.report.UpgradeJson;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import io.oth.support.SupportAccess;
import io.oth.upgrade.RollingUpgrade;
import io.oth.upgrade.Upgrade;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command's {@code --json} document against its published schema (docs/schemas/). Without a
 * lab a command run in-process reaches only a bastion that refuses (or stops at its own input
 * checks), so those runs show the envelope: one document on stdout, whatever the exit. The data of
 * a reached site is built from the result a service gives for test hosts (nodes, certs status), or
 * from a result object as the service would give it (install, upgrade, backup list, support status),
 * and validated the same way. Doctor's data comes from a real run against the refusing bastion.
 */
class JsonSchemaTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @TempDir
    Path dir;

    private Path siteFile;

    @BeforeEach
    void siteWithAClosedBastion() throws IOException {
        siteFile = ClosedBastionSite.write(dir);
    }

    @ParameterizedTest(name = "oth {0} --json")
    @CsvSource({
        "nodes,                  nodes.schema.json",
        "install --check,        install.schema.json",
        "install,                install.schema.json",
        "upgrade --check,        upgrade.schema.json",
        "certs status,           certs-status.schema.json",
        "backup list,            backup-list.schema.json",
        "support status,         support-status.schema.json",
        "doctor --only reach,    doctor.schema.json",
    })
    void eachCommandPrintsOneDocumentOfItsSchemaWhateverItEndsWith(String command, String schemaFile) throws IOException {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--site", siteFile.toString(), "--timeout", "5", "--json"));
        Run run = Run.oth(args.toArray(String[]::new));

        JsonNode doc = JsonSchemas.onlyDocument(run);
        JsonSchemas.assertValid(schemaFile, run.out());
        assertEquals(run.code(), doc.get("exit_code").asInt(), run::toString);
        assertFalse(run.code() == ExitCode.OK.code(), "the bastion refuses: " + run);
        assertEquals(siteFile.toString(), doc.get("options").get("site").asText());
        assertEquals(5, doc.get("options").get("timeout").asInt(), "options as typed values");
        assertEquals(VersionProvider.version(), doc.get("oth_version").asText());
        assertTrue(!run.err().isBlank() || !doc.get("data").isNull(), "why it failed is on stderr, or in the data: " + run);
    }

    @Test
    void doctorsDataIsTheFindingsDocumentUnderSchemaTwo() throws IOException {
        Run run = Run.oth("doctor", "--site", siteFile.toString(), "--only", "reach,dns", "--json");
        JsonNode doc = JsonSchemas.onlyDocument(run);
        JsonSchemas.assertValid("doctor.schema.json", run.out());
        assertEquals("oth-doctor/2", doc.get("schema").asText());
        assertEquals(List.of("reach", "dns"), JsonSchemas.JACKSON.convertValue(doc.get("options").get("only"), List.class));
        assertTrue(doc.get("data").findParents("id").stream().anyMatch(f -> f.get("id").asText().equals("reach.bastion")
                && f.get("verdict").asText().equals("fail")), run::toString);
        assertEquals(ExitCode.FAILED.code(), doc.get("exit_code").asInt());
    }

    @Test
    void aDocumentThatBreaksItsSchemaIsRefused() {
        String wrong = JsonEnvelope.render("backup list", 1, "0.1.0", Map.of(), NOW, NOW, 0,
                Map.of("backups", List.of(Map.of("id", "oth-1", "made", NOW.toString(), "bytes", "12 B")), "count", 1));
        assertFalse(JsonSchemas.errors("backup-list.schema.json", wrong).isEmpty(), "a size as text is not bytes");
        assertFalse(JsonSchemas.errors("nodes.schema.json", wrong).isEmpty(), "another command's document");
    }

    private static String envelope(String command, Object data) {
        return JsonEnvelope.render(command, 1, "0.1.0", Map.of("site", "site.yml"), NOW, NOW.plusSeconds(2), 0, data);
    }

    @Test
    void nodesOfAReachedSite() throws Exception {
        Site site = SiteLoader.load(siteFile);
        RecordingHost lb = new RecordingHost("lb").when("hostname", new CommandResult(0, "lb\nDebian GNU/Linux 12 (bookworm)\n", ""));
        RecordingHost app1 = new RecordingHost("app1").when("hostname", new CommandResult(0, "app1\nUbuntu 24.04.1 LTS\n", ""));
        Node storage = site.node("storage").orElseThrow();
        List<Fleet.Reach> reaches = List.of(Fleet.Reach.reached(site.node("lb").orElseThrow(), lb, Duration.ofMillis(41)),
                Fleet.Reach.reached(site.node("app1").orElseThrow(), app1, Duration.ofMillis(52)),
                Fleet.Reach.failed(storage, new RemoteException("storage", Failure.NODE_UNREACHABLE, "storage: connection timed out"), Duration.ofSeconds(5)));
        List<NodeSurvey.Row> rows = NodeSurvey.survey(site, connecting(new FixedFleet(reaches)), Duration.ofSeconds(5));

        String doc = envelope("nodes", NodesJson.of(rows));
        JsonSchemas.assertValid("nodes.schema.json", doc);
        JsonNode data = JsonSchemas.JACKSON.readTree(doc).get("data");
        assertEquals(2, data.get("ok").asInt(), doc);
        assertEquals("Ubuntu 24.04.1 LTS", data.get("nodes").get(1).get("os").asText(), doc);
        assertEquals("node_unreachable", data.get("nodes").get(2).get("failure").asText(), doc);
        assertTrue(data.get("nodes").get(2).get("rtt_ms").isNull(), doc);
    }

    @Test
    void certificatesOfAReachedStorageNode() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        SiteCa ca = SiteCa.openOrCreate(dir.resolve("state"), "lab", clock);
        ServiceIdentity rabbitmq = new ServiceIdentity("rabbitmq", "storage", List.of("storage"), List.of("10.77.0.20"), ServiceIdentity.Usage.SERVER);
        RecordingHost host = new RecordingHost("storage").has("/etc/rabbitmq/oth-tls/server.pem", ca.issue(rabbitmq).certPem(), "root", "0644");
        Site site = SiteLoader.load(siteFile);
        ServiceCertificates.Status status = ServiceCertificates.status(site,
                connecting(new FixedFleet(List.of(Fleet.Reach.reached(site.node("storage").orElseThrow(), host, Duration.ZERO)))), ca);

        String doc = envelope("certs status", CertsJson.of(status));
        JsonSchemas.assertValid("certs-status.schema.json", doc);
        JsonNode certificates = JsonSchemas.JACKSON.readTree(doc).get("data").get("certificates");
        JsonNode issued = certificates.findParents("service").stream().filter(c -> c.get("service").asText().equals("rabbitmq")).findFirst().orElseThrow();
        assertTrue(issued.get("issued_by_site_ca").asBoolean(), doc);
        assertTrue(issued.get("issuer").asText().contains("lab"), doc);
        assertTrue(issued.get("days_left").asLong() > 30, doc);
        assertFalse(certificates.get(0).get("installed").asBoolean(), "mariadb: none installed\n" + doc);
    }

    /** An install's outcome as the phase runner reports one: a host changed, a host already right, a host failed. */
    @Test
    void anInstallsOutcome() throws IOException {
        RunReport report = new RunReport(false, List.of(
                new RunReport.HostOutcome("lb", 14, List.of("write /etc/haproxy/haproxy.cfg (3 lines differ)", "reload haproxy"), Optional.empty(), Optional.empty()),
                new RunReport.HostOutcome("app1", 22, List.of(), Optional.empty(), Optional.empty()),
                new RunReport.HostOutcome("storage", 3, List.of(), Optional.of("mariadb did not start"), Optional.of(Failure.COMMAND_FAILED))),
                9, 1);
        String doc = envelope("install", PlanJson.of(report));
        JsonSchemas.assertValid("install.schema.json", doc);
        JsonNode data = JsonSchemas.JACKSON.readTree(doc).get("data");
        assertEquals(2, data.get("changes").asInt());
        assertEquals(1, data.get("failed_hosts").asInt());
        assertEquals("command_failed", data.get("hosts").get(2).get("failure_kind").asText());
    }

    @Test
    void anUpgradesPlanAndItsRun() {
        Site site = siteOrThrow();
        RecordingHost host = new RecordingHost("app1");
        RollingUpgrade.AppNode app1 = new RollingUpgrade.AppNode(site.node("app1").orElseThrow(), host, InitSystem.SYSTEMD,
                "/opt/oth/releases/1.4.2", Optional.of("/opt/oth/releases/1.4.1"));
        RunReport report = new RunReport(true, List.of(new RunReport.HostOutcome("app1", 1,
                List.of("switch from 1.4.2 to 1.5.0: drain in haproxy, restart, health check, back in haproxy"), Optional.empty(), Optional.empty())), 3, 1);
        Upgrade.Plan plan = new Upgrade.Plan(new Upgrade.Request(false, true), List.of(app1), "/opt/oth/releases/1.5.0", report, new RecordingHost("lb"));

        JsonSchemas.assertValid("upgrade.schema.json", envelope("upgrade", UpgradeJson.of(plan, true, false, Optional.empty())));
        JsonSchemas.assertValid("upgrade.schema.json", envelope("upgrade", UpgradeJson.of(plan, false, true, Optional.of("oth-20261123-120000"))));
        JsonSchemas.assertValid("upgrade.schema.json", envelope("upgrade", UpgradeJson.nothingToDo(false, false)));
    }

    @Test
    void backupsKept() {
        List<Backups.Backup> kept = List.of(new Backups.Backup("oth-20261122T020000Z", NOW.minus(Duration.ofHours(34)), 48_211_337, false,
                        java.util.EnumSet.of(Backups.Place.node)),
                new Backups.Backup("oth-20261123T020000Z", NOW.minus(Duration.ofHours(10)), 48_402_001, true,
                        java.util.EnumSet.of(Backups.Place.node, Backups.Place.bucket, Backups.Place.operator)));
        JsonSchemas.assertValid("backup-list.schema.json", envelope("backup list", BackupsJson.of(kept)));
        JsonSchemas.assertValid("backup-list.schema.json", envelope("backup list", BackupsJson.of(List.of())));
    }

    @Test
    void supportAccessPerNode() throws IOException {
        List<SupportAccess.NodeStatus> rows = List.of(
                new SupportAccess.NodeStatus("lb", true, Optional.of(NOW.plus(Duration.ofHours(3))), 2, 1, List.of("52.30.207.215"), Optional.empty()),
                new SupportAccess.NodeStatus("app1", false, Optional.of(NOW.minus(Duration.ofHours(1))), 1, 0, List.of(), Optional.empty()),
                new SupportAccess.NodeStatus("storage", false, Optional.empty(), 0, 0, List.of(), Optional.of("the node could not be reached")));
        String doc = envelope("support status", SupportJson.of(rows, NOW));
        JsonSchemas.assertValid("support-status.schema.json", doc);
        JsonNode nodes = JsonSchemas.JACKSON.readTree(doc).get("data").get("nodes");
        assertEquals(3 * 3600, nodes.get(0).get("seconds_left").asLong());
        assertEquals("expired, not cleaned up", nodes.get(1).get("state").asText());
        assertEquals("unknown", nodes.get(2).get("state").asText());
    }

    private Site siteOrThrow() {
        try {
            return SiteLoader.load(siteFile);
        } catch (io.oth.site.SiteException e) {
            throw new AssertionError(e.problems().toString(), e);
        }
    }

    private static FleetConnector connecting(Fleet fleet) {
        return new FleetConnector() {
            @Override
            public Fleet connect(Site site, List<Node> nodes) {
                return fleet;
            }

            @Override
            public HostConnection connectOne(Site site, Node node) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int concurrency() {
                return 1;
            }
        };
    }
}
