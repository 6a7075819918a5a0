package io.oth.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The published schemas (docs/schemas/), read from the repository; their relative references resolved there, nothing fetched. */
final class JsonSchemas {
    static final Path DIR = Path.of(System.getProperty("oth.repo", ".."), "docs", "schemas").toAbsolutePath().normalize();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.resourceLoaders(loaders -> loaders.add(iri -> iri.toString().startsWith(DIR.toUri().toString())
                    ? () -> Files.newInputStream(Path.of(URI.create(iri.toString()))) : null)));
    static final ObjectMapper JACKSON = new ObjectMapper();

    private JsonSchemas() {
    }

    static List<Error> errors(String schemaFile, String document) {
        Schema schema = REGISTRY.getSchema(SchemaLocation.of(DIR.resolve(schemaFile).toUri().toString()));
        return schema.validate(document, InputFormat.JSON);
    }

    static void assertValid(String schemaFile, String document) {
        List<Error> errors = errors(schemaFile, document);
        assertTrue(errors.isEmpty(), () -> schemaFile + ": " + errors + "\n" + document);
    }

    /** Exactly one JSON value on stdout, nothing before or after it. */
    static JsonNode onlyDocument(Run run) throws IOException {
        try (JsonParser parser = JACKSON.createParser(run.out())) {
            JsonNode doc = JACKSON.readTree(parser);
            assertNull(parser.nextToken(), () -> "more than one document on stdout:\n" + run);
            return doc;
        }
    }
}
