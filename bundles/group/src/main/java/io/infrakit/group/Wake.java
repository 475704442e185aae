package io.infrakit.group;

import io.infrakit.spi.instance.InstanceChanges;

import java.util.HashSet;
import java.util.Set;

/**
 * Which groups an answer of an instance plugin's {@link InstanceChanges} wakes (a pure decision). A change carrying
 * the tag {@code infrakit.group=<id>} wakes that group only; a change without it (the plugin does not know the
 * instance's tags), or a {@code reset} (anything may have changed), wakes every group using the plugin; an answer
 * with no change (the wait ended) wakes none.
 *
 * @param everyGroup whether every group using the plugin is woken
 * @param groups the groups woken when not every one is
 */
record Wake(boolean everyGroup, Set<String> groups) {

    /** No group. */
    static final Wake NOBODY = new Wake(false, Set.of());
    /** Every group using the plugin. */
    static final Wake EVERY_GROUP = new Wake(true, Set.of());

    /**
     * Copies the set.
     */
    Wake {
        groups = Set.copyOf(groups);
    }

    /**
     * The groups an answer wakes.
     *
     * @param answer an answer of {@link InstanceChanges#changes}
     * @return whom to wake
     */
    static Wake of(InstanceChanges.Changes answer) {
        if (answer.reset()) {
            return EVERY_GROUP;
        }
        Set<String> ids = new HashSet<>();
        for (InstanceChanges.Change change : answer.changes()) {
            String group = change.tags().get(ConfigSha.GROUP_TAG);
            if (group == null || group.isEmpty()) {
                return EVERY_GROUP;
            }
            ids.add(group);
        }
        return ids.isEmpty() ? NOBODY : new Wake(false, ids);
    }

    /**
     * Whether a group is woken.
     *
     * @param group a group ID
     * @return {@code true} if it is
     */
    boolean includes(String group) {
        return everyGroup || groups.contains(group);
    }

    /**
     * Whether no group is woken.
     *
     * @return {@code true} for an answer without changes
     */
    boolean isNobody() {
        return !everyGroup && groups.isEmpty();
    }
}
