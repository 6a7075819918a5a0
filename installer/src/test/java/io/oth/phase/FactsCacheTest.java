package io.oth.phase;

import io.oth.op.InitSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FactsCacheTest {
    @TempDir
    Path dir;

    private static HostFacts facts(String hostname, InitSystem init, List<String> leftovers) throws Exception {
        return new HostFacts(hostname, init, InetAddress.getByName("10.77.0.10"), 22, false, leftovers);
    }

    @Test
    void keepsTheFactsAPlanNeedsAndReadsThemBack() throws Exception {
        FactsCache cache = FactsCache.in(dir);
        HostFacts app1 = facts("app1", InitSystem.SYSV, List.of("/tmp/x.oth-tmp.0123456789ab.AbCdEf"));
        cache.keep("app1", app1);
        HostFacts back = cache.last("app1").orElseThrow();
        assertTrue(back.plansLike(app1), back::toString);
        assertEquals(List.of(), back.leftovers(), "the files a read removed are that read's only");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("facts/app1"))));
        assertEquals(Optional.empty(), cache.last("app2"), "a node never read");
        cache.keep("app1", facts("app1", InitSystem.SYSTEMD, List.of()));
        assertEquals(InitSystem.SYSTEMD, cache.last("app1").orElseThrow().init(), "the newest facts replace the old");
    }

    @Test
    void aFileThatDoesNotParseIsNoGuess() throws Exception {
        FactsCache cache = FactsCache.in(dir);
        Files.createDirectories(dir.resolve("facts"));
        Files.writeString(dir.resolve("facts/app1"), "hostname=app1\ninit=upstart\nsource=10.77.0.10 22\nforwarding=0\n");
        assertEquals(Optional.empty(), cache.last("app1"), "not an init system oth knows");
        Files.writeString(dir.resolve("facts/app1"), "hostname=app1\ninit=sysv\nsource=127.0.0.1 22\nforwarding=0\n");
        assertEquals(Optional.empty(), cache.last("app1"), "a loopback SSH source, refused as the node's own answer would be");
        Files.writeString(dir.resolve("facts/app1"), "hostname=app1\ninit=sysv\nsource=10.77.0.10 22\nforwarding=0\n" + "#".repeat(5000) + "\n");
        assertEquals(Optional.empty(), cache.last("app1"), "longer than any file oth writes");
        assertEquals(Optional.empty(), cache.last("../app1"), "not a node's name");
    }

    @Test
    void noCacheKeepsNothing() throws Exception {
        FactsCache.NONE.keep("app1", facts("app1", InitSystem.SYSV, List.of()));
        assertEquals(Optional.empty(), FactsCache.NONE.last("app1"));
    }
}
