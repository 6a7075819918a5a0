package io.oth.report;

import io.oth.check.Finding;
import io.oth.check.Verdict;
import io.oth.site.Node;
import io.oth.site.Role;
import io.oth.site.Site;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The site as an inline SVG for the doctor's HTML page: the operator, the bastion, the nodes by
 * role and the outbound endpoints of each feature, and every hop between them drawn from its
 * vantage point and coloured by its worst finding ({@link Hops} decides which finding is about
 * which hop). No script, no external reference; every text is escaped, and each hop and place has
 * a {@code <title>} that says what it is and what was found, for a screen reader or a mouse.
 */
final class SitePicture {
    private static final int BOX_W = 180;
    private static final int BOX_H = 58;
    private static final int ROW_H = 84;
    private static final int[] COLUMN_X = {20, 280, 540, 800};
    private static final int WIDTH = COLUMN_X[COLUMN_X.length - 1] + BOX_W + 20;
    private static final int LANE = 6;
    /** The lanes that fit above the first row; more hops than that (a site without a bastion and many nodes) share them. */
    private static final int LANES_ABOVE = 5;
    private static final int LABEL_CHARS = 24;
    private static final int TITLE_FINDINGS = 6;

    /** How a hop or place is drawn: by its worst verdict, or not checked at all. */
    enum Look {
        OK("ok", "#1a7f37", ""), SKIP("skipped", "#8c959f", "6 4"), WAIVED("waived", "#0969da", ""), WARN("warning", "#bf8700", ""),
        FAIL("failure", "#cf222e", ""), UNCHECKED("not checked", "#afb8c1", "2 4");

        final String word;
        final String colour;
        final String dashes;

        Look(String word, String colour, String dashes) {
            this.word = word;
            this.colour = colour;
            this.dashes = dashes;
        }

        String css() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Look of(List<Finding> findings) {
            return findings.stream().map(Finding::verdict).max(Comparator.naturalOrder()).map(v -> Look.valueOf(v.name())).orElse(UNCHECKED);
        }
    }

    /** A box: its key ({@link Hops}), its name and lines, where it sits. */
    record Place(String key, String name, List<String> lines, int column, double row) {
        int x() {
            return COLUMN_X[column];
        }

        int y() {
            return (int) Math.round(top() + row * ROW_H);
        }

        int cx() {
            return x() + BOX_W / 2;
        }

        int cy() {
            return y() + BOX_H / 2;
        }
    }

    private static int top() {
        return 44;
    }

    private final Map<String, Place> places = new LinkedHashMap<>();
    private final Map<Hops.Hop, List<Finding>> hops = new LinkedHashMap<>();

    private SitePicture() {
    }

    /** The picture of {@code site} with {@code findings} on its hops. */
    static SitePicture of(Site site, List<Finding> findings) {
        SitePicture picture = new SitePicture();
        picture.layOut(site, findings);
        Hops map = new Hops(site);
        picture.structure(site);
        for (Finding f : findings) {
            map.of(f).filter(h -> picture.places.containsKey(h.from()) && picture.places.containsKey(h.to()))
                    .ifPresent(h -> picture.hops.computeIfAbsent(h, k -> new ArrayList<>()).add(f));
        }
        return picture;
    }

    private void layOut(Site site, List<Finding> findings) {
        boolean bastion = site.bastion().isPresent();
        put(new Place(Hops.OPERATOR, "operator", List.of("this machine (oth)"), 0, bastion ? 0.5 : 0));
        site.bastion().ifPresent(b -> put(new Place(Hops.BASTION, "bastion", List.of(b.address()), 1, 0)));
        int lbRow = bastion ? 1 : 0;
        int appRow = 0;
        int rightRow = 0;
        for (Node n : site.nodes()) {
            List<String> lines = new ArrayList<>(List.of(n.role() + " · " + n.address()));
            n.publicAddress().ifPresent(p -> lines.add("public " + p));
            int column = n.role().equals(Role.LB) ? 1 : n.role().equals(Role.STORAGE) ? 3 : 2;
            double row = column == 1 ? lbRow++ : column == 3 ? rightRow++ : appRow++;
            put(new Place(Hops.node(n.name()), n.name(), lines, column, row));
        }
        Set<String> features = new LinkedHashSet<>(site.features().stream().sorted().toList());
        findings.stream().filter(f -> f.id().startsWith("outbound.") && f.verdict() != Verdict.SKIP)
                .map(f -> f.id().substring("outbound.".length())).forEach(features::add);
        for (String feature : features) {
            put(new Place(Hops.outbound(feature), "outbound " + feature, List.of("the feature's endpoints"), 3, rightRow++));
        }
    }

    private void put(Place place) {
        places.put(place.key(), place);
    }

    /** The hops the site has whether or not a check looked at them: a hop nobody checked is drawn as such. */
    private void structure(Site site) {
        String reacher = site.bastion().isPresent() ? Hops.BASTION : Hops.OPERATOR;
        if (site.bastion().isPresent()) {
            hop(Hops.OPERATOR, Hops.BASTION);
        }
        List<String> lbs = keys(site, Role.LB);
        List<String> apps = keys(site, Role.APP);
        List<String> storage = keys(site, Role.STORAGE);
        lbs.forEach(lb -> hop(Hops.OPERATOR, lb));
        site.nodes().forEach(n -> hop(reacher, Hops.node(n.name())));
        for (String lb : lbs) {
            apps.forEach(app -> hop(lb, app));
            storage.forEach(s -> hop(lb, s));
        }
        for (String app : apps) {
            storage.forEach(s -> hop(app, s));
            places.keySet().stream().filter(k -> k.startsWith(Hops.outbound(""))).forEach(o -> hop(app, o));
        }
    }

    private void hop(String from, String to) {
        hops.computeIfAbsent(new Hops.Hop(from, to), k -> new ArrayList<>());
    }

    private static List<String> keys(Site site, String role) {
        return site.nodesWithRole(role).stream().map(n -> Hops.node(n.name())).toList();
    }

    /** How each hop (not a place) looks, by its ends' names: for tests and the page's text. */
    Map<Hops.Hop, Look> looks() {
        Map<Hops.Hop, Look> looks = new LinkedHashMap<>();
        hops.forEach((hop, findings) -> {
            if (!hop.isPlace()) {
                looks.put(hop, Look.of(findings));
            }
        });
        return looks;
    }

    String svg() {
        int lanesAbove = 0;
        int lanesBelow = 0;
        int rows = (int) Math.ceil(places.values().stream().mapToDouble(p -> p.row() + 1).max().orElse(1));
        int bottom = top() + (rows - 1) * ROW_H + BOX_H;
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<Hops.Hop, List<Finding>> e : hops.entrySet()) {
            Hops.Hop hop = e.getKey();
            if (hop.isPlace()) {
                continue;
            }
            Place from = places.get(hop.from());
            Place to = places.get(hop.to());
            int columns = Math.abs(to.column() - from.column());
            String path;
            int labelX;
            int labelY;
            if (columns == 0) {
                Place upper = from.row() <= to.row() ? from : to;
                Place lower = upper == from ? to : from;
                path = "M" + upper.cx() + " " + (upper.y() + BOX_H) + " V" + lower.y();
                labelX = upper.cx() + 8;
                labelY = (upper.y() + BOX_H + lower.y()) / 2;
            } else if (columns == 1) {
                boolean right = to.column() > from.column();
                int x1 = right ? from.x() + BOX_W : from.x();
                int x2 = right ? to.x() : to.x() + BOX_W;
                path = "M" + x1 + " " + from.cy() + " L" + x2 + " " + to.cy();
                labelX = (x1 + x2) / 2;
                labelY = (from.cy() + to.cy()) / 2 - 4;
            } else {
                // Around the boxes between them: along a lane above the first row (from the first row) or
                // below the last, then along the gap before the target's column, into its side.
                boolean above = from.row() == 0;
                int lane = above ? top() - 10 - LANE * (lanesAbove++ % LANES_ABOVE) : bottom + 14 + LANE * lanesBelow++;
                int gap = to.x() - 14;
                path = "M" + from.cx() + " " + (above ? from.y() : from.y() + BOX_H) + " V" + lane + " H" + gap + " V" + to.cy() + " H" + to.x();
                labelX = (from.cx() + gap) / 2;
                labelY = lane - 3;
            }
            Look look = Look.of(e.getValue());
            String[] end = endPoint(path);
            lines.append("<g class=\"hop ").append(look.css()).append("\" data-from=\"").append(esc(hop.from())).append("\" data-to=\"")
                    .append(esc(hop.to())).append("\"><title>").append(esc(title(from.name() + " → " + to.name(), look, e.getValue())))
                    .append("</title><path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(look.colour)
                    .append("\" stroke-width=\"").append(look == Look.FAIL || look == Look.WARN ? 3 : 2).append('"')
                    .append(look.dashes.isEmpty() ? "" : " stroke-dasharray=\"" + look.dashes + "\"").append("/>")
                    .append("<circle cx=\"").append(end[0]).append("\" cy=\"").append(end[1]).append("\" r=\"4\" fill=\"").append(look.colour).append("\"/>");
            if (look == Look.FAIL || look == Look.WARN) {
                long count = e.getValue().stream().filter(f -> f.verdict() == Verdict.valueOf(look.name())).count();
                lines.append("<text x=\"").append(labelX).append("\" y=\"").append(labelY).append("\" text-anchor=\"middle\" class=\"label\" fill=\"")
                        .append(look.colour).append("\">").append(Verdict.valueOf(look.name()).mark()).append(' ').append(count).append(' ')
                        .append(look == Look.FAIL ? (count == 1 ? "failure" : "failures") : (count == 1 ? "warning" : "warnings")).append("</text>");
            }
            lines.append("</g>\n");
        }
        StringBuilder boxes = new StringBuilder();
        for (Place p : places.values()) {
            List<Finding> own = hops.getOrDefault(new Hops.Hop(p.key(), p.key()), List.of());
            Look look = Look.of(own);
            boxes.append("<g class=\"place ").append(look.css()).append("\" data-place=\"").append(esc(p.key())).append("\"><title>")
                    .append(esc(title(p.name() + (p.lines().isEmpty() ? "" : " (" + String.join(", ", p.lines()) + ")"), look, own)))
                    .append("</title><rect x=\"").append(p.x()).append("\" y=\"").append(p.y()).append("\" width=\"").append(BOX_W)
                    .append("\" height=\"").append(BOX_H).append("\" rx=\"6\" fill=\"#ffffff\" stroke=\"").append(look.colour)
                    .append("\" stroke-width=\"2\"").append(look.dashes.isEmpty() ? "" : " stroke-dasharray=\"" + look.dashes + "\"").append("/>");
            boxes.append("<text x=\"").append(p.x() + 10).append("\" y=\"").append(p.y() + 19).append("\" class=\"name\">")
                    .append(esc(shortened(p.name()))).append("</text>");
            for (int i = 0; i < p.lines().size() && i < 2; i++) {
                boxes.append("<text x=\"").append(p.x() + 10).append("\" y=\"").append(p.y() + 36 + 15 * i).append("\">")
                        .append(esc(shortened(p.lines().get(i)))).append("</text>");
            }
            boxes.append("</g>\n");
        }
        int legendY = bottom + 14 + LANE * lanesBelow + 24;
        StringBuilder legend = new StringBuilder("<g class=\"legend\">");
        int x = COLUMN_X[0];
        for (Look look : Look.values()) {
            legend.append("<line x1=\"").append(x).append("\" y1=\"").append(legendY).append("\" x2=\"").append(x + 28).append("\" y2=\"")
                    .append(legendY).append("\" stroke=\"").append(look.colour).append("\" stroke-width=\"3\"")
                    .append(look.dashes.isEmpty() ? "" : " stroke-dasharray=\"" + look.dashes + "\"").append("/><text x=\"").append(x + 34)
                    .append("\" y=\"").append(legendY + 4).append("\">").append(look.word).append("</text>");
            x += 34 + 8 * look.word.length() + 24;
        }
        legend.append("<text x=\"").append(COLUMN_X[0]).append("\" y=\"").append(legendY + 26).append("\" class=\"note\">")
                .append("A line is a hop from where it is checked; the dot is the end it reaches. A box is coloured by what its node sees of itself.")
                .append("</text></g>\n");
        int height = legendY + 38;
        Map<Look, Long> counts = looks().values().stream().collect(Collectors.groupingBy(l -> l, () -> new EnumMap<>(Look.class), Collectors.counting()));
        String desc = looks().size() + " hops: " + String.join(", ", counts.entrySet().stream().map(c -> c.getValue() + " " + c.getKey().word).toList());
        return "<svg class=\"site\" viewBox=\"0 0 " + WIDTH + " " + height + "\" width=\"" + WIDTH + "\" height=\"" + height
                + "\" role=\"img\" aria-labelledby=\"site-title site-desc\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n"
                + "<title id=\"site-title\">The site: each hop from where it is checked, coloured by its worst finding</title>\n"
                + "<desc id=\"site-desc\">" + esc(desc) + "</desc>\n" + lines + boxes + legend + "</svg>";
    }

    private static String[] endPoint(String path) {
        String[] parts = path.split(" ");
        int x = 0;
        int y = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            char c = p.charAt(0);
            switch (c) {
                case 'M', 'L' -> {
                    x = Integer.parseInt(p.substring(1));
                    y = Integer.parseInt(parts[++i]);
                }
                case 'H' -> x = Integer.parseInt(p.substring(1));
                case 'V' -> y = Integer.parseInt(p.substring(1));
                default -> throw new IllegalStateException(path);
            }
        }
        return new String[] {String.valueOf(x), String.valueOf(y)};
    }

    /** "app1 → storage: failure (1 failed, 3 ok): ports.app-storage 10.77.0.20:3306: no answer; ..." */
    private static String title(String what, Look look, List<Finding> findings) {
        if (findings.isEmpty()) {
            return what + ": not checked";
        }
        Map<Verdict, Long> counts = findings.stream().collect(Collectors.groupingBy(Finding::verdict, () -> new EnumMap<>(Verdict.class), Collectors.counting()));
        List<Finding> worstFirst = findings.stream().sorted(Comparator.comparing(Finding::verdict).reversed()).toList();
        String listed = String.join("; ", worstFirst.stream().limit(TITLE_FINDINGS)
                .map(f -> f.verdict().name().toLowerCase(Locale.ROOT) + " " + f.id() + " " + f.target() + (f.verdict() == Verdict.OK ? "" : ": " + f.cause()))
                .toList());
        return what + ": " + look.word + " (" + String.join(", ", counts.entrySet().stream().sorted(Map.Entry.<Verdict, Long>comparingByKey().reversed())
                .map(c -> c.getValue() + " " + c.getKey().name().toLowerCase(Locale.ROOT)).toList()) + "): " + listed
                + (findings.size() > TITLE_FINDINGS ? "; …" : "");
    }

    private static String shortened(String text) {
        return text.length() <= LABEL_CHARS ? text : text.substring(0, LABEL_CHARS - 1) + "…";
    }

    /** Text for XML: element content and attribute values alike. */
    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f) {
                        out.append('\uFFFD');
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
