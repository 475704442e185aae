package io.infrakit.spi.group;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

/**
 * The journal of every group: the last events of each, kept across restarts. Registered as an OSGi service
 * by the group plugin's bundle; the manager records its own events (commits, rollbacks) in it.
 */
@ConsumerType
public interface GroupJournal {

    /**
     * Adds an event, numbers it and makes it known (the log, Event Admin, waiting readers).
     *
     * @param event the event ({@link GroupEvent#seq()} is ignored)
     * @return the event as kept, numbered
     */
    GroupEvent record(GroupEvent event);

    /**
     * Reads a group's events.
     *
     * @param group the group ID
     * @param after only events numbered above this (0 for all)
     * @param limit at most this many, the latest (0 for the default, 100)
     * @param waitMillis how long to wait for one when there is none yet (0: answer at once)
     * @return the events, oldest first
     * @throws InterruptedException if interrupted while waiting
     */
    List<GroupEvent> read(String group, long after, int limit, long waitMillis) throws InterruptedException;
}
