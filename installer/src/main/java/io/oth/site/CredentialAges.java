package io.oth.site;

import io.oth.secret.Secrets;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How old each credential in use is ({@link AppAccounts#inUse}), against the site's limit
 * ({@code credentials.max_age_days}, 90 by default): what {@code oth install} warns about and
 * doctor's {@code posture.credentials} reports. A credential made before oth recorded times counts
 * from when oth first saw it (a lower bound); one with no time at all has an unknown age.
 */
public final class CredentialAges {
    private CredentialAges() {
    }

    /** One credential's age: {@code days} whole days since it was made (or first seen); none when unknown. */
    public record Age(AppAccounts.Credential credential, Optional<Long> days, boolean known, int limit) {
        public boolean tooOld() {
            return days.isPresent() && days.get() > limit;
        }

        /** {@code 3 day(s) old}, {@code at least 120 day(s) old (first seen ...)}, {@code age unknown}. */
        public String describe() {
            if (days.isEmpty()) {
                return "age unknown (made before oth recorded when credentials are made)";
            }
            return (known ? "" : "at least ") + days.get() + " day(s) old" + (known ? "" : " (counted from the first run that saw it)")
                    + ", limit " + limit;
        }

        /** What to run to replace it. */
        public String remedy() {
            return credential.remedy();
        }
    }

    public static List<Age> of(Site site, Secrets secrets, Instant now) {
        return AppAccounts.inUse(site, secrets).stream().map(c -> {
            Optional<Secrets.Age> age = secrets.age(c.secret());
            return new Age(c, age.map(a -> Math.max(0, Duration.between(a.since(), now).toDays())), age.map(Secrets.Age::known).orElse(false),
                    site.credentialsMaxAgeDays());
        }).toList();
    }
}
