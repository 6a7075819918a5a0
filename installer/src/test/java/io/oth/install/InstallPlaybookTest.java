package io.oth.install;

import io.oth.site.PlaybookFiles;
import io.oth.site.Playbooks;
import io.oth.site.YamlDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** playbooks/install.yml is read like the site file: typed, and each problem named by line, column and field. */
class InstallPlaybookTest {
    private static final String GOOD = PlaybookFiles.read("install.yml");

    private static InstallPlaybook read(String text) {
        return InstallPlaybook.read(YamlDoc.parse(Path.of("install.yml"), text, "a playbook"), Playbooks.load(), IllegalArgumentException::new);
    }

    @Test
    void theBuildsPlaybookReadsWhole() {
        InstallPlaybook playbook = read(GOOD);
        assertEquals("packages", playbook.phases().get(0).name());
        assertEquals(List.of("lb", "app", "storage"), playbook.phases().get(0).roles());
        assertEquals(new InstallPlaybook.Backups("/var/backups/oth/mariadb", 5), playbook.backups());
        assertTrue(playbook.servicePackages().get("broker").contains("rabbitmq-server"));
    }

    @Test
    void aPhaseNeedsWhatItNamesOrElseThePhaseBeforeIt() {
        List<InstallPlaybook.PhaseSpec> phases = read(GOOD).phases();
        assertEquals(Optional.empty(), phases.get(1).needs(), "hosts names nothing: it needs packages");
        assertEquals(Optional.of(List.of("hosts")), phases.stream().filter(p -> p.name().equals("broker")).findFirst().orElseThrow().needs());
        InstallPlaybook.PhaseSpec firewall = phases.get(phases.size() - 1);
        assertEquals("firewall", firewall.name());
        assertEquals(List.of("packages"), firewall.needs().orElseThrow(), "the firewall needs nftables only, so services start behind it");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            roles: [storage]                      | roles: [database]                        | phases[3].roles[0]: "database" is not a role
            retention_days: 5                     | retention_days: 0                        | backups.retention_days
            dir: /var/backups/oth/mariadb         | dir: backups                             | backups.dir
            'app: [nftables, openjdk-17-jre-headless]' | 'app: [nftables, "x; rm -rf /"]'    | packages.app[1]
            'broker: [rabbitmq-server]'           | 'queue: [rabbitmq-server]'               | "queue" is not a storage service
            'needs: [database]'                   | 'needs: [databse]'                       | phases[4].needs[0]: "databse" is not a phase of this file
            'needs: [database]'                   | 'needs: [backups]'                       | database-accounts needs backups
            """)
    void aBrokenPlaybookIsNamedByItsField(String from, String to, String named) {
        String text = from.equals("roles: [storage]") ? GOOD.replaceFirst("roles: \\[storage]", to) : GOOD.replace(from, to);
        assertTrue(!text.equals(GOOD), "the edit applies: " + from);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(text));
        assertTrue(e.getMessage().contains("install.yml:") && e.getMessage().contains(named), e.getMessage());
    }
}
