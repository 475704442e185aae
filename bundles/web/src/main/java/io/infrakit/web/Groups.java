package io.infrakit.web;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.util.List;
import java.util.function.Supplier;

/**
 * The groups the endpoint shows, read from the group plugin (the manager, {@code group}, by default) through the
 * plugin registry at each use, as every part of InfraKit looks a plugin up.
 */
final class Groups {

    private final Supplier<PluginRegistry> registry;
    private final String plugin;

    /**
     * @param registry the plugin registry, or a supplier of {@code null} while it is away
     * @param plugin the group plugin's name
     */
    Groups(Supplier<PluginRegistry> registry, String plugin) {
        this.registry = registry;
        this.plugin = plugin;
    }

    String plugin() {
        return plugin;
    }

    GroupControl control() throws PluginException {
        return lookup(GroupControl.class);
    }

    GroupPlugin group() throws PluginException {
        return lookup(GroupPlugin.class);
    }

    /** Every group's status, without members. */
    List<GroupStatus> statuses() throws PluginException {
        return control().status(null);
    }

    /** One group's status, with its members. */
    GroupStatus status(String id) throws PluginException {
        List<GroupStatus> found = control().status(id);
        if (found.isEmpty()) {
            throw new PluginException("Group " + id + " is not known");
        }
        return found.get(0);
    }

    /**
     * This node's role among the managers.
     *
     * @return the status, or {@code null} when the group plugin is no manager (no leadership, nothing persisted)
     * @throws PluginException if the manager cannot tell or cannot be reached
     */
    LeaderStatus leadership() throws PluginException {
        try {
            return registry().lookup(plugin, Manager.class).status();
        } catch (PluginNotFoundException e) {
            return null;
        }
    }

    List<PluginInfo> plugins() throws PluginException {
        return registry().plugins();
    }

    private <T> T lookup(Class<T> type) throws PluginException {
        return registry().lookup(plugin, type);
    }

    private PluginRegistry registry() throws PluginException {
        PluginRegistry r = registry.get();
        if (r == null) {
            throw new PluginException("The plugin registry is not available (is the infrakit rpc bundle running?)");
        }
        return r;
    }
}
