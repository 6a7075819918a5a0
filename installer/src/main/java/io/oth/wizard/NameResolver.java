package io.oth.wizard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves a DNS name; one method, so that a resolver asking the site's own DNS can replace the system's. */
@FunctionalInterface
public interface NameResolver {
    NameResolver SYSTEM = name -> List.of(InetAddress.getAllByName(name));

    List<InetAddress> resolve(String name) throws UnknownHostException;
}
