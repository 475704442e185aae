package io.infrakit.spi.group;

import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a group controller keeps each group's {@link GroupState}, so that it survives a restart and moves
 * with leadership. Registered as an OSGi service by a manager (which keeps the state in its store, beside
 * the group's spec); a group plugin without one keeps the state in memory only.
 */
@ConsumerType
public interface GroupStates {

    /**
     * Reads a group's state.
     *
     * @param id the group ID
     * @return its state, {@link GroupState#NONE} if none is kept
     * @throws PluginException if the store cannot be read
     */
    GroupState load(String id) throws PluginException;

    /**
     * Keeps a group's state. Only a node that may act keeps state: a node that does not lead is refused.
     *
     * @param id the group ID
     * @param state its state
     * @throws PluginException if the store cannot be written or this node may not act
     */
    void save(String id, GroupState state) throws PluginException;

    /**
     * Forgets a group whose destroy is complete: a listing showed none of its instances.
     *
     * @param id the group ID
     * @throws PluginException if the store cannot be written or this node may not act
     */
    void destroyed(String id) throws PluginException;
}
