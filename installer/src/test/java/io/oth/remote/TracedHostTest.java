package io.oth.remote;

import io.oth.secret.Secret;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every remote call leaves one debug line: the node, the command as printed (secrets masked), its status and its time; never stdin. */
class TracedHostTest {
    private static final String PASSWORD = "s3cret-Value-42";
    private static final Duration T = Duration.ofSeconds(5);

    private final List<String> lines = new ArrayList<>();
    private final List<String> details = new ArrayList<>();
    private final RecordingHost recording = new RecordingHost("app1").failWhen("systemctl restart", "unit not found");
    private final Host host = TracedHost.of(recording, new io.oth.runlog.DebugLog() {
        @Override
        public void debug(String line) {
            debug(line, "");
        }

        @Override
        public void debug(String line, String detail) {
            lines.add(line);
            details.add(detail);
        }
    });

    @Test
    void aCommandsLineHasTheHostTheMaskedArgumentsTheExitStatusAndTheTime() throws RemoteException {
        host.run(Command.of("rabbitmqctl", "add_user", "oth app", Secret.of(PASSWORD)), T);
        host.run(Command.of("systemctl", "restart", "haproxy"), T);

        assertTrue(lines.get(0).matches("\\[app1] run: rabbitmqctl add_user 'oth app' \\*\\*\\* -> exit 0 in \\d+ ms"), lines::toString);
        assertTrue(lines.get(1).matches("\\[app1] run: systemctl restart haproxy -> exit 1 in \\d+ ms"), lines::toString);
    }

    @Test
    void stdinIsNeverLogged() throws RemoteException {
        host.run(Command.of("mariadb", "--batch"), Secret.of("ALTER USER x IDENTIFIED BY '" + PASSWORD + "'"), T);

        assertTrue(lines.get(0).matches("\\[app1] run \\(stdin not logged\\): mariadb --batch -> exit 0 in \\d+ ms"), lines::toString);
        assertFalse(String.join("\n", lines).contains(PASSWORD));
        assertEquals(List.of("stdin mariadb --batch"), recording.commands(), "the command itself ran");
    }

    @Test
    void aScriptIsNamedByItsFirstLineAndKeptWholeForTheFile() throws RemoteException {
        host.run(Command.shell("set -e\nsystemctl is-active haproxy\n"), T);

        assertTrue(lines.get(0).matches("\\[app1] run: a 2-line shell script \\(set -e\\) -> exit 0 in \\d+ ms"), lines::toString);
        assertTrue(details.get(0).contains("systemctl is-active haproxy"), details::toString);
    }

    @Test
    void uploadsAndReadsAreNamedByPathNeverByContent() throws RemoteException {
        host.upload(("password=" + PASSWORD).getBytes(), "/etc/oth/app.env", "root:oth", "0640");
        host.read("/etc/oth/app.env");
        host.read("/etc/oth/missing");

        assertTrue(lines.get(0).matches("\\[app1] upload /etc/oth/app.env root:oth 0640 \\(24 bytes\\) -> ok in \\d+ ms"), lines::toString);
        assertTrue(lines.get(1).matches("\\[app1] read /etc/oth/app.env -> 24 bytes in \\d+ ms"), lines::toString);
        assertTrue(lines.get(2).matches("\\[app1] read /etc/oth/missing -> absent in \\d+ ms"), lines::toString);
        assertFalse(String.join("\n", lines).contains(PASSWORD));
    }

    @Test
    void aCallThatThrowsIsLoggedWithWhy() {
        recording.dropAfter(0);
        assertThrows(RemoteException.class, () -> host.run(Command.of("true"), T));

        assertTrue(lines.get(0).matches("\\[app1] run: true -> failed: .*dropped the connection on cue in \\d+ ms"), lines::toString);
    }

    /** A forward says when it opened and how long it stayed open: how long the checks through it took. */
    @Test
    void aForwardIsLoggedWhenItOpensAndWhenItClosesWithHowLongItWasOpen() throws RemoteException {
        List<String> closed = new ArrayList<>();
        RemoteException refused = new RemoteException("app1", Failure.NODE_FORWARDING_REFUSED, "to 10.0.0.5:3306");
        Host forwarding = (Host) java.lang.reflect.Proxy.newProxyInstance(Host.class.getClassLoader(), new Class<?>[] {Host.class}, (proxy, method, args) -> {
            if (method.getName().equals("name")) {
                return "app1";
            }
            if (method.getName().equals("forward")) {
                return new Forward() {
                    @Override
                    public int localPort() {
                        return 40123;
                    }

                    @Override
                    public java.util.Optional<RemoteException> refusal() {
                        return java.util.Optional.of(refused);
                    }

                    @Override
                    public void close() {
                        closed.add(args[0] + ":" + args[1]);
                    }
                };
            }
            throw new UnsupportedOperationException(method.getName());
        });
        List<String> logged = new ArrayList<>();
        Host traced = TracedHost.of(forwarding, logged::add);

        try (Forward forward = traced.forward("10.0.0.5", 3306)) {
            assertEquals(40123, forward.localPort());
            assertEquals(java.util.Optional.of(refused), forward.refusal(), "the refusal is the node's, passed on");
            forward.close();  // as a check's deadline does, before the check's own close
        }

        assertEquals(List.of("10.0.0.5:3306", "10.0.0.5:3306"), closed, "the forward itself is closed, each time");
        assertEquals(2, logged.size(), logged::toString);
        assertTrue(logged.get(0).matches("\\[app1] forward to 10\\.0\\.0\\.5:3306 -> local port 40123 in \\d+ ms"), logged::toString);
        assertTrue(logged.get(1).matches("\\[app1] forward to 10\\.0\\.0\\.5:3306 \\(local port 40123\\) closed after \\d+ ms"), logged::toString);
    }
}
