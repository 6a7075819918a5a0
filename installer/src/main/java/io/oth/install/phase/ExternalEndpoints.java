package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.op.Operation;
import io.oth.op.ReachableOp;
import io.oth.phase.Target;
import io.oth.site.Storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The storage services the site takes from elsewhere must answer from every app node. */
public final class ExternalEndpoints extends InstallPhase {

    public ExternalEndpoints(InstallPlaybook.PhaseSpec spec) {
        super(spec);
    }

    /** The port an S3 endpoint URL names, or its scheme's default. */
    public static int port(URI endpoint) {
        return endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
    }

    @Override
    public List<Operation> operations(Target t) {
        List<Operation> ops = new ArrayList<>();
        Storage storage = t.site().storage();
        storage.database().external().ifPresent(e -> ops.add(new ReachableOp("the external database", e.host(), e.port())));
        storage.broker().external().ifPresent(e -> ops.add(new ReachableOp("the external broker", e.host(), e.port())));
        storage.objects().external().ifPresent(e -> {
            URI endpoint = URI.create(e.endpoint());
            ops.add(new ReachableOp("the external object store", endpoint.getHost(), port(endpoint)));
        });
        return ops;
    }
}
