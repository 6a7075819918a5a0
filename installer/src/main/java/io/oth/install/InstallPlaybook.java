package io.oth.install;

import io.oth.input.BoundedYaml;
import io.oth.site.PlaybookFiles;
import org.snakeyaml.engine.v2.schema.JsonSchema;

import java.util.List;
import java.util.Map;

/** playbooks/install.yml: the phases of an install, in order, and the packages of each role and local storage service. */
public record InstallPlaybook(List<PhaseSpec> phases, Map<String, List<String>> packages, Map<String, List<String>> servicePackages,
                              Backups backups) {

    /** Where database backups go on the storage node, and for how many days they are kept. */
    public record Backups(String dir, int retentionDays) {
    }

    /** One phase: its name (which code runs it), its title, and the roles it applies to. */
    public record PhaseSpec(String name, String title, List<String> roles) {
    }

    private static Backups backups(Map<String, Object> backups) {
        return new Backups((String) backups.get("dir"), (Integer) backups.get("retention_days"));
    }

    @SuppressWarnings("unchecked")
    public static InstallPlaybook load() {
        try {
            Map<String, Object> doc = (Map<String, Object>) BoundedYaml.load(PlaybookFiles.read("install.yml"),
                    BoundedYaml.settings(PlaybookFiles.label("install.yml").toString(), new JsonSchema()).build());
            List<PhaseSpec> phases = ((List<Map<String, Object>>) doc.get("phases")).stream()
                    .map(p -> new PhaseSpec((String) p.get("name"), (String) p.get("title"), (List<String>) p.get("roles"))).toList();
            return new InstallPlaybook(phases, (Map<String, List<String>>) doc.get("packages"),
                    (Map<String, List<String>>) doc.getOrDefault("services", Map.of()),
                    backups((Map<String, Object>) doc.get("backups")));
        } catch (PlaybookFiles.Broken e) {
            throw e;
        } catch (RuntimeException e) {
            throw PlaybookFiles.problem(PlaybookFiles.label("install.yml") + " is not what oth expects: " + e.getMessage(), e);
        }
    }
}
