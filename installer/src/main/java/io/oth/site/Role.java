package io.oth.site;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A role a node can have (playbooks/roles.yml): how many nodes may have it and the ports it opens. */
public record Role(String name, String description, Count count, PublicAddress publicAddress, List<Inbound> inbound) {

    public Role {
        inbound = List.copyOf(inbound);
    }

    /** How many nodes of a site have this role; no {@code max} means any number. */
    public record Count(int min, OptionalInt max) {

        /** For messages: "exactly 1", "at least 1", "at most 1", "from 2 to 5". */
        public String describe() {
            if (max.isEmpty()) {
                return "at least " + min;
            }
            if (max.getAsInt() == min) {
                return "exactly " + min;
            }
            return min == 0 ? "at most " + max.getAsInt() : "from " + min + " to " + max.getAsInt();
        }
    }

    public enum PublicAddress { REQUIRED, FORBIDDEN }

    /**
     * A port this role opens and who may connect: {@code anywhere}, {@code bastion}, {@code support}
     * or a role name. {@code service} names the storage service the port belongs to, when it is open
     * only while that service is local.
     */
    public record Inbound(int port, String proto, List<String> from, Optional<String> service, String why) {

        public Inbound {
            from = List.copyOf(from);
        }
    }
}
