package io.oth.cli;

import io.oth.fact.NodeSurvey;
import io.oth.remote.RemoteException;
import io.oth.report.NodesJson;
import io.oth.report.Table;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code oth nodes}: reach every node through the bastion and show what answered. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "Connect to every node through the bastion (strict host keys) and list them.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  Reach every node and list what answered:",
            "    oth nodes",
            "  The same for another site, with more time for a slow link:",
            "    oth nodes --site /etc/oth/site.yml --timeout 30"})
final class NodesCommand extends SiteStep implements ConnectsToNodes {
    @Mixin
    JsonOutput json;

    @Override
    Optional<JsonOutput> json() {
        return Optional.of(json);
    }

    @Override
    int run(Context context) throws RemoteException {
        Site site = context.site();
        PrintWriter out = context.out();
        List<NodeSurvey.Row> rows = NodeSurvey.survey(site, context.connector(), options.timeout());
        Table table = new Table("NODE", "ROLE", "ADDRESS", "HOSTNAME", "OS", "SSHD", "CONNECT", "RTT", "VERDICT");
        List<ExitCode> codes = new ArrayList<>();
        for (NodeSurvey.Row row : rows) {
            table.row(row.node().name(), row.node().role(), row.node().address(),
                    row.facts().map(f -> f.hostname()).orElse("-"),
                    row.facts().map(f -> f.osRelease()).orElse("-"),
                    row.sshReachable() ? "yes" : "no",
                    row.connect().toMillis() + " ms",
                    row.facts().isPresent() ? row.roundTrip().toMillis() + " ms" : "-",
                    row.failure().map(f -> f.failure().summary()).orElse("ok"));
            codes.add(row.failure().map(f -> ExitCode.of(f.failure())).orElse(ExitCode.OK));
        }
        for (NodeSurvey.Row row : rows) {
            row.failure().ifPresent(f -> {
                context.err().println("oth: " + f.getMessage());
                context.err().println("  hint: " + f.failure().hint());
            });
        }
        long ok = rows.stream().filter(r -> r.failure().isEmpty()).count();
        context.result(NodesJson.of(rows), () -> {
            table.print(out);
            out.printf("%d of %d nodes ok%n", ok, rows.size());
        });
        return ExitCode.worst(codes).code();
    }
}
