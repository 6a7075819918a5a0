package io.oth.bundle;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.remote.TempFiles;
import io.oth.secret.Secret;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One node's part of a bundle: the collection script and the redactor go to a private temporary
 * directory on the node, run there (the redaction key and the node's secret sources on stdin), and
 * the node's archive comes back; the directory goes in any case (a killed run's is swept by the
 * next run's start, as every {@link TempFiles} scratch file).
 *
 * @param archive    the node's .tar.gz, already redacted there
 * @param redactions the redactor's lines: file, rule, count
 */
record NodeCollection(byte[] archive, List<String> redactions) {
    /** The node's archive is at most this big; a node that sends more is refused. */
    static final int MAX_ARCHIVE = 128 << 20;
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration COLLECT = Duration.ofSeconds(300);

    static NodeCollection collect(Host host, byte[] script, byte[] redactor, Secret stdin) throws RemoteException {
        String template = TempFiles.scratch("oth-bundle");
        CommandResult made = host.run(Command.shell("mktemp -d " + Command.quote(template)), STEP);
        String dir = made.stdout().strip();
        Pattern expected = Pattern.compile(Pattern.quote(template.substring(0, template.length() - "XXXXXX".length())) + "[A-Za-z0-9]{6}");
        if (made.exitCode() != 0 || !expected.matcher(dir).matches()) {
            throw new RemoteException(host.name(), Failure.COMMAND_FAILED,
                    "could not make a private temporary directory for the bundle: " + made.diagnostic());
        }
        try {
            host.upload(redactor, dir + "/redact.pl", "root:root", "0600");
            host.upload(script, dir + "/collect.sh", "root:root", "0600");
            CommandResult ran = host.run(Command.of("sh", dir + "/collect.sh", dir), stdin, COLLECT);
            if (ran.exitCode() != 0) {
                throw new RemoteException(host.name(), Failure.COMMAND_FAILED,
                        "the collection failed (exit " + ran.exitCode() + "): " + ran.diagnostic());
            }
            byte[] archive = host.read(dir + "/node.tar.gz").orElseThrow(() -> new RemoteException(host.name(),
                    Failure.COMMAND_FAILED, "the collection left no archive"));
            if (archive.length > MAX_ARCHIVE) {
                throw new RemoteException(host.name(), Failure.COMMAND_FAILED,
                        "the node's part is " + archive.length + " bytes, more than oth takes (" + MAX_ARCHIVE + ")");
            }
            return new NodeCollection(archive, ran.stdout().lines().limit(10_000).toList());
        } finally {
            host.run(Command.of("rm", "-rf", "--", dir), STEP);
        }
    }
}
