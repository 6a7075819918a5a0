package io.oth;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.oth.phase.RunReport;
import io.oth.remote.ssh.SshFleet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of docs/architecture.md, kept by a test: packages form no cycle, only remote/ssh speaks
 * SSH, only the FleetConnector opens SSH fleets, and commands reach the nodes through the services,
 * never past them.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainCode() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.oth");
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.oth.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void onlyRemoteSshUsesSshj() {
        noClasses().that().resideOutsideOfPackage("io.oth.remote.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("net.schmizz..", "com.hierynomus..")
                .because("one package owns the SSH library: host keys, agents and channels are decided in one place").check(main);
    }

    @Test
    void onlyTheFleetConnectorOpensSshFleets() {
        noClasses().that().resideOutsideOfPackages("io.oth.fleet..", "io.oth.remote.ssh..")
                .should().dependOnClassesThat().belongToAnyOf(SshFleet.class)
                .because("services reach nodes through a FleetConnector, so that a test can hand them a fleet of test hosts").check(main);
    }

    @Test
    void commandsReachNodesThroughServices() {
        noClasses().that().resideInAPackage("io.oth.cli..")
                .should().dependOnClassesThat(resideInAnyPackage("io.oth.remote.ssh..", "io.oth.op..", "io.oth.phase..")
                        .and(not(belongToAnyOf(RunReport.class))))
                .because("a command parses, calls one service and renders (a RunReport is what a service answers);"
                        + " connecting, planning and applying are the services' work")
                .check(main);
    }
}
