package io.oth.op;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackagesOpTest {
    private final PackagesOp op = new PackagesOp(List.of("haproxy", "nftables", "curl"));

    @Test
    void onlyMissingPackagesAreInstalled() {
        String dpkg = "haproxy install ok installed\nnftables deinstall ok config-files";
        assertEquals("install packages nftables curl",
                op.plan(Map.of("packages", new Probe.Answer(0, dpkg)), Set.of()).orElseThrow().summary());
    }

    @Test
    void nothingToDoWhenAllAreInstalled() {
        String dpkg = "haproxy installed\nnftables installed\ncurl:amd64 installed";
        assertTrue(op.plan(Map.of("packages", new Probe.Answer(0, dpkg)), Set.of()).isEmpty());
    }

    @Test
    void anAirGappedNodeIsRecognised() {
        assertTrue(PackagesOp.noPackageSource("E: Unable to locate package haproxy"));
        assertTrue(PackagesOp.noPackageSource("Err:1 http://deb.debian.org/debian bookworm/main amd64 haproxy\n  Temporary failure resolving 'deb.debian.org'"));
        assertTrue(PackagesOp.noPackageSource("E: Package 'haproxy' has no installation candidate"));
        assertFalse(PackagesOp.noPackageSource("E: Could not get lock /var/lib/dpkg/lock-frontend"));
    }
}
