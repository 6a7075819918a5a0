package io.oth.install.offline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which .debs of a set it takes to install some packages, given what is installed already: each
 * wanted package and, recursively, its Pre-Depends and Depends. A dependency is met by an installed
 * package of that name (or one that provides it) at the version this set has; a package installed
 * at another version is taken too, since apt may need this set's version to satisfy a version
 * constraint (it takes only what it needs: the rest is offered, not installed). Of alternatives
 * ({@code a | b}) none installed, the first this set has is taken, as apt would choose.
 *
 * <p>This decides what is packed and what is uploaded; apt on the node still resolves and orders
 * the install itself, from the uploaded files only.
 */
public final class PackageClosure {

    /** What is installed on a node: package name to version, and the names installed packages provide. */
    public record Installed(Map<String, String> versions, Set<String> provided) {
        public static final Installed NOTHING = new Installed(Map.of(), Set.of());

        boolean has(String name) {
            return versions.containsKey(name) || provided.contains(name);
        }
    }

    /** The .debs to take, in the order they were reached, and each dependency no .deb of the set nor the node meets. */
    public record Result(List<DebPackage> take, List<String> unmet) {
    }

    private PackageClosure() {
    }

    public static Result of(List<String> wanted, List<DebPackage> available, Installed installed) {
        Map<String, List<DebPackage>> byName = new LinkedHashMap<>();
        for (DebPackage deb : available) {
            for (String name : deb.satisfies()) {
                byName.computeIfAbsent(name, n -> new ArrayList<>()).add(deb);
            }
        }
        Set<DebPackage> taken = new LinkedHashSet<>();
        List<String> unmet = new ArrayList<>();
        Deque<Need> queue = new ArrayDeque<>();
        wanted.forEach(w -> queue.add(new Need(List.of(w), Optional.empty())));
        while (!queue.isEmpty()) {
            Need need = queue.poll();
            List<DebPackage> next = new ArrayList<>();
            boolean installedAlready = false;
            for (String name : need.alternatives()) {
                if (installed.has(name)) {
                    installedAlready = true;
                    String version = installed.versions().get(name);
                    // Installed at another version than this set's: offer this set's too.
                    own(byName, name).filter(deb -> version != null && !deb.version().equals(version)).ifPresent(next::add);
                }
            }
            if (!installedAlready) {
                Optional<DebPackage> first = need.alternatives().stream().map(n -> candidate(byName, n)).flatMap(Optional::stream).findFirst();
                if (first.isEmpty()) {
                    unmet.add(String.join(" | ", need.alternatives()) + need.of().map(o -> " (needed by " + o + ")").orElse(""));
                    continue;
                }
                next.add(first.get());
            }
            for (DebPackage deb : next) {
                if (taken.add(deb)) {
                    deb.dependencies().forEach(group -> queue.add(new Need(group, Optional.of(deb.name()))));
                }
            }
        }
        return new Result(List.copyOf(taken), List.copyOf(unmet));
    }

    /** A package of that very name, else one that provides it. */
    private static Optional<DebPackage> candidate(Map<String, List<DebPackage>> byName, String name) {
        return own(byName, name).or(() -> byName.getOrDefault(name, List.of()).stream().findFirst());
    }

    private static Optional<DebPackage> own(Map<String, List<DebPackage>> byName, String name) {
        return byName.getOrDefault(name, List.of()).stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private record Need(List<String> alternatives, Optional<String> of) {
    }
}
