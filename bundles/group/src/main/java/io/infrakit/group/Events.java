package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupJournal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * Where a group's controller says what it did and why: the journal when there is one (which also logs each
 * event), else the log alone.
 */
final class Events {

    private static final Logger LOG = LoggerFactory.getLogger("io.infrakit.group.events");

    /** How many instance IDs an event about several instances names. */
    static final int NAMED = 10;

    private final String group;
    private final Supplier<GroupJournal> journal;

    Events(String group, Supplier<GroupJournal> journal) {
        this.group = group;
        this.journal = journal;
    }

    /**
     * Records an event of the controller.
     *
     * @param type what happened ({@link GroupEvent.Type})
     * @param message a sentence
     * @param instance the instance it concerns, or {@code null}
     * @param sha the configuration concerned, or {@code null}
     */
    void emit(String type, String message, String instance, String sha) {
        emit(GroupEvent.of(group, type, message, instance, sha));
    }

    /**
     * Records an event.
     *
     * @param event the event
     */
    void emit(GroupEvent event) {
        GroupJournal j = journal.get();
        if (j == null) {
            LOG.info("Group {}: {}", group, event.message());
            return;
        }
        try {
            j.record(event);
        } catch (RuntimeException e) {
            LOG.warn("Group {}: {} (the journal failed: {})", group, event.message(), e.toString());
        }
    }

    /** Names instances: all of them up to {@link #NAMED}, then how many more. */
    static String names(List<String> ids) {
        String named = String.join(", ", ids.subList(0, Math.min(NAMED, ids.size())));
        return ids.size() > NAMED ? named + " and " + (ids.size() - NAMED) + " more" : named;
    }
}
