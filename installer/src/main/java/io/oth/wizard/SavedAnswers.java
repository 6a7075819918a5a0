package io.oth.wizard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oth.secret.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The answers of a setup in progress, saved as they are given so that a setup stopped by Ctrl-C or
 * a crash can be resumed: one 0600 file per target site file in oth's state directory, replaced
 * atomically, removed once the site file is written. Secrets are never in it (they are asked again).
 * Read back it is hostile input: bounded, every key one the questions know, every text bounded and
 * without control characters, and even then only text, put through the questions' checks again.
 */
final class SavedAnswers {
    static final String SCHEMA = "oth-setup-draft/1";
    /** A saved draft is a few KiB; anything bigger was not written by oth. */
    static final int LIMIT = 64 * 1024;
    private static final int TEXT_LIMIT = 4096;
    private static final int NODE_LIMIT = 256;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What was saved: when, how many sections were answered, the answers. */
    record Saved(Instant saved, int sectionsDone, KnownAnswers answers) {
    }

    /** A saved draft that is not one oth would have written; the message names the file and why. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final Path file;
    private final Path target;
    private String lastAnswers = "";

    private SavedAnswers(Path file, Path target) {
        this.file = file;
        this.target = target;
    }

    /** The draft of a setup that writes {@code target}, kept in {@code dir}, named by a hash of the target's absolute path. */
    static SavedAnswers of(Path dir, Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(absolute.toString().getBytes(StandardCharsets.UTF_8));
            return new SavedAnswers(dir.resolve(HexFormat.of().formatHex(hash, 0, 8) + ".json"), absolute);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path file() {
        return file;
    }

    /** The saved draft, if there is one; {@link Refused} when there is one that cannot be used. */
    Optional<Saved> read(Questions questions) throws Refused {
        String text;
        try {
            if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            if (Files.size(file) > LIMIT) {
                throw new Refused(file + " is larger than " + (LIMIT >> 10) + " KiB (expected the answers of oth setup)");
            }
            text = PrivateFiles.read(file);
        } catch (Refused e) {
            throw e;
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new Refused(e.getMessage());
        }
        try {
            return Optional.of(parse(JSON.readTree(text), questions));
        } catch (JsonProcessingException e) {
            throw new Refused(file + " is not JSON (expected the answers of oth setup)");
        }
    }

    private Saved parse(JsonNode doc, Questions questions) throws Refused {
        if (!doc.isObject() || !SCHEMA.equals(doc.path("schema").asText(null))) {
            throw refused("schema", "is not " + SCHEMA);
        }
        if (!target.toString().equals(doc.path("target").asText(null))) {
            throw refused("target", "is not " + target);
        }
        Instant saved;
        try {
            saved = Instant.parse(doc.path("saved").asText(""));
        } catch (DateTimeParseException e) {
            throw refused("saved", "is not a time (expected like 2026-12-04T12:03:00Z)");
        }
        JsonNode done = doc.path("sections_done");
        if (!done.isInt() || done.asInt() < 0 || done.asInt() > Questions.sectionTitles().size()) {
            throw refused("sections_done", "is not a number from 0 to " + Questions.sectionTitles().size());
        }
        Set<String> siteKeys = questions.site().stream().filter(q -> q.kind() != Question.Kind.SECRET).map(Question::key).collect(Collectors.toSet());
        Set<String> nodeKeys = questions.node().stream().map(Question::key).collect(Collectors.toSet());
        Map<String, String> answers = texts(doc.path("answers"), siteKeys, "answers");
        JsonNode nodeList = doc.path("nodes");
        if (!nodeList.isArray() || nodeList.size() > NODE_LIMIT) {
            throw refused("nodes", "is not a list of at most " + NODE_LIMIT + " nodes");
        }
        List<Map<String, String>> nodes = new ArrayList<>();
        for (int i = 0; i < nodeList.size(); i++) {
            nodes.add(texts(nodeList.get(i), nodeKeys, "nodes[" + i + "]"));
        }
        return new Saved(saved, done.asInt(), new KnownAnswers(answers, nodes));
    }

    private Map<String, String> texts(JsonNode object, Set<String> keys, String where) throws Refused {
        if (!object.isObject()) {
            throw refused(where, "is not a mapping of answers");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!keys.contains(e.getKey())) {
                throw refused(where, Checks.quote(e.getKey().length() > 64 ? e.getKey().substring(0, 64) + "..." : e.getKey())
                        + " is not a question of oth setup");
            }
            String text = e.getValue().isTextual() ? e.getValue().asText() : null;
            if (text == null || text.length() > TEXT_LIMIT || text.codePoints().anyMatch(Character::isISOControl)) {
                throw refused(where + "." + e.getKey(), "is not an answer (expected text of at most " + TEXT_LIMIT + " characters, no control characters)");
            }
            texts.put(e.getKey(), text);
        }
        return texts;
    }

    private Refused refused(String field, String message) {
        return new Refused(file + ": " + field + ": " + message + "; it was not written by this oth setup");
    }

    /** Saves the answers in {@code d} when they changed since the last save (or the draft that was resumed). */
    void save(Draft d, Questions questions, int sectionsDone, Instant now) throws IOException {
        KnownAnswers answers = KnownAnswers.of(d, questions);
        String key = fingerprint(answers);
        if (key.equals(lastAnswers)) {
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("target", target.toString());
        doc.put("saved", now.toString());
        doc.put("sections_done", sectionsDone);
        doc.put("answers", new java.util.TreeMap<>(answers.answers()));
        doc.put("nodes", answers.nodes().stream().map(java.util.TreeMap::new).toList());
        PrivateFiles.write(file, JSON.writeValueAsString(doc) + "\n");
        lastAnswers = key;
    }

    /** The answers the setup starts from (defaults, resumed answers): until one changes, nothing is saved. */
    void startingFrom(KnownAnswers answers) {
        try {
            lastAnswers = fingerprint(answers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fingerprint(KnownAnswers answers) throws JsonProcessingException {
        return JSON.writeValueAsString(List.of(new java.util.TreeMap<>(answers.answers()),
                answers.nodes().stream().map(java.util.TreeMap::new).toList()));
    }

    /** Gone once the site file is written, or when the person chose not to resume it. */
    void remove() throws IOException {
        Files.deleteIfExists(file);
    }
}
