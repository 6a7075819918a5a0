package io.oth.support;

import io.oth.input.InputFiles;
import io.oth.remote.ssh.KnownHostsFiles;
import io.oth.remote.ssh.PublicKeys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The OpenSSH public keys of the support staff for one grant, read from a file in
 * {@code authorized_keys} form ({@code TYPE BASE64 [COMMENT]}, one per line). Each key is decoded by
 * sshj, so a truncated or mistyped key is refused here, naming the file and line, instead of being
 * installed where it could never log in.
 */
public record SupportKeys(Path file, List<Key> keys) {

    /** One key: its type, its base64 blob, its comment (for the audit) and its SHA256 fingerprint. */
    public record Key(String type, String blob, String comment, String fingerprint) {
        /** The key as one {@code authorized_keys} line after {@code options}. */
        String line(String options) {
            return options + " " + type + " " + blob + (comment.isEmpty() ? "" : " " + comment);
        }
    }

    /** A few keys take a few KiB; a file larger than this is not a key list. */
    private static final int KEY_FILE_LIMIT = 1 << 20;

    /** Thrown for a file that is not a list of OpenSSH public keys; the message names the file and line. */
    public static final class KeyFileException extends Exception {
        KeyFileException(String message) {
            super(message);
        }
    }

    public static SupportKeys read(Path file) throws KeyFileException {
        List<String> lines;
        try {
            lines = InputFiles.readText(file, KEY_FILE_LIMIT, "a file of OpenSSH public keys").lines().toList();
        } catch (InputFiles.Refused e) {
            throw new KeyFileException(e.getMessage());
        }
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            keys.add(parse(file + " line " + (i + 1), line));
        }
        if (keys.isEmpty()) {
            throw new KeyFileException(file + ": no public key in it (one OpenSSH public key per line, as in a .pub file)");
        }
        return new SupportKeys(file, List.copyOf(keys));
    }

    private static Key parse(String where, String line) throws KeyFileException {
        if (line.contains("PRIVATE KEY")) {
            throw new KeyFileException(where + ": this is a private key; give the public one (the .pub file) and keep the private key with its owner");
        }
        String[] parts = line.split("\\s+", 3);
        if (parts.length < 2) {
            throw new KeyFileException(where + ": expected \"TYPE BASE64 [COMMENT]\", as in a .pub file");
        }
        if (parts[0].contains("=") || parts[0].contains(",")) {
            throw new KeyFileException(where + ": starts with authorized_keys options; give the bare key (oth sets from=, expiry-time= and the restrictions itself)");
        }
        if (!PublicKeys.isKeyType(parts[0])) {
            throw new KeyFileException(where + ": \"" + parts[0] + "\" is not an SSH public key type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ...)");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(where + ": the key is not valid base64 (" + e.getMessage() + ")");
        }
        Optional<String> problem = PublicKeys.problem(parts[0], blob);
        if (problem.isPresent()) {
            throw new KeyFileException(where + ": " + problem.get());
        }
        String comment = parts.length > 2 ? parts[2].strip() : "";
        return new Key(parts[0], parts[1], comment, KnownHostsFiles.sha256(blob));
    }
}
