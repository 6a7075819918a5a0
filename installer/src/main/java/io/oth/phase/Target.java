package io.oth.phase;

import io.oth.site.Node;
import io.oth.site.Site;

import java.util.Map;

/** One node as a phase sees it: the site, the node, its facts and those of every reached node. */
public record Target(Site site, Node node, HostFacts facts, Map<String, HostFacts> all) {
}
