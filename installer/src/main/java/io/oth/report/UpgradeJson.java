package io.oth.report;

import io.oth.upgrade.Upgrade;

import java.util.List;
import java.util.Optional;

/** {@code oth upgrade [--check] --json}: the data of schema {@code oth-upgrade/1} (docs/schemas/upgrade.schema.json). */
public final class UpgradeJson {
    private UpgradeJson() {
    }

    /**
     * {@code pending}: some app node does not run the target yet (false, with no plan, when every one does);
     * {@code done}: the nodes were moved (never with {@code check}); {@code backup}: the database backup made first, if one was.
     */
    public record Result(boolean check, boolean rollback, boolean pending, boolean done, String version, List<NodeMove> nodes,
                         PlanJson.Plan plan, String backup) {
    }

    /** One app node in the order they move: the release it ran and whether it moves. */
    public record NodeMove(String node, String from, String to, boolean moves) {
    }

    /** Every app node ran the target already: nothing was planned. */
    public static Result nothingToDo(boolean check, boolean rollback) {
        return new Result(check, rollback, false, false, null, List.of(), null, null);
    }

    /** The plan, and with {@code done} what the run did. */
    public static Result of(Upgrade.Plan plan, boolean check, boolean done, Optional<String> backup) {
        List<NodeMove> nodes = plan.nodes().stream().map(n -> new NodeMove(n.node().name(), n.version(), plan.version(),
                !n.running().equals(plan.target()))).toList();
        return new Result(check, plan.request().rollback(), plan.pending(), done, plan.version(), nodes, PlanJson.of(plan.report()),
                backup.orElse(null));
    }
}
