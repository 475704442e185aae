package io.infrakit.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** Helpers for tag maps: immutable copies in key order, which is the order they are written on the wire. */
public final class Tags {

    private Tags() {
    }

    /**
     * Copies a tag map into an immutable map sorted by key, keeping {@code null} as {@code null}.
     *
     * @param tags the tags, or {@code null}
     * @return an immutable sorted copy, or {@code null}
     * @throws NullPointerException if a key or value is {@code null}
     */
    public static SortedMap<String, String> copy(Map<String, String> tags) {
        if (tags == null) {
            return null;
        }
        TreeMap<String, String> copy = new TreeMap<>();
        tags.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "tag key"), Objects.requireNonNull(v, () -> "value of tag " + k)));
        return Collections.unmodifiableSortedMap(copy);
    }

    /**
     * Tells whether {@code tags} contains every entry of {@code filter} (the AND semantics of
     * {@code DescribeInstances}). An empty or {@code null} filter matches everything.
     *
     * @param tags the tags of an instance, may be {@code null}
     * @param filter the required entries, may be {@code null}
     * @return {@code true} if every required entry is present with the same value
     */
    public static boolean matches(Map<String, String> tags, Map<String, String> filter) {
        if (filter == null || filter.isEmpty()) {
            return true;
        }
        if (tags == null) {
            return false;
        }
        for (Map.Entry<String, String> e : filter.entrySet()) {
            if (!e.getValue().equals(tags.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
