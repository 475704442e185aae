package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;

import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The actions of one batch (a cycle's creations, or its removals), told as one event per action and reason
 * with the instances it concerned ({@code Created 3 instances (the group has fewer than 5 members):
 * instance-1, instance-2, instance-3}), at most ten named: a group growing by ten thousand records an event,
 * not ten thousand. Each event counts its instances and carries the cause of the reason, so metrics add up
 * instances, not events. Drains are only logged (at debug): the destroy that follows is the event.
 */
final class Actions {

    private record Kind(String action, Reason why) {
    }

    private final Map<Kind, List<String>> batch = new LinkedHashMap<>();

    synchronized void record(String action, String instance, Reason why) {
        batch.computeIfAbsent(new Kind(action, why), k -> new ArrayList<>()).add(instance);
    }

    /**
     * Tells the batch and starts a new one.
     *
     * @return whether the batch created or destroyed anything
     */
    boolean flush(Events events, Logger log, String sha) {
        Map<Kind, List<String>> done;
        synchronized (this) {
            done = new LinkedHashMap<>(batch);
            batch.clear();
        }
        boolean acted = done.keySet().stream().anyMatch(k -> k.action().equals("Provision") || k.action().equals("Destroy"));
        done.forEach((kind, instances) -> {
            String reason = kind.why().text();
            String type = switch (kind.action()) {
                case "Provision" -> GroupEvent.Type.INSTANCE_CREATED;
                case "Destroy" -> GroupEvent.Type.INSTANCE_DESTROYED;
                default -> null;
            };
            if (type == null) {
                log.debug("{} {} ({}): {}", kind.action(), instances.size(), reason, Events.names(instances));
                return;
            }
            String verb = type.equals(GroupEvent.Type.INSTANCE_CREATED) ? "Created" : "Destroyed";
            String message = instances.size() == 1
                    ? verb + " " + instances.get(0) + " (" + reason + ")"
                    : verb + " " + instances.size() + " instances (" + reason + "): " + Events.names(instances);
            events.emit(events.event(type, message, instances.size() == 1 ? instances.get(0) : null,
                    type.equals(GroupEvent.Type.INSTANCE_CREATED) ? sha : null).withCount(instances.size(), kind.why().cause()));
        });
        return acted;
    }
}
