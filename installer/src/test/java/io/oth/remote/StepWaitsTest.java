package io.oth.remote;

import io.oth.progress.Progress;
import io.oth.progress.Waiting;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StepWaitsTest {
    private static final List<Upload> ONE_FILE = List.of(new Upload(new byte[] {1}, "/tmp/x", "root:root", "0644", null));

    /** An activity that notes the waits it is told of, and when each ends. */
    private static final class Watched implements Progress.Activity {
        final List<String> seen = new ArrayList<>();

        @Override
        public void step(String what) {
        }

        @Override
        public Waiting waitFor(String what) {
            seen.add("wait " + what);
            return () -> seen.add("end " + what);
        }

        @Override
        public void close() {
        }
    }

    /** A host with no activity of its own (an SSH connection), whose upload says what it waits for where the step shows its waits. */
    private static Host below(Watched activity) {
        return new UnsupportedHost("app1") {
            @Override
            public void upload(byte[] content, String path, String owner, String mode, String check) {
                try (Waiting w = StepWaits.waitingFor("its turn to upload")) {
                    activity.seen.add("uploading");
                }
            }
        };
    }

    @Test
    void aWaitOfTheHostBelowAnUploadIsShownAsTheStepsOwn() throws Exception {
        Watched activity = new Watched();
        ReportedHost.of(below(activity), activity).upload(ONE_FILE);
        assertEquals(List.of("wait its turn to upload", "uploading", "end its turn to upload"), activity.seen);
        // Outside a reported call, a wait is shown nowhere.
        activity.seen.clear();
        StepWaits.waitingFor("nothing").close();
        assertEquals(List.of(), activity.seen);
    }

    @Test
    void underAWatchedStepAndItsTraceTheWaitIsShownOnceInBoth() throws Exception {
        Watched activity = new Watched();
        List<String> logged = new ArrayList<>();
        ReportedHost.of(TracedHost.of(below(activity), logged::add), activity).upload(ONE_FILE);
        assertEquals(List.of("wait its turn to upload", "uploading", "end its turn to upload"), activity.seen);
        assertEquals(1, logged.stream().filter(l -> l.contains("waited for its turn to upload")).count(), logged.toString());
        // Nobody watching: the trace alone shows it.
        logged.clear();
        TracedHost.of(below(new Watched()), logged::add).upload(ONE_FILE);
        assertEquals(1, logged.stream().filter(l -> l.contains("waited for its turn to upload")).count(), logged.toString());
    }
}
