package io.oth.check;

import io.oth.site.Node;

import java.util.List;

/**
 * One check as {@code oth doctor --list-checks} shows it: its id, what it verifies, and where it is
 * seen from: {@link Vantage#OPERATOR}, {@link Vantage#BASTION}, or the nodes of a role.
 */
public record CheckInfo(String id, String verifies, List<String> from) {

    public CheckInfo {
        from = List.copyOf(from);
    }

    /** Whether {@code node} is one of this check's vantage points. */
    public boolean runsOn(Node node) {
        return from.contains(node.role());
    }
}
