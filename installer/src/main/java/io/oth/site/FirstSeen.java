package io.oth.site;

import java.util.HashMap;
import java.util.Map;

/** Reports a value given a second time, naming where it was first: {@code "app1" is already nodes[0].name}. */
final class FirstSeen<K> {
    private final Map<K, Field> first = new HashMap<>();
    private final String expected;

    FirstSeen(String expected) {
        this.expected = expected;
    }

    void add(K key, Field field) {
        Field earlier = first.putIfAbsent(key, field);
        if (earlier != null) {
            field.problem(field.quoted() + " is already " + earlier.path() + " (expected " + expected + ")");
        }
    }
}
