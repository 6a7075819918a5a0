package io.oth.wizard;

import io.oth.remote.HostKeyTrust;
import io.oth.site.Site;

import java.util.List;
import java.util.Optional;

/** Connects to the bastion and every node of a site, asking {@code trust} about each unknown host key. */
@FunctionalInterface
public interface Connector {
    /** One host: empty {@code problem} when it answered. */
    record Result(String host, Optional<String> problem) {
    }

    List<Result> connect(Site site, HostKeyTrust trust, java.util.function.Supplier<char[]> passphrase);
}
