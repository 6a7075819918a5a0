package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code minio server ...} as oth and MinIO's documentation write it: arguments in, settings out. */
class ServerCommandLineTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/minio-user");

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # arguments after `server`                                   | data dir  | host      | port | certs dir
            /data                                                        | /data     |           | 9000 | /home/minio-user/.minio/certs
            /data --address :9000 --certs-dir /etc/minio/certs           | /data     |           | 9000 | /etc/minio/certs
            --address=10.0.0.5:9443 -S /c /data                          | /data     | 10.0.0.5  | 9443 | /c
            /data --address [::1]:0 --console-address :9001              | /data     | [::1]     | 0    | /home/minio-user/.minio/certs
            /srv/minio --address localhost:9000                          | /srv/minio | localhost | 9000 | /home/minio-user/.minio/certs
            """)
    void honoursMinioForms(String args, String dataDir, String host, int port, String certsDir)
            throws StandInException {
        ServerCommandLine parsed = ServerCommandLine.parse(Arrays.asList(args.split(" ")), ENV);

        assertEquals(Path.of(dataDir), parsed.dataDir());
        assertEquals(host == null ? "" : host, parsed.host());
        assertEquals(port, parsed.port());
        assertEquals(Optional.of(Path.of(certsDir)), parsed.certsDir());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # arguments after `server`           | the refusal says
            --address :9000                      | the data directory is missing
            /d1 /d2                              | serves one local directory (no erasure coding, no distributed mode)
            /data{1...4}                         | serves one local directory
            http://node{1...4}/data              | serves one local directory
            /data --address 9000                 | expected [HOST]:PORT
            /data --address :http                | the port must be a number from 0 to 65535
            /data --address :70000               | the port must be a number from 0 to 65535
            /data --address [::1:9000            | unbalanced brackets
            /data --quiet                        | --quiet: not a flag the MinIO stand-in honours
            /data --users-file /etc/users        | --users-file: not a flag the MinIO stand-in honours
            /data --certs-dir                    | --certs-dir: needs a value
            """)
    void refusesWhatItCannotHonour(String args, String message) {
        StandInException refused = assertThrows(StandInException.class,
                () -> ServerCommandLine.parse(Arrays.asList(args.split(" ")), ENV));
        assertTrue(refused.isUsage());
        assertTrue(refused.getMessage().contains(message), refused.getMessage());
    }

    @Test
    void withoutCertsDirOrHomeThereIsNoCertsDirSoPlainHttp() throws StandInException {
        assertEquals(Optional.empty(), ServerCommandLine.parse(List.of("/data"), Map.of()).certsDir());
    }
}
