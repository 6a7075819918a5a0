package io.oth.cli;

import io.oth.remote.Failure;
import org.junit.jupiter.api.Test;

import java.util.List;

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
    void aHostKeyProblemOutranksAuthWhichOutranksReachability() {
        assertEquals(ExitCode.HOST_KEY, ExitCode.worst(List.of(ExitCode.UNREACHABLE, ExitCode.HOST_KEY, ExitCode.AUTH)));
        assertEquals(ExitCode.AUTH, ExitCode.worst(List.of(ExitCode.OK, ExitCode.UNREACHABLE, ExitCode.AUTH)));
        assertEquals(ExitCode.OK, ExitCode.worst(List.of()));
    }
}
