package io.oth.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.time.Instant;
import java.util.Map;

/**
 * The one JSON document a command prints with {@code --json} (docs/json.md): which command, with
 * which options, by which oth, when, how it ended, and the command's result as {@code data}. The
 * same around every command, so that a tool reads the exit code and the options the same way
 * everywhere; {@code data} is null when the command ended before it had a result (stderr says why).
 */
public final class JsonEnvelope {
    /** Record components in camelCase become snake_case keys, as in every oth document. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private JsonEnvelope() {
    }

    /** The document; its keys in this order. */
    public record Document(String schema, String othVersion, String command, Map<String, Object> options, String started, String finished,
                           int exitCode, Object data) {
    }

    /** {@code oth-certs-status/1} for {@code certs status}: the command's words joined by dashes, and the version of its data. */
    public static String schema(String command, int version) {
        return "oth-" + command.replace(' ', '-') + "/" + version;
    }

    public static String render(String command, int version, String othVersion, Map<String, Object> options, Instant started,
                                Instant finished, int exitCode, Object data) {
        Document doc = new Document(schema(command, version), othVersion, command, options, started.toString(), finished.toString(), exitCode, data);
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
