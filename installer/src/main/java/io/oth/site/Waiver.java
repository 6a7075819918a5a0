package io.oth.site;

import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A doctor finding the site has accepted, with the reason: {@code check} is a check id
 * ({@code posture.listen}), {@code node} the vantage point and {@code target} what was checked
 * (both optional; {@code *} in a target matches anything). A waiver with {@code until} ends after that day.
 */
public record Waiver(String check, Optional<String> node, Optional<String> target, String reason, Optional<LocalDate> until, String where) {

    /** Whether this waiver covers the finding {@code id} seen from {@code vantage} about {@code about}. */
    public boolean covers(String id, String vantage, String about) {
        return check.equals(id) && node.map(vantage::equals).orElse(true) && target.map(t -> glob(t).matcher(about).matches()).orElse(true);
    }

    public boolean expired(LocalDate today) {
        return until.map(today::isAfter).orElse(false);
    }

    private static Pattern glob(String text) {
        StringBuilder regex = new StringBuilder();
        for (String part : text.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
