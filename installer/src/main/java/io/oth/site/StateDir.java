package io.oth.site;

import java.nio.file.Path;

/**
 * Where oth keeps a site's state on the operator's side: the journal, the site CA, the secrets, the
 * run logs ({@link #LOGS}).
 * {@code $XDG_STATE_HOME/oth/SITE}, else {@code ~/.local/state/oth/SITE}.
 */
public final class StateDir {
    /** The directory of a site's state directory that holds one log per run. */
    public static final String LOGS = "logs";
    /** The findings of the last whole doctor run, for a support bundle made while the nodes cannot be reached. */
    public static final String LAST_DOCTOR = "doctor-last.json";

    private StateDir() {
    }

    public static Path of(String site) {
        return base().resolve(site);
    }

    /** oth's own state directory, above the sites': where what concerns no one site goes (crash reports). */
    public static Path base() {
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("oth");
    }
}
