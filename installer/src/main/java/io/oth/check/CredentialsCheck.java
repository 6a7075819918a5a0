package io.oth.check;

import io.oth.secret.Secrets;
import io.oth.site.CredentialAges;
import io.oth.site.Site;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * posture.credentials, from the operator's machine: the age of each credential the application and
 * oth use on the services oth runs, from the site's secrets; past {@code credentials.max_age_days}
 * a warning that names the rotation.
 */
final class CredentialsCheck {
    static final String ID = "posture.credentials";

    private CredentialsCheck() {
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "each credential in use (the application's, oth's RabbitMQ administrator, RabbitMQ's Erlang cookie, MinIO's root)"
                + " is younger than credentials.max_age_days (90 by default), by the times the site's secrets keep", List.of(Vantage.OPERATOR)));
    }

    static List<Finding> findings(Site site, Optional<Secrets> secrets, Clock clock) {
        if (secrets.isEmpty()) {
            return List.of(new Finding(ID, Vantage.OPERATOR, "secrets", Verdict.SKIP, "no site secrets on this machine yet", "run oth doctor where oth install ran"));
        }
        return CredentialAges.of(site, secrets.get(), clock.instant()).stream().map(a -> {
            String target = a.credential().secret();
            if (a.days().isEmpty()) {
                return new Finding(ID, Vantage.OPERATOR, target, Verdict.SKIP, a.credential().what() + ": " + a.describe(),
                        "oth install dates it from its next run; to replace it now: " + a.remedy());
            }
            return a.tooOld() ? new Finding(ID, Vantage.OPERATOR, target, Verdict.WARN, a.credential().what() + ": " + a.describe(), a.remedy())
                    : Finding.ok(ID, Vantage.OPERATOR, target, a.credential().what() + ": " + a.describe());
        }).toList();
    }
}
