package io.oth.phase;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which phases a phase waits for on a node: those it names, or, naming none, the phase listed
 * before it; so phases run in the order listed unless they say otherwise. The runner starts a
 * phase on a node once all it needs have finished there.
 */
public final class PhaseOrder {
    private PhaseOrder() {
    }

    /** What each of {@code names} needs, in their order, given what each names ({@code written}, empty: nothing named). */
    public static Map<String, List<String>> needs(List<String> names, List<Optional<List<String>>> written) {
        if (names.size() != written.size()) {
            throw new IllegalArgumentException("one list of needs per phase");
        }
        Map<String, List<String>> needs = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            List<String> before = i == 0 ? List.of() : List.of(names.get(i - 1));
            needs.put(names.get(i), List.copyOf(written.get(i).orElse(before)));
        }
        return needs;
    }

    /** A cycle of needs, as the phases around it ({@code a, b, a}: a needs b, b needs a), or empty when there is none. */
    public static Optional<List<String>> cycle(Map<String, List<String>> needs) {
        Set<String> done = new HashSet<>();
        for (String start : needs.keySet()) {
            Optional<List<String>> cycle = cycleFrom(start, needs, new ArrayList<>(), done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> cycleFrom(String phase, Map<String, List<String>> needs, List<String> path, Set<String> done) {
        int at = path.indexOf(phase);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(phase);
            return Optional.of(cycle);
        }
        if (done.contains(phase)) {
            return Optional.empty();
        }
        path.add(phase);
        for (String need : needs.getOrDefault(phase, List.of())) {
            Optional<List<String>> cycle = cycleFrom(need, needs, path, done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(phase);
        return Optional.empty();
    }
}
