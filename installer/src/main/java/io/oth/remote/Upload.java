package io.oth.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One file for {@link Host#upload(List)}: written through a temporary file beside {@code path} and a
 * rename, owned and moded before it is renamed, and only after {@code check} (a shell command that
 * finds the staged file in {@code "$1"}, e.g. {@code haproxy -c -q -f "$1"}; null for none) passes.
 */
public record Upload(byte[] content, String path, String owner, String mode, String check) {
    /** The script exits with this when a file's check refused it; stdout's last line is the file's index. */
    public static final int CHECK_REJECTED = 86;
    /** The bytes that arrived are not the bytes sent (a cut or damaged transfer): nothing was replaced. */
    public static final int ARRIVED_DAMAGED = 87;
    /** What the script prints on stdout after the last file landed. */
    static final String DONE = "done";

    public Upload {
        if (path.isEmpty() || path.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("upload: not a path: " + path);
        }
    }

    /**
     * The script a node runs as root to put {@code files} in place, in order, reading their bytes one
     * after another from stdin: one round trip for them all. Every file arrives first, each into a
     * temporary file beside its target, and every checksum is checked before anything lands, so a cut
     * transfer replaces nothing. Then, file by file, its check runs and it is renamed into place, as
     * separate uploads would do it (a file's check may read the files before it at their places).
     * Before each file's check, its index goes to stdout, so that a failure names its file. Few
     * processes: a node busy starting its services makes each one slow.
     */
    public static String script(List<Upload> files) {
        return script(files, TempFiles.DIRECTORIES);
    }

    /** {@link #script(List)}, recording the temporary files' directories in {@code directories}. */
    static String script(List<Upload> files, String directories) {
        StringBuilder s = new StringBuilder("set -e; umask 077;");
        List<String> temps = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            temps.add("\"$t" + i + "\"");
            s.append(" t").append(i).append("=;");
        }
        String all = String.join(" ", temps);
        // The temporary names carry the run's token; their directories are recorded, so that the next run finds them after a SIGKILL.
        s.append(" trap 'rm -f -- ").append(all).append("' EXIT;");
        Set<String> dirs = new LinkedHashSet<>();
        for (int i = 0; i < files.size(); i++) {
            Upload f = files.get(i);
            String dir = f.dir();
            if (dirs.add(dir)) {
                s.append(" d=").append(Command.quote(dir)).append("; [ -d \"$d\" ] || (umask 022; mkdir -p -- \"$d\"); ")
                        .append(TempFiles.record("\"$d\"", directories)).append(";");
            }
            s.append(" t").append(i).append("=$(mktemp ").append(Command.quote(TempFiles.template(f.path()))).append(");")
                    .append(" head -c ").append(f.content.length).append(" > \"$t").append(i).append("\";");
        }
        StringBuilder sums = new StringBuilder();
        StringBuilder which = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            Upload f = files.get(i);
            String sha256 = Sha256.hex(f.content);
            sums.append(' ').append(sha256).append(" \"$t").append(i).append('"');
            which.append(" got=$(sha256sum < \"$t").append(i).append("\"); got=${got%% *}; if [ \"$got\" != ").append(sha256).append(" ]; then echo ")
                    .append(i).append("; echo \"$(wc -c < \"$t").append(i).append("\") of ").append(f.content.length)
                    .append(" bytes arrived, sha256 $got\" >&2; exit ").append(ARRIVED_DAMAGED).append("; fi;");
        }
        s.append(" if ! printf '%s  %s\\n'").append(sums).append(" | sha256sum --check --strict --status -; then").append(which)
                .append(" exit ").append(ARRIVED_DAMAGED).append("; fi;");
        Map<String, List<String>> byOwner = new LinkedHashMap<>();
        Map<String, List<String>> byMode = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            byOwner.computeIfAbsent(files.get(i).owner, k -> new ArrayList<>()).add(temps.get(i));
            byMode.computeIfAbsent(files.get(i).mode, k -> new ArrayList<>()).add(temps.get(i));
        }
        byOwner.forEach((owner, ts) -> s.append(" chown ").append(Command.quote(owner)).append(" -- ").append(String.join(" ", ts)).append(";"));
        byMode.forEach((mode, ts) -> s.append(" chmod ").append(Command.quote(mode)).append(" -- ").append(String.join(" ", ts)).append(";"));
        for (int i = 0; i < files.size(); i++) {
            Upload f = files.get(i);
            s.append(" echo ").append(i).append(";");
            if (f.check != null) {
                s.append(" if ! out=$(sh -c ").append(Command.quote(f.check)).append(" sh \"$t").append(i).append("\" 2>&1); then printf '%s\\n' \"$out\" >&2; exit ")
                        .append(CHECK_REJECTED).append("; fi;");
            }
            s.append(" mv -f -- \"$t").append(i).append("\" ").append(Command.quote(f.path)).append(";");
        }
        return s.append(" trap - EXIT; echo ").append(DONE).toString();
    }

    /**
     * The index of the file the script was at when it stopped (from its stdout), or empty when it
     * stopped before the first one's check (arrivals, owners, modes: then no file had landed).
     */
    public static Optional<Integer> stoppedAt(String stdout, int files) {
        List<String> lines = stdout.lines().toList();
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            int i = Integer.parseInt(lines.get(lines.size() - 1).strip());
            return i >= 0 && i < files ? Optional.of(i) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The directory the file lands in. */
    String dir() {
        int slash = path.lastIndexOf('/');
        return slash > 0 ? path.substring(0, slash) : slash == 0 ? "/" : ".";
    }

    /** A failed {@link Host#upload(List)}: the files before {@link #landed()} are in place, the others untouched. */
    public static final class Failed extends RemoteException {
        private final int landed;

        public Failed(RemoteException cause, int landed) {
            this(cause.host(), cause.failure(), cause.detail(), landed);
            initCause(cause);
        }

        public Failed(String host, Failure failure, String detail, int landed) {
            super(host, failure, detail);
            this.landed = landed;
        }

        /** How many of the files, from the first, are in place. */
        public int landed() {
            return landed;
        }
    }
}
