package io.oth.op;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;

import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.remote.Upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A file with exact content, owner and mode. It is rewritten only when its checksum, owner or mode
 * differ; a new file is checked with the program's own checker before it replaces the old one.
 *
 * @param owner    {@code user:group}
 * @param mode     octal, e.g. {@code 0644}
 * @param check    shell command that validates the staged file in {@code "$1"}, or null
 * @param notifies services to reload when the file changes
 * @param display  how a change may be shown: a diff for text, a size for binaries, nothing for secrets
 */
public record FileOp(String path, Blob content, String owner, String mode, String check, Set<String> notifies,
                     Display display) implements Operation {
    private static final int DIFF_LIMIT = 256 * 1024;
    /** The first line of a probe's answer whose checksum is to be computed from the content it printed. */
    static final String FROM_CONTENT = "-";
    /** Printed after a file's content: see {@link #withoutEnd}. */
    static final String END = ".";
    private static final int SUM_LENGTH = 64;

    /** How the content of a file may be shown in a plan. */
    public enum Display { TEXT, BINARY, SECRET }

    public static FileOp text(String path, String content, String owner, String mode) {
        return new FileOp(path, Blob.of(content.getBytes(StandardCharsets.UTF_8)), owner, mode, null, Set.of(), Display.TEXT);
    }

    public static FileOp binary(String path, byte[] content, String owner, String mode) {
        return binary(path, Blob.of(content), owner, mode);
    }

    /** A binary file whose bytes may be read only when it is written (a release bundle: {@link Blob#later}). */
    public static FileOp binary(String path, Blob content, String owner, String mode) {
        return new FileOp(path, content, owner, mode, null, Set.of(), Display.BINARY);
    }

    public FileOp checkedWith(String checkCommand) {
        return new FileOp(path, content, owner, mode, checkCommand, notifies, display);
    }

    public FileOp notifying(String... services) {
        return new FileOp(path, content, owner, mode, check, Set.of(services), display);
    }

    /** The content is a secret (a private key, a password): never shown, never diffed. */
    public FileOp secret() {
        return new FileOp(path, content, owner, mode, check, notifies, Display.SECRET);
    }

    @Override
    public String subject() {
        return "file " + path;
    }

    @Override
    public List<Probe> probes() {
        String p = io.oth.remote.Command.quote(path);
        String meta = "stat -c '%U:%G %a' -- " + p;
        if (display == Display.TEXT && content.length() <= DIFF_LIMIT) {
            // The content is read for the diff anyway, so its checksum is computed here rather than
            // by two more processes on the node (a no-op's probe round is mostly process starts).
            return List.of(Probe.file(key(), "if [ -f " + p + " ]; then echo " + FROM_CONTENT + "; " + meta + "; cat -- " + p + "; echo "
                    + END + "; else echo absent; fi", path, Optional.of(content.sha256())));
        }
        return List.of(Probe.file(key(), "if [ -f " + p + " ]; then sha256sum < " + p + "; " + meta + "; else echo absent; fi", path, Optional.empty()));
    }

    /** What the node has: its sum, owner and mode, and its text when the probe read it; {@code absent} without a file. */
    private record Found(boolean absent, String sum, String meta, String text) {
    }

    private Found found(Map<String, Probe.Answer> answers) {
        String[] lines = answers.get(key()).output().split("\n", 3);
        boolean absent = lines[0].equals("absent");
        String current = absent || lines.length < 3 ? "" : lines[2];
        String have;
        if (lines[0].equals(FROM_CONTENT)) {
            current = withoutEnd(current);
            have = sha256(current.getBytes(StandardCharsets.UTF_8));
        } else {
            have = lines[0].length() > SUM_LENGTH ? lines[0].substring(0, SUM_LENGTH) : lines[0];
        }
        return new Found(absent, have, lines.length > 1 ? lines[1] : "", current);
    }

    /** Whether the node has this file with other content than this operation's ({@link WrittenOnceOp}). */
    boolean hasOtherContent(Map<String, Probe.Answer> answers) {
        Found found = found(answers);
        return !found.absent() && !found.sum().equals(content.sha256());
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Found found = found(answers);
        boolean absent = found.absent();
        String current = found.text();
        String have = found.sum();
        String wantSum = content.sha256();
        String wantMode = mode.replaceFirst("^0+(?=.)", "");
        boolean sameContent = !absent && have.equals(wantSum);
        boolean sameMeta = !absent && found.meta().equals(owner + " " + wantMode);
        if (sameContent && sameMeta) {
            return Optional.empty();
        }
        String what = absent ? "create " : sameContent ? "fix owner/mode of " : "write ";
        String diff = sameContent ? "" : diff(current);
        return Optional.of(write(what + path + " (" + mode + " " + owner + ")", diff));
    }

    /**
     * {@code text} without the {@link #END} mark a probe printed after a file's content, or the
     * text with a character that no file of oth ends with when the mark is missing (the checksum
     * then differs, and the file is written again). The mark tells a file that ends with a newline
     * from one that does not, which a probe's output alone cannot.
     */
    static String withoutEnd(String text) {
        return text.endsWith(END) ? text.substring(0, text.length() - END.length()) : text + "\uFFFD";
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "content (sha256 " + content.sha256().substring(0, 12) + "), owner " + owner + " and mode " + mode + " already as wanted";
    }

    /** The change that replaces {@code currentText}, which the caller already read, with this file. */
    Change replacing(String currentText) {
        return write("write " + path + " (" + mode + " " + owner + ")", diff(currentText));
    }

    private String key() {
        return "file:" + path;
    }

    private Change write(String summary, String detail) {
        return new Write(summary, detail, this);
    }

    /** This file's upload: a phase's consecutive ones go to a node in one round trip ({@link Change.Uploading}). */
    private record Write(String summary, String detail, FileOp file) implements Change.Uploading {
        @Override
        public Set<String> notifies() {
            return file.notifies;
        }

        @Override
        public List<Upload> uploads(String host) throws RemoteException {
            try {
                return List.of(new Upload(file.content.bytes(), file.path, file.owner, file.mode, file.check));
            } catch (IOException e) {
                throw new RemoteException(host, Failure.COMMAND_FAILED, "not uploaded to " + file.path + ": its source changed since"
                        + " oth checked it (" + e.getMessage() + "); run again to check it anew");
            }
        }
    }

    private String diff(String old) {
        if (display == Display.SECRET) {
            return "  (content not shown: it holds a secret)";
        }
        Optional<byte[]> text = content.inMemory();
        if (display == Display.BINARY || content.length() > DIFF_LIMIT || text.isEmpty()) {
            return "  (large file: " + content.length() + " bytes, sha256 " + content.sha256().substring(0, 12) + ")";
        }
        List<String> before = old.isEmpty() ? List.of() : old.lines().toList();
        List<String> after = new String(text.get(), StandardCharsets.UTF_8).lines().toList();
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff("a" + path, "b" + path, before, DiffUtils.diff(before, after), 3);
        return String.join("\n", unified);
    }

    /** Hex SHA-256, as {@code sha256sum} prints it. */
    public static String sha256(byte[] bytes) {
        return io.oth.remote.Sha256.hex(bytes);
    }
}
