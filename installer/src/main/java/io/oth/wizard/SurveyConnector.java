package io.oth.wizard;

import io.oth.fact.NodeSurvey;
import io.oth.fleet.FleetConnector;
import io.oth.remote.ConnectOptions;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.site.Site;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/** The wizard's host key step as {@code oth hosts trust} does it: the bastion first, then every node through it. */
public final class SurveyConnector implements Connector {
    private final BiFunction<Site, HostKeyTrust, ConnectOptions> options;

    public SurveyConnector(BiFunction<Site, HostKeyTrust, ConnectOptions> options) {
        this.options = options;
    }

    @Override
    public List<Result> connect(Site site, HostKeyTrust trust, java.util.function.Supplier<char[]> passphrase) {
        try {
            ConnectOptions connect = options.apply(site, trust).withPassphrase(passphrase);
            return NodeSurvey.survey(site, FleetConnector.ssh(connect), connect.timeout()).stream()
                    .map(row -> new Result(row.node().name(), row.failure().map(f -> f.getMessage() + " (" + f.failure().hint() + ")")))
                    .toList();
        } catch (RemoteException e) {
            return List.of(new Result("bastion", Optional.of(e.getMessage() + " (" + e.failure().hint() + ")")));
        }
    }
}
