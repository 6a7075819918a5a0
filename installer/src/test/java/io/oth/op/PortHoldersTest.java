package io.oth.op;

import io.oth.remote.CommandResult;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A service that cannot bind its port names who holds it. */
class PortHoldersTest {
    private static final String SS = "LISTEN 0      5          0.0.0.0:443        0.0.0.0:*    users:((\"socat\",pid=227,fd=5))\n"
            + "LISTEN 0      128        0.0.0.0:22         0.0.0.0:*    users:((\"sshd\",pid=94,fd=3))\n"
            + "LISTEN 0      4096          [::]:80            [::]:*    users:((\"nginx\",pid=31,fd=7),(\"nginx\",pid=30,fd=7))\n";
    private static final String HAPROXY = "[NOTICE]   (227) : haproxy version is 2.6.12\n[ALERT]    (227) : Binding [/etc/haproxy/haproxy.cfg:33] for frontend https:"
            + " cannot bind socket (Address already in use) for [0.0.0.0:443]\n";

    @Test
    void aStartThatFoundItsPortTakenSaysWhoHasIt() {
        RecordingHost host = new RecordingHost("lb").failWhen("service haproxy start", HAPROXY).when("ss -ltnpH", new CommandResult(0, SS, ""));
        ServiceOp op = new ServiceOp("haproxy", InitSystem.SYSV, false);
        Change start = op.plan(java.util.Map.of(op.key(), new Probe.Answer(3, "")), Set.of()).orElseThrow();
        RemoteException e = assertThrows(RemoteException.class, () -> start.apply(TestApply.on(host)));
        assertTrue(e.getMessage().endsWith("for [0.0.0.0:443]\"; port 443 is taken by socat (pid 227)"), e.getMessage());
    }

    @Test
    void traefiksAndRabbitMqsWordsNameThePortsToo() {
        assertEquals(Set.of(80), PortHolders.ports("error opening listener: listen tcp :80: bind: address already in use"));
        assertEquals(Set.of(5671), PortHolders.ports("{listen_error,{{0,0,0,0},5671},eaddrinuse}"));
        assertEquals(Set.of(443), PortHolders.ports("for [0.0.0.0:443]; at 10.77.0.2 :99999 is no port"));
        assertEquals(List.of("port 80 is taken by nginx (pid 31)"), PortHolders.holders(SS, Set.of(80)));
        assertEquals(List.of(), PortHolders.holders(SS, Set.of(8080)));
    }

    @Test
    void anotherFailureIsLeftAsItIsAndNoSocketTableIsAsked() {
        RecordingHost host = new RecordingHost("lb").failWhen("service haproxy start", "[ALERT] config error at line 3");
        ServiceOp op = new ServiceOp("haproxy", InitSystem.SYSV, false);
        Change start = op.plan(java.util.Map.of(op.key(), new Probe.Answer(3, "")), Set.of()).orElseThrow();
        RemoteException e = assertThrows(RemoteException.class, () -> start.apply(TestApply.on(host)));
        assertTrue(e.getMessage().endsWith("config error at line 3\""), e.getMessage());
        assertEquals(List.of("run service haproxy start </dev/null"), host.commands());
    }

    @Test
    void aNodesSocketTableIsReadAsAHostileAnswer() {
        String hostile = "LISTEN 0 5 0.0.0.0:443 0.0.0.0:* users:((\"\u001b[2Jevil\",pid=1,fd=5))\n"
                + "LISTEN 0 5 0.0.0.0:443\n" + "x\n".repeat(100_000);
        assertEquals(List.of("port 443 is taken by a program ss does not name"), PortHolders.holders(hostile, Set.of(443)));
    }
}
