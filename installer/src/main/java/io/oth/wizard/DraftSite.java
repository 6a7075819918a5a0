package io.oth.wizard;

import io.oth.layout.Layout;
import io.oth.site.Application;
import io.oth.site.Node;
import io.oth.site.SiteLoader;
import io.oth.site.Site;
import io.oth.site.SshEndpoint;
import io.oth.site.Storage;
import io.oth.template.Templates;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the answers make: the site file's text (templates/setup/site.yml.peb), and a site to connect to before it is written. */
final class DraftSite {
    private DraftSite() {
    }

    /** The site file, commented; every path absolute, so it does not matter where the answers were given. */
    static String render(Draft d) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("site", d.string(Questions.SITE));
        vars.put("fqdn", d.string(Questions.FQDN));
        vars.put("site_file_doc", Layout.doc("site-file.md"));
        boolean bastion = !d.is(Questions.BASTION, Questions.DIRECT);
        vars.put("bastion", bastion);
        vars.put("bastion_address", bastion ? quote(d.string(Questions.BASTION)) : "");
        vars.put("bastion_port", bastion ? port(d, Questions.BASTION_PORT) : SiteLoader.SSH_PORT);
        vars.put("bastion_user", bastion ? d.string(Questions.BASTION_USER) : "");
        vars.put("bastion_key", bastion ? path(d, Questions.BASTION_KEY) : "");
        vars.put("ssh_user", d.string(Questions.SSH_USER));
        vars.put("ssh_key", path(d, Questions.SSH_KEY));
        vars.put("ssh_port", port(d, Questions.SSH_PORT));
        vars.put("nodes", d.nodes().stream().map(n -> Map.of(
                "name", d.nodeText(n, Questions.NODE_NAME),
                "role", d.nodeText(n, Questions.NODE_ROLE),
                "address", quote(d.nodeText(n, Questions.NODE_ADDRESS)),
                "public_address", d.nodeText(n, Questions.NODE_PUBLIC_ADDRESS).isEmpty() ? "" : quote(d.nodeText(n, Questions.NODE_PUBLIC_ADDRESS))))
                .toList());
        vars.put("features", flowList(list(d, Questions.FEATURES)));
        vars.put("database", service(d, Questions.DATABASE));
        vars.put("broker", service(d, Questions.BROKER));
        String objects = Questions.OBJECTS + ".external.";
        vars.put("objects", Map.of("external", d.is(Questions.OBJECTS, Questions.EXTERNAL),
                "endpoint", quote(d.string(objects + "endpoint")), "region", d.string(objects + "region"),
                "bucket", d.string(objects + "bucket"), "access_key", quote(d.string(objects + "access_key"))));
        vars.put("bundle", path(d, Questions.BUNDLE));
        vars.put("release", path(d, Questions.RELEASE));
        vars.put("traefik", path(d, Questions.TRAEFIK));
        vars.put("minio", d.is(Questions.OBJECTS, Questions.LOCAL) ? path(d, Questions.MINIO) : "");
        vars.put("support", flowList(list(d, Questions.SUPPORT)));
        return Templates.render("setup/site.yml.peb", vars);
    }

    /** The site as far as connecting goes: bastion and nodes with their SSH settings. */
    static Site forConnecting(Draft d, Path file) {
        SshEndpoint ssh = new SshEndpoint("", port(d, Questions.SSH_PORT), d.string(Questions.SSH_USER),
                d.value(Questions.SSH_KEY, Path.class).orElseThrow());
        Optional<SshEndpoint> bastion = d.is(Questions.BASTION, Questions.DIRECT) ? Optional.empty()
                : Optional.of(new SshEndpoint(d.string(Questions.BASTION), port(d, Questions.BASTION_PORT), d.string(Questions.BASTION_USER),
                        d.value(Questions.BASTION_KEY, Path.class).orElseThrow()));
        List<Node> nodes = d.nodes().stream().map(n -> {
            String address = d.nodeText(n, Questions.NODE_ADDRESS);
            String publicAddress = d.nodeText(n, Questions.NODE_PUBLIC_ADDRESS);
            return new Node(d.nodeText(n, Questions.NODE_NAME), d.nodeText(n, Questions.NODE_ROLE), address,
                    publicAddress.isEmpty() ? Optional.empty() : Optional.of(publicAddress),
                    new SshEndpoint(address, ssh.port(), ssh.user(), ssh.key()));
        }).toList();
        Storage local = new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()),
                new Storage.ObjectStore(Optional.empty()), false);
        return new Site(file, d.string(Questions.SITE), d.string(Questions.FQDN), bastion, Optional.empty(), nodes, new LinkedHashSet<>(),
                local, Optional.empty(), List.of(), new Application(Optional.empty(), Optional.empty(), Optional.empty()), List.of());
    }

    private static Map<String, Object> service(Draft d, String key) {
        String prefix = key + ".external.";
        return Map.of("external", d.is(key, Questions.EXTERNAL), "host", quote(d.string(prefix + "host")),
                "port", d.value(prefix + "port", Integer.class).orElse(0), "user", d.string(prefix + "user"));
    }

    private static int port(Draft d, String key) {
        return d.value(key, Integer.class).orElse(SiteLoader.SSH_PORT);
    }

    private static String path(Draft d, String key) {
        return d.value(key, Path.class).map(p -> quote(p.toString())).orElse("");
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Draft d, String key) {
        return d.value(key, List.class).map(l -> (List<String>) l).orElse(List.of());
    }

    private static String flowList(List<String> items) {
        return "[" + String.join(", ", items.stream().map(DraftSite::quote).toList()) + "]";
    }

    /** A YAML double-quoted scalar: paths and addresses may hold characters YAML reads otherwise (':', '#', spaces). */
    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
