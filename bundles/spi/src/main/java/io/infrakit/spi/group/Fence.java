package io.infrakit.spi.group;

import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whether this node may change instances now. Registered as an OSGi service by a manager that shares
 * groups with other nodes; a group plugin asks it immediately before every Provision, Drain and Destroy,
 * so a node that lost its leadership, or doubts it, stops acting before another node can be made leader.
 * Without a fence service a group plugin acts freely (a single node).
 */
@ConsumerType
@FunctionalInterface
public interface Fence {

    /**
     * Checks that this node may act.
     *
     * @throws PluginException saying why it may not (it does not lead, or cannot tell)
     */
    void check() throws PluginException;
}
