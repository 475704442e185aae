package io.infrakit.spi.manager;

import org.osgi.annotation.versioning.ConsumerType;

/** One manager's part in an election, from {@link Leadership#join}. */
@ConsumerType
public interface Election extends AutoCloseable {

    /**
     * The status now.
     *
     * @return the last status reported to the listener, or {@link LeaderStatus.Role#UNKNOWN} before the first
     */
    LeaderStatus status();

    /** Leaves the election: a leader gives up its leadership; the listener is not called any more. */
    @Override
    void close();
}
