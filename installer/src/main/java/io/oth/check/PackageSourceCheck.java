package io.oth.check;

import io.oth.install.InstallPlaybook;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.site.Node;
import io.oth.site.Site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * outbound.packages: from every node, whether the install can get the Debian packages its role needs.
 * Fine when they are all installed, or when an apt source the node lists (through its proxy, when apt
 * has one) connects, or a local one ({@code file:}, {@code cdrom:}) is listed; with an offline bundle
 * ({@code --offline-bundle}) the packages come from it, and the node's sources are not asked.
 */
final class PackageSourceCheck implements NodeCheck {
    static final String ID = "outbound.packages";
    private static final String KEY = "packages:source";
    private static final int MAX_SOURCES = 32;

    private final Site site;
    private final InstallPlaybook playbook;
    private final int seconds;
    private final Optional<String> offline;

    /** {@code offline}: the offline bundle the packages come from, as a person reads it (file and manifest sha256). */
    PackageSourceCheck(Site site, InstallPlaybook playbook, int seconds, Optional<String> offline) {
        this.site = site;
        this.playbook = playbook;
        this.seconds = seconds;
        this.offline = offline;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "the node can get the Debian packages its role needs: installed already, an apt source it reaches, "
                + "or an offline bundle (--offline-bundle)", List.of(Vantage.LB, Vantage.APP, Vantage.STORAGE)));
    }

    @Override
    public List<Probe> probes(Node node) {
        if (offline.isPresent()) {
            return List.of();
        }
        List<String> packages = playbook.packagesFor(site, node.role());
        // Lists what is missing, and only then asks the sources: a node with every package needs none.
        // One dpkg-query for them all: each one reads the whole status database.
        String names = String.join(" ", packages.stream().map(Command::quote).toList());
        String script = "installed=\" $(dpkg-query -W -f='${Package} ${db:Status-Status}\\n' " + names + " 2>/dev/null"
                + " | while read -r n s; do [ \"$s\" = installed ] && printf '%s ' \"${n%%:*}\"; done)\"; "
                + "missing=; for p in " + names + "; do case $installed in *\" $p \"*) ;; *) missing=\"$missing $p\";; esac; done; "
                + "echo \"missing:$missing\"; [ -z \"$missing\" ] && exit 0; "
                + "proxy=; eval \"$(apt-config shell proxy Acquire::http::Proxy 2>/dev/null)\"; "
                + "{ grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list "
                + "| sed -E 's/^[[:space:]]*deb[[:space:]]+(\\[[^]]*\\][[:space:]]+)?//' | awk '{print $1}'; "
                + "grep -hsiE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources | sed -E 's/^[^:]*:[[:space:]]*//' | tr ' ' '\\n'; } "
                + "| grep -v '^$' | sort -u | head -n " + MAX_SOURCES + " | while read -r uri; do "
                + "case $uri in file:*|cdrom:*|copy:*) echo \"local $uri\"; continue;; esac; "
                + "target=${proxy:-$uri}; scheme=${target%%://*}; rest=${target#*://}; rest=${rest#*@}; hostport=${rest%%/*}; "
                + "case $hostport in *:*) host=${hostport%:*}; port=${hostport##*:};; *) host=$hostport; port=$scheme;; esac; "
                + "if out=$(timeout " + seconds + " bash -c 'exec 3<>/dev/tcp/$0/$1' \"$host\" \"$port\" 2>&1); then echo \"reached $uri\"; "
                + "else echo \"failed $uri via $host:$port: $(printf '%s' \"$out\" | tr '\\n' ' ' | cut -c1-200)\"; fi; done";
        return List.of(Probe.waiting(KEY, script));
    }

    /** Its own timeouts are per source, up to 32 of them in a row: tried once. */
    @Override
    public boolean triedAgain(Probe probe, Probe.Answer answer) {
        return false;
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        if (offline.isPresent()) {
            return List.of(Finding.ok(ID, node.name(), "package sources", "offline: the packages come from the bundle " + offline.get()));
        }
        Probe.Answer answer = answers.get(KEY);
        List<String> lines = answer == null ? List.of() : answer.output().lines().limit(MAX_SOURCES + 1L).toList();
        String missing = lines.stream().filter(l -> l.startsWith("missing:")).findFirst().map(l -> l.substring("missing:".length()).strip()).map(m -> io.oth.remote.NodeText.cell(m, 400)).orElse(null);
        if (missing == null) {
            return List.of(new Finding(ID, node.name(), "package sources", Verdict.FAIL, "the node did not say which packages it has: "
                    + (answer == null ? "no answer" : io.oth.remote.NodeText.diagnostic(answer.output())), "check dpkg-query on the node"));
        }
        if (missing.isEmpty()) {
            return List.of(Finding.ok(ID, node.name(), "package sources", "every package of role " + node.role() + " is installed (no source needed)"));
        }
        List<String> failed = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("reached ") || line.startsWith("local ")) {
                return List.of(Finding.ok(ID, node.name(), "package sources", (line.startsWith("local ") ? "a local source " : "reaches ")
                        + io.oth.remote.NodeText.cell(line.substring(line.indexOf(' ') + 1), 200) + " for " + missing));
            }
            if (line.startsWith("failed ")) {
                failed.add(io.oth.remote.NodeText.cell(line.substring("failed ".length()), 300));
            }
        }
        String cause = "missing " + missing + ", and " + (failed.isEmpty() ? "no apt source is configured" : "no apt source answers: "
                + String.join("; ", failed));
        return List.of(new Finding(ID, node.name(), "package sources", Verdict.FAIL, cause,
                "an air-gapped site installs from an offline bundle: oth bundle create (where apt works), then oth install --offline-bundle FILE "
                        + "(and oth doctor --preflight --offline-bundle FILE)"));
    }
}
