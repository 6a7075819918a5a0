package io.oth.cli;

import io.oth.phase.RunReport;
import io.oth.remote.Failure;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitCodeTest {

    @Test
    void eachFailureHasTheCodeOfItsKind() {
        assertEquals(ExitCode.HOST_KEY, ExitCode.of(Failure.HOST_KEY_CHANGED));
        assertEquals(ExitCode.HOST_KEY, ExitCode.of(Failure.HOST_KEY_UNKNOWN));
        assertEquals(ExitCode.AUTH, ExitCode.of(Failure.SUDO_PASSWORD));
        assertEquals(ExitCode.AUTH, ExitCode.of(Failure.NODE_AUTH));
        assertEquals(ExitCode.UNREACHABLE, ExitCode.of(Failure.NODE_REFUSED));
        assertEquals(ExitCode.UNREACHABLE, ExitCode.of(Failure.BASTION_TIMEOUT));
    }

    @Test
    void aPlanWithChangesIsPendingAndAFailedHostOutranksIt() {
        RunReport.HostOutcome clean = new RunReport.HostOutcome("lb", 3, List.of(), Optional.empty(), Optional.empty());
        RunReport.HostOutcome pending = new RunReport.HostOutcome("app1", 2, List.of("open support access"), Optional.empty(), Optional.empty());
        RunReport.HostOutcome failed = new RunReport.HostOutcome("app2", 0, List.of(), Optional.of("not reached"), Optional.of(Failure.NODE_AUTH));
        assertEquals(ExitCode.OK, ExitCode.of(new RunReport(true, List.of(clean), 0, 0)));
        assertEquals(ExitCode.PENDING, ExitCode.of(new RunReport(true, List.of(clean, pending), 0, 0)));
        assertEquals(ExitCode.OK, ExitCode.of(new RunReport(false, List.of(pending), 0, 0)), "changes made are not pending");
        assertEquals(ExitCode.AUTH, ExitCode.of(new RunReport(true, List.of(pending, failed), 0, 0)));
    }

    @Test
    void aHostKeyProblemOutranksAuthWhichOutranksReachability() {
        assertEquals(ExitCode.HOST_KEY, ExitCode.worst(List.of(ExitCode.UNREACHABLE, ExitCode.HOST_KEY, ExitCode.AUTH)));
        assertEquals(ExitCode.AUTH, ExitCode.worst(List.of(ExitCode.OK, ExitCode.UNREACHABLE, ExitCode.AUTH)));
        assertEquals(ExitCode.OK, ExitCode.worst(List.of()));
    }
}
