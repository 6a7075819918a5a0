package io.oth.cli;

import io.oth.check.CheckInfo;
import io.oth.check.Doctor;
import io.oth.site.Playbooks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oth doctor --list-checks}: every check, what it verifies and where from, without a site or a lab. */
class DoctorListChecksTest {

    @Test
    void everyCheckIsListedWithItsVantagePoints() {
        Run run = Run.oth("doctor", "--list-checks");
        assertEquals(0, run.code(), run::toString);
        List<CheckInfo> checks = Doctor.catalogue(Playbooks.load());
        for (CheckInfo check : checks) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(check.id() + " ") && l.contains("from " + String.join(", ", check.from()))
                    && l.endsWith(check.verifies())), () -> check + "\n" + run);
        }
        assertTrue(run.out().endsWith(checks.size() + " checks; --only selects them by the part of the id before the dot\n"), run::toString);
    }

    @Test
    void theListNamesEveryCategoryAndEveryVantagePoint() {
        String out = Run.oth("doctor", "--list-checks").out();
        for (Doctor.Category category : Doctor.Category.values()) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(category + ".")), () -> category + "\n" + out);
        }
        assertTrue(out.lines().anyMatch(l -> l.matches("reach\\.node\\s+from bastion\\s+.*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("certs\\.served\\s+from operator, app\\s+.*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("ports\\.lb-app\\s+from lb\\s+the app ports the network table opens to lb nodes connect: 80, 22;"
                + " traefik's over mutual TLS as haproxy connects \\(the site CA, the node's name, haproxy's client certificate\\)")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("ports\\.app-storage\\s+from app\\s+.*3306 \\(database\\).*")), out);
    }
}
