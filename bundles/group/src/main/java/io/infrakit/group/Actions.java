package io.infrakit.group;

import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The actions of one batch (a cycle's creations, or its removals), logged as one line per action and reason
 * with the instances it concerned ({@code Group cattle: Provision 3 (the group has fewer than 5 members):
 * instance-1, instance-2, instance-3}), at most ten named: a group growing by ten thousand writes a line,
 * not ten thousand.
 */
final class Actions {

    private static final int NAMED = 10;

    private record Kind(String action, String reason) {
    }

    private final Map<Kind, List<String>> batch = new LinkedHashMap<>();

    synchronized void record(String action, String instance, String reason) {
        batch.computeIfAbsent(new Kind(action, reason), k -> new ArrayList<>()).add(instance);
    }

    /** Logs the batch and starts a new one. */
    void log(Logger log, String group) {
        Map<Kind, List<String>> done;
        synchronized (this) {
            done = new LinkedHashMap<>(batch);
            batch.clear();
        }
        done.forEach((kind, instances) -> log.info("Group {}: {} {} ({}): {}{}", group, kind.action(), instances.size(), kind.reason(),
                String.join(", ", instances.subList(0, Math.min(NAMED, instances.size()))),
                instances.size() > NAMED ? " and " + (instances.size() - NAMED) + " more" : ""));
    }
}
