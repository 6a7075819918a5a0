package io.oth.check;

import io.oth.op.Probe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncryptionAtRestCheckTest {
    private static final String SETTINGS = "settings\tFORCE\t1\t1\n";

    private static Finding of(String output) {
        return EncryptionAtRestCheck.finding("storage", new Probe.Answer(0, output));
    }

    @Test
    void everyTablespaceEncryptedIsOkAndTheTemporaryOneDoesNotCount() {
        Finding f = of(SETTINGS + "space\tinnodb_system\t1\t1\nspace\tmysql/gtid_slave_pos\t1\t1\nspace\tinnodb_temporary\t0\t0\n");
        assertEquals(Verdict.OK, f.verdict(), f::toString);
        assertTrue(f.cause().contains("2 of 2 InnoDB tablespaces encrypted (100 %)"), f::toString);
    }

    @Test
    void aConversionInProgressIsAWarningWithTheShare() {
        Finding f = of(SETTINGS + "space\tinnodb_system\t1\t1\nspace\toth/records\t0\t0\nspace\toth/files\t1\t0\nspace\toth/users\t1\t1\n");
        assertEquals(Verdict.WARN, f.verdict(), f::toString);
        assertTrue(f.cause().startsWith("2 of 4 InnoDB tablespaces encrypted (50 %)"), f::toString);
    }

    @Test
    void encryptionNotForcedIsAFailure() {
        Finding f = of("settings\tON\t0\t1\nspace\tinnodb_system\t1\t1\n");
        assertEquals(Verdict.FAIL, f.verdict(), f::toString);
        assertTrue(f.cause().contains("ON 0 1"), f::toString);
    }

    @Test
    void anAnswerThatIsNotMariaDBsIsAFailureShownSafely() {
        Finding f = of(SETTINGS + "space\tinnodb_system\t1\t1\n\u001b[2Jrm -rf /\n");
        assertEquals(Verdict.FAIL, f.verdict(), f::toString);
        assertTrue(!f.cause().contains("\u001b"), f::toString);
    }

    @Test
    void mariadbNotAnsweringIsAFailure() {
        Finding f = EncryptionAtRestCheck.finding("storage", new Probe.Answer(1, "ERROR 2002 (HY000): Can't connect to local server\n"));
        assertEquals(Verdict.FAIL, f.verdict(), f::toString);
        assertTrue(f.cause().contains("ERROR 2002"), f::toString);
    }
}
