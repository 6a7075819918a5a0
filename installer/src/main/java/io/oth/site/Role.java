package io.oth.site;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A role a node can have (playbooks/roles.yml): how many nodes may have it and the ports it opens. */
public record Role(String name, String description, Count count, PublicAddress publicAddress, List<Inbound> inbound) {
    /** The roles oth's code itself knows (haproxy's node, the application's, the storage services'); roles.yml must have them. */
    public static final String LB = "lb";
    public static final String APP = "app";
    public static final String STORAGE = "storage";

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
     * The port of the inbound rule named {@code name}: how a service's configuration gets the port
     * the firewall opens for it.
     */
    public int port(String name) {
        return inbound.stream().filter(in -> in.name().equals(Optional.of(name))).findFirst().map(Inbound::port)
                .orElseThrow(() -> PlaybookFiles.problem(PlaybookFiles.label("roles.yml") + ": role " + this.name
                        + " has no inbound rule named " + name + " (oth configures that service's port from it)", null));
    }

    /**
     * A port this role opens and who may connect: {@code anywhere}, {@code bastion}, {@code support}
     * or a role name. {@code service} names the storage service the port belongs to, when it is open
     * only while that service is local; {@code name} is how a service's configuration finds it.
     */
    public record Inbound(int port, String proto, List<String> from, Optional<String> service, Optional<String> name, String why) {

        public Inbound {
            from = List.copyOf(from);
        }

        /** A rule that no configuration refers to. */
        public Inbound(int port, String proto, List<String> from, Optional<String> service, String why) {
            this(port, proto, from, service, Optional.empty(), why);
        }
    }
}
