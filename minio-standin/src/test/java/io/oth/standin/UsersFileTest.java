package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsersFileTest {
    @TempDir
    Path temp;

    @Test
    void readsKeysSkippingCommentsAndBlankLines() throws Exception {
        Path file = write("""
                # oth's application user
                app-key\tapp-secret-0123\toth-files

                   backup-key   backup-secret-0123   oth-backups
                """);

        List<UsersFile.User> users = UsersFile.parse(file, "root");

        assertEquals(List.of(new UsersFile.User("app-key", "app-secret-0123", "oth-files"),
                new UsersFile.User("backup-key", "backup-secret-0123", "oth-backups")), users);
        assertFalse(users.toString().contains("secret-0123"), users.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # line                               | the refusal, after FILE:2:
            app-key app-secret-0123              | expected ACCESS_KEY SECRET_KEY BUCKET, found 2 fields
            ab app-secret-0123 oth-files         | access key ab: at least 3 characters, without '=' or ','
            app-key short oth-files              | the secret key of app-key is shorter than 8 characters
            app-key app-secret-0123 Oth_Files    | bucket Oth_Files: not a valid bucket name (3-63 of a-z, 0-9, '.', '-')
            root app-secret-0123 oth-files       | access key root is MINIO_ROOT_USER; the root user cannot be limited to a bucket
            first-key other-secret-0123 b-two    | access key first-key appears twice
            """)
    void refusesALineNamingFileAndLine(String line, String message) throws Exception {
        Path file = write("first-key first-secret-0123 b-one\n" + line + "\n");

        StandInException refused = assertThrows(StandInException.class, () -> UsersFile.parse(file, "root"));

        assertEquals(file + ":2: " + message, refused.getMessage());
        assertFalse(refused.getMessage().contains("secret-0123"), "no secret in a message");
    }

    private Path write(String text) throws Exception {
        return Files.writeString(temp.resolve(".standin-users"), text);
    }
}
