package io.oth.phase;

import io.oth.site.Node;
import io.oth.site.Site;

/** One node as a phase sees it: the site, the node and its facts. */
public record Target(Site site, Node node, HostFacts facts) {
}
