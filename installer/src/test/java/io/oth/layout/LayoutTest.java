package io.oth.layout;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayoutTest {
    @Test
    void theDebianPackagesDocsAreUnderUsrShareDoc() {
        assertEquals(Path.of("/usr/share/doc/oth/docs"), Layout.docs(Path.of("/usr/lib/oth/oth.jar")));
    }

    @Test
    void anUnpackedTarballsDocsAreInItsOwnShare() {
        assertEquals(Path.of("/opt/oth-0.1.0/share/doc/oth/docs"), Layout.docs(Path.of("/opt/oth-0.1.0/lib/oth/oth.jar")));
    }

    @Test
    void theBuildTreesDocsAreTheRepositorys() {
        assertEquals(Path.of("/src/oth/docs"), Layout.docs(Path.of("/src/oth/installer/target/oth.jar")));
        assertEquals(Path.of("/src/oth/docs"), Layout.docs(Path.of("/src/oth/installer/target/classes")));
    }

    @Test
    void anUnknownLayoutNamesDocsAsTheRepositoryHasThem() {
        assertEquals(Path.of("docs"), Layout.docs(Path.of("/tmp/somewhere/oth.jar")));
        assertEquals(Path.of("docs"), Layout.docs(Path.of("/oth.jar")));
    }

    @Test
    void inTheseTestsAHintNamesAFileThatIsThere() {
        assertTrue(Files.isRegularFile(Path.of(Layout.doc("certificates.md"))), Layout.doc("certificates.md"));
    }
}
