package io.oth.report;

import io.oth.check.Finding;
import io.oth.check.Verdict;
import io.oth.site.Application;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.SshEndpoint;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The site as SVG: which hop a finding colours, and that no name or finding can add markup. */
class SitePictureTest {
    private static final Path KEY = Path.of("/home/op/.ssh/id_ed25519");

    /** lb, app1, app2, storage behind a bastion, with sms and video on. */
    static Site site(String name, Node... extra) {
        List<Node> nodes = new java.util.ArrayList<>(List.of(node("lb", "lb", "10.77.0.2", "203.0.113.20"), node("app1", "app", "10.77.0.101", null),
                node("app2", "app", "10.77.0.102", null), node("storage", "storage", "10.77.0.20", null)));
        nodes.addAll(List.of(extra));
        Storage local = new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()),
                new Storage.ObjectStore(Optional.empty()), false);
        return new Site(Path.of("/etc/oth/site.yml"), name, "oth.example.test", Optional.of(new SshEndpoint("203.0.113.10", 22, "root", KEY)),
                Optional.empty(), nodes, Set.of("sms", "video"), local, Optional.empty(), List.of(),
                new Application(Optional.empty(), Optional.empty(), Optional.empty()), List.of());
    }

    static Node node(String name, String role, String address, String publicAddress) {
        return new Node(name, role, address, Optional.ofNullable(publicAddress), new SshEndpoint(address, 22, "root", KEY));
    }

    private static Finding finding(String id, String vantage, String target, Verdict verdict) {
        return new Finding(id, vantage, target, verdict, verdict == Verdict.OK ? "fine" : "cause of " + id, "");
    }

    /** Each hop of the picture, "from>to", as its class names it. */
    private static Map<String, String> hops(String svg) {
        Map<String, String> hops = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<g class=\"hop (\\w+)\" data-from=\"([^\"]*)\" data-to=\"([^\"]*)\">").matcher(svg);
        while (m.find()) {
            hops.put(m.group(2) + ">" + m.group(3), m.group(1));
        }
        return hops;
    }

    private static Map<String, String> places(String svg) {
        Map<String, String> places = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<g class=\"place (\\w+)\" data-place=\"([^\"]*)\">").matcher(svg);
        while (m.find()) {
            places.put(m.group(2), m.group(1));
        }
        return places;
    }

    @Test
    void eachHopIsColouredByItsWorstFindingFromWhereItWasSeen() {
        List<Finding> findings = List.of(
                finding("reach.bastion", "operator", "bastion 203.0.113.10", Verdict.OK),
                finding("ports.operator-lb", "operator", "203.0.113.20:443", Verdict.OK),
                finding("dns.fqdn", "operator", "oth.example.test", Verdict.WARN),
                finding("reach.node", "bastion", "lb", Verdict.OK),
                finding("reach.node", "bastion", "app1", Verdict.OK),
                finding("reach.node", "bastion", "app2", Verdict.FAIL),
                finding("reach.node", "bastion", "storage", Verdict.OK),
                finding("ports.lb-app", "lb", "10.77.0.101:80", Verdict.OK),
                finding("ports.lb-app", "lb", "10.77.0.102:80", Verdict.SKIP),
                finding("ports.lb-storage", "lb", "10.77.0.20:22", Verdict.OK),
                finding("ports.app-storage", "app1", "10.77.0.20:3306", Verdict.OK),
                finding("service.database", "app1", "10.77.0.20:3306", Verdict.FAIL),
                finding("ports.app-storage", "app2", "10.77.0.20:3306", Verdict.SKIP),
                finding("outbound.sms", "app1", "api.twilio.com:443", Verdict.WARN),
                finding("outbound.video", "app1", "platform.vidyo.io:443", Verdict.OK),
                finding("posture.listen", "storage", "sockets", Verdict.WAIVED),
                finding("posture.firewall", "lb", "ruleset", Verdict.FAIL),
                finding("dns.fqdn", "app1", "oth.example.test", Verdict.OK),
                finding("certs.bundle", "operator", "/etc/oth/bundle.pem", Verdict.OK));
        String svg = SitePicture.of(site("lab"), findings).svg();

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("operator>bastion", "ok");
        expected.put("operator>node:lb", "warn");
        expected.put("bastion>node:lb", "ok");
        expected.put("bastion>node:app1", "ok");
        expected.put("bastion>node:app2", "fail");
        expected.put("bastion>node:storage", "ok");
        expected.put("node:lb>node:app1", "ok");
        expected.put("node:lb>node:app2", "skip");
        expected.put("node:lb>node:storage", "ok");
        expected.put("node:app1>node:storage", "fail");
        expected.put("node:app1>outbound:sms", "warn");
        expected.put("node:app1>outbound:video", "ok");
        expected.put("node:app2>node:storage", "skip");
        expected.put("node:app2>outbound:sms", "unchecked");
        expected.put("node:app2>outbound:video", "unchecked");
        assertEquals(expected, hops(svg), svg);
        assertEquals(Map.of("operator", "ok", "bastion", "unchecked", "node:lb", "fail", "node:app1", "ok", "node:app2", "unchecked",
                "node:storage", "waived", "outbound:sms", "unchecked", "outbound:video", "unchecked"), places(svg), svg);
        assertTrue(svg.contains("<g class=\"hop fail\" data-from=\"node:app1\" data-to=\"node:storage\"><title>app1 → storage: failure (1 fail, 1 ok): "
                + "fail service.database 10.77.0.20:3306: cause of service.database; ok ports.app-storage 10.77.0.20:3306</title>"), svg);
        assertTrue(svg.contains("stroke=\"#cf222e\" stroke-width=\"3\""), "a failed hop is drawn red and wide\n" + svg);
        assertTrue(svg.contains("✗ 1 failure</text>"), svg);
        assertEquals("svg", parse(svg).getDocumentElement().getTagName());
    }

    @Test
    void withoutABastionTheOperatorReachesTheNodes() {
        Site site = site("lab");
        Site direct = new Site(site.file(), site.name(), site.fqdn(), Optional.empty(), Optional.empty(), site.nodes(), site.features(),
                site.storage(), Optional.empty(), List.of(), site.application(), List.of());
        String svg = SitePicture.of(direct, List.of(finding("reach.node", "bastion", "app1", Verdict.FAIL))).svg();
        assertEquals("fail", hops(svg).get("operator>node:app1"), svg);
        assertFalse(svg.contains("data-place=\"bastion\""), svg);
    }

    @Test
    void aFindingAboutAPlaceTheSiteDoesNotHaveIsLeftOutOfThePicture() {
        String svg = SitePicture.of(site("lab"), List.of(finding("reach.node", "bastion", "app9", Verdict.FAIL),
                finding("posture.listen", "ghost", "sockets", Verdict.FAIL), finding("ports.lb-app", "lb", "10.9.9.9:80", Verdict.FAIL))).svg();
        assertFalse(hops(svg).containsValue("fail"), svg);
        assertFalse(places(svg).containsValue("fail"), svg);
    }

    @Test
    void anIpv6TargetFindsItsNode() {
        Site site = site("lab", node("app3", "app", "fd00::103", null));
        String svg = SitePicture.of(site, List.of(finding("ports.lb-app", "lb", "[fd00:0:0::103]:80", Verdict.FAIL))).svg();
        assertEquals("fail", hops(svg).get("node:lb>node:app3"), svg);
    }

    @Test
    void aHostileNameOrFindingCannotAddMarkup() {
        String hostile = "</title><script>alert(1)</script><a href=\"x\" onclick='y'>&amp;";
        Site site = site("lab", node("app3", "app", "10.77.0.103", null));
        Node evil = new Node(hostile, "app", "10.77.0.104", Optional.empty(), new SshEndpoint("10.77.0.104", 22, "root", KEY));
        Site withEvil = new Site(site.file(), site.name(), site.fqdn(), site.bastion(), Optional.empty(),
                java.util.stream.Stream.concat(site.nodes().stream(), java.util.stream.Stream.of(evil)).toList(), Set.of(hostile),
                site.storage(), Optional.empty(), List.of(), site.application(), List.of());
        String svg = SitePicture.of(withEvil, List.of(new Finding("reach.node", "bastion", hostile, Verdict.FAIL, hostile, hostile),
                new Finding("outbound." + hostile, hostile, hostile, Verdict.WARN, hostile, hostile))).svg();
        assertFalse(svg.contains("<script") || svg.contains("<a ") || svg.contains("onclick='"), svg);
        assertTrue(svg.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;"), svg);
        assertEquals("fail", hops(svg).get("bastion>node:" + SitePicture.esc(hostile)), svg);
        assertEquals(countOf(svg, "<title"), countOf(svg, "</title>"), "every title closes once\n" + svg);
        org.w3c.dom.Document doc = parse(svg);
        assertEquals(0, doc.getElementsByTagName("script").getLength() + doc.getElementsByTagName("a").getLength(), "no element from a name\n" + svg);
        boolean named = false;
        org.w3c.dom.NodeList texts = doc.getElementsByTagName("title");
        for (int i = 0; i < texts.getLength(); i++) {
            named |= texts.item(i).getTextContent().startsWith("bastion → " + hostile + ": failure");
        }
        assertTrue(named, "the hop's title reads back as the name itself\n" + svg);
    }

    /** The SVG as XML: it must be well-formed whatever the names in it. */
    private static org.w3c.dom.Document parse(String svg) {
        try {
            javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(svg)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed: " + e.getMessage() + "\n" + svg, e);
        }
    }

    private static int countOf(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    @Test
    void theLegendNamesEveryColourAndThePictureHasATitle() {
        String svg = SitePicture.of(site("lab"), List.of()).svg();
        for (String word : new String[] {">ok</text>", ">warning</text>", ">failure</text>", ">skipped</text>", ">waived</text>", ">not checked</text>"}) {
            assertTrue(svg.contains(word), () -> word + "\n" + svg);
        }
        assertTrue(svg.startsWith("<svg class=\"site\"") && svg.contains("role=\"img\" aria-labelledby=\"site-title site-desc\""), svg);
        assertTrue(svg.contains("<desc id=\"site-desc\">15 hops: 15 not checked</desc>"), svg);
        assertFalse(svg.contains("http") || svg.contains("url(") || svg.contains("href"), "nothing fetched\n" + svg);
    }
}
