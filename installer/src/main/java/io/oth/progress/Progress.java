package io.oth.progress;

/**
 * What a run is doing now, for a person watching: the run as a whole ({@link #doing}) and each node
 * at work ({@link #start}), each with its current step and what it waits for. Services report here;
 * on a terminal a {@link StatusBoard} shows it in status lines, elsewhere nobody does
 * ({@link #NONE}), and the lines a run prints stay as they are.
 */
public interface Progress {
    /** Nobody watches: a pipe, a file, {@code --no-progress}, {@code --json}, a test. */
    Progress NONE = new Progress() {
        @Override
        public Activity doing(String what) {
            return Activity.NONE;
        }

        @Override
        public Activity start(String node, String work) {
            return Activity.NONE;
        }
    };

    /** Work of the run as a whole, of no one node ("connecting to 4 nodes through bastion 203.0.113.10"), until closed. */
    Activity doing(String what);

    /** Work on {@code node} ({@code work}: a phase's name, a step of a command), until closed. */
    Activity start(String node, String work);

    /** One piece of work in progress. */
    interface Activity extends AutoCloseable {
        Activity NONE = new Activity() {
            @Override
            public void step(String what) {
            }

            @Override
            public Waiting waitFor(String what) {
                return Waiting.NONE;
            }

            @Override
            public void close() {
            }
        };

        /** What the work does now ("write /etc/haproxy/haproxy.cfg"). */
        void step(String what);

        /** The work waits for {@code what} ("MinIO on 10.77.0.5:9000") until the returned wait is closed. */
        Waiting waitFor(String what);

        @Override
        void close();
    }
}
