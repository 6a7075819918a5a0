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
     * The name of each role's SSH rule. oth never configures sshd: the table's port for it is the
     * spec's 22, and on a node oth logs in to on another port, that port stands in its place
     * ({@link Inbound#port(int)}).
     */
    public static final String SSH = "ssh";

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
     * The ports this role opens on a node of {@code site} whose sshd listens on {@code sshPort} (its
     * rules that apply there), each once, in the table's order.
     */
    public List<Integer> ports(Site site, int sshPort) {
        return inbound.stream().filter(in -> in.appliesTo(site)).map(in -> in.port(sshPort)).distinct().toList();
    }

    /**
     * A port this role opens and who may connect: {@code anywhere}, {@code bastion}, {@code support}
     * or a role name. {@code service} names the storage service the port belongs to, when it is open
     * only while that service is local; {@code when} a setting of the site it is open only with;
     * {@code name} is how a service's configuration finds it.
     */
    public record Inbound(int port, String proto, List<String> from, Optional<String> service, Optional<String> name, Optional<Condition> when,
                          String why) {

        public Inbound {
            from = List.copyOf(from);
        }

        /** This rule's port on a node whose sshd listens on {@code sshPort}: that port for the {@value Role#SSH} rule, the table's for the others. */
        public int port(int sshPort) {
            return name.equals(Optional.of(SSH)) ? sshPort : port;
        }

        /** A rule for every site that no configuration refers to. */
        public Inbound(int port, String proto, List<String> from, Optional<String> service, String why) {
            this(port, proto, from, service, Optional.empty(), Optional.empty(), why);
        }

        /**
         * Whether the nodes of {@code site} open this rule: its storage service, if any, runs
         * locally and its condition, if any, holds. The firewall opens it, the services listen on
         * it and oth doctor probes it exactly then.
         */
        public boolean appliesTo(Site site) {
            return service.map(s -> LocalServices.runsLocally(site, s)).orElse(true) && when.map(c -> c.holds(site)).orElse(true);
        }
    }

    /** A setting of the site file a rule depends on ({@code when:} in roles.yml), by the key the site file uses. */
    public enum Condition {
        /** {@code storage.plain_amqp}: the local RabbitMQ also listens for plain AMQP and plain management. */
        PLAIN_AMQP("plain_amqp");

        private final String key;

        Condition(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public boolean holds(Site site) {
            return switch (this) {
                case PLAIN_AMQP -> site.storage().plainAmqp();
            };
        }
    }
}
