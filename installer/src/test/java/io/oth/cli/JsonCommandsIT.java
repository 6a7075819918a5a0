package io.oth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command that reports, with {@code --json}, on the installed lab: one document on stdout,
 * valid against its published schema, with the site's real data (the unit test, JsonSchemaTest,
 * sees only what a refusing bastion leaves).
 */
@ExtendWith(LabExtension.class)
class JsonCommandsIT {
    private static Lab lab;

    @BeforeAll
    static void installed(Lab theLab) {
        lab = theLab;
        Run.ok("install", "--site", lab.site().toString());
    }

    @ParameterizedTest(name = "oth {0} --json")
    @CsvSource({
        "nodes,                          nodes.schema.json,          nodes",
        "install --check,                install.schema.json,        hosts",
        "install,                        install.schema.json,        hosts",
        "upgrade --check,                upgrade.schema.json,        ",
        "upgrade,                        upgrade.schema.json,        ",
        "certs status,                   certs-status.schema.json,   ",
        "backup list,                    backup-list.schema.json,    ",
        "support status,                 support-status.schema.json, ",
        "doctor --resolver 203.0.113.53, doctor.schema.json,         findings",
    })
    void eachCommandPrintsOneValidDocumentWithTheSitesData(String command, String schemaFile, String field) throws IOException {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--site", lab.site().toString(), "--json"));
        Run run = Run.oth(args.toArray(String[]::new));

        assertEquals(0, run.code(), run::toString);
        JsonNode doc = JsonSchemas.onlyDocument(run);
        JsonSchemas.assertValid(schemaFile, run.out());
        assertEquals(0, doc.get("exit_code").asInt(), run::toString);
        assertFalse(doc.get("data").isNull(), run::toString);
        if (field != null) {
            JsonNode items = doc.get("data").get(field);
            assertTrue(items != null && items.size() >= lab.nodes().size(), () -> field + " names every node:\n" + run.out());
        }
        assertFalse(run.out().contains("\u001b"), "no terminal codes in JSON");
    }
}
