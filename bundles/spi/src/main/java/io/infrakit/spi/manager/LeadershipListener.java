package io.infrakit.spi.manager;

import org.osgi.annotation.versioning.ConsumerType;

/** Told by a {@link Leadership} backend about each change of a participant's status. */
@ConsumerType
@FunctionalInterface
public interface LeadershipListener {

    /**
     * The status changed. Called on a backend thread, one call at a time; it should return quickly.
     *
     * @param status the new status
     */
    void leadershipChanged(LeaderStatus status);
}
