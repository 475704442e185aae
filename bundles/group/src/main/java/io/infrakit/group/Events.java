package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupJournal;
import io.infrakit.spi.observe.ControllerObserver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * Where a group's controller says what it did and why: the journal when there is one (which also logs each
 * event), else the log alone; and what each cycle took, to the {@link ControllerObserver}s.
 */
final class Events {

    private static final Logger LOG = LoggerFactory.getLogger("io.infrakit.group.events");

    /** How many instance IDs an event about several instances names. */
    static final int NAMED = 10;

    private final String group;
    private final Supplier<GroupJournal> journal;
    private final List<ControllerObserver> observers;

    /**
     * Creates the events of a group.
     *
     * @param group the group ID
     * @param journal gives the journal, or {@code null} when there is none
     * @param observers the observers, read at each cycle (a live list)
     */
    Events(String group, Supplier<GroupJournal> journal, List<ControllerObserver> observers) {
        this.group = group;
        this.journal = journal;
        this.observers = observers;
    }

    /**
     * An event of the controller, not recorded yet.
     *
     * @param type what happened ({@link GroupEvent.Type})
     * @param message a sentence
     * @param instance the instance it concerns, or {@code null}
     * @param sha the configuration concerned, or {@code null}
     * @return the event
     */
    GroupEvent event(String type, String message, String instance, String sha) {
        return GroupEvent.of(group, type, message, instance, sha);
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
        emit(event(type, message, instance, sha));
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

    /**
     * Tells the observers that a cycle of the group's loop ended. What an observer throws is logged and ignored:
     * nothing an observer does may disturb the loop.
     *
     * @param nanos how long the cycle took
     * @param failed whether it ended in an error
     */
    void cycleEnded(long nanos, boolean failed) {
        for (ControllerObserver o : observers) {
            try {
                o.cycleEnded(group, nanos, failed);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("Group {}: observer {} failed: {}", group, o, e.toString());
            }
        }
    }

    /** Names instances: all of them up to {@link #NAMED}, then how many more. */
    static String names(List<String> ids) {
        String named = String.join(", ", ids.subList(0, Math.min(NAMED, ids.size())));
        return ids.size() > NAMED ? named + " and " + (ids.size() - NAMED) + " more" : named;
    }
}
