package io.infrakit.spi.manager;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A manager: one of several that run the same groups, of which one at a time is the leader.
 */
@ConsumerType
public interface Manager {

    /** The interface this contract implements on the wire. */
    InterfaceSpec INTERFACE = new InterfaceSpec("Manager", "0.1.0");

    /**
     * Tells whether this manager is the leader now.
     *
     * @return {@code true} if it is the leader
     * @throws PluginException if leadership cannot be determined
     */
    boolean isLeader() throws PluginException;

    /**
     * Tells this manager's status in its election: its role, the leader's name when known, and why it
     * cannot tell when it cannot. On the wire only {@code Manager.IsLeader} exists, so a manager reached
     * through a socket answers with its role alone.
     *
     * @return the status
     * @throws PluginException if leadership cannot be determined
     */
    default LeaderStatus status() throws PluginException {
        return isLeader() ? LeaderStatus.leader(null) : LeaderStatus.follower(null);
    }
}
