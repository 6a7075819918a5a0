package io.oth.site;

import java.util.List;

/**
 * A capability of the application and the outbound endpoints application nodes need for it
 * (playbooks/outbound.yml). {@code mandatory} is as the network specification marks it.
 */
public record Feature(String name, String description, boolean mandatory, List<Endpoint> endpoints) {

    public Feature {
        endpoints = List.copyOf(endpoints);
    }

    /** Where application nodes connect: {@code proto} is tcp, udp or https. */
    public record Endpoint(String host, List<Integer> ports, String proto) {

        public Endpoint {
            ports = List.copyOf(ports);
        }
    }
}
