package io.oth.op;

import io.oth.remote.CommandResult;
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

    @Test
    void aPackageManagerThatStaysBusyIsNamedWithWhoHoldsItsLock() {
        String held = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)\n"
                + "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?";
        assertEquals("the package manager stayed busy for 5 min: \"unattended-upgr\" (process 1234) holds \"/var/lib/dpkg/lock-frontend\";"
                + " let it finish (unattended-upgrades installing updates?) and run oth again", PackagesOp.why(new CommandResult(100, "", held)));
        String hostile = "E: Could not get lock /x. It is held by process 7 (\u001b[2Jx)";
        assertTrue(PackagesOp.why(new CommandResult(100, "", hostile)).contains("\"\\u001b[2Jx\""), PackagesOp.why(new CommandResult(100, "", hostile)));
        assertTrue(PackagesOp.why(new CommandResult(100, "", "E: Could not get lock /var/lib/dpkg/lock")).startsWith(
                "the package manager stayed busy for 5 min (another apt or dpkg holds its lock)"));
        assertEquals(List.of("-o", "DPkg::Lock::Timeout=300"), PackagesOp.waitForLock());
    }
}
