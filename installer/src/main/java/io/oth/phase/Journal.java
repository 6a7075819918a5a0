package io.oth.phase;

import io.oth.site.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What finished, per host and phase, on the operator's side. A run that ends without its end
 * record was interrupted; the next run says so and what had finished. Phases are still checked
 * against the hosts' facts on the next run: the journal tells a person, the facts tell oth.
 */
public final class Journal {
    private final Path file;

    public Journal(Path file) {
        this.file = file;
    }

    /** The journal in the site's {@link StateDir}. */
    public static Journal forSite(String site) {
        return new Journal(StateDir.of(site).resolve("journal"));
    }

    public Path file() {
        return file;
    }

    /** An earlier run that never ended: when it started and how many host phases it finished. */
    public record Interrupted(String run, Instant started, long finished) {
    }

    public Optional<Interrupted> lastInterrupted() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            List<String[]> records = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(l -> l.split("\t")).toList();
            String lastRun = null;
            Instant started = null;
            boolean ended = true;
            long finished = 0;
            for (String[] r : records) {
                if (r.length < 3) {
                    continue;
                }
                switch (r[2]) {
                    case "start" -> {
                        lastRun = r[1];
                        started = Instant.parse(r[0]);
                        ended = false;
                        finished = 0;
                    }
                    case "done" -> finished += r[1].equals(lastRun) ? 1 : 0;
                    case "end" -> ended = ended || r[1].equals(lastRun);
                    default -> { }
                }
            }
            return ended || lastRun == null ? Optional.empty() : Optional.of(new Interrupted(lastRun, started, finished));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void start(String run, String mode) {
        append(run, "start", mode, "");
    }

    void done(String run, String host, String phase, int changed) {
        append(run, "done", host + "\t" + phase, String.valueOf(changed));
    }

    void end(String run, String outcome) {
        append(run, "end", outcome, "");
    }

    private synchronized void append(String run, String event, String what, String extra) {
        String line = Instant.now() + "\t" + run + "\t" + event + "\t" + what + "\t" + extra + "\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the journal " + file + ": " + e.getMessage(), e);
        }
    }
}
