package io.infrakit.shell;

import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;

/** A command against a group plugin, {@code group} unless {@code --name} says otherwise. */
abstract class GroupCommand extends InfrakitCommand {

    /** The name the Go group plugin listens on, and the default of the Go CLI's {@code --name}. */
    static final String DEFAULT_NAME = "group";

    @Option(name = "--name", aliases = "-n", description = "Name of the group plugin")
    @Completion(PluginNameCompleter.class)
    String name = DEFAULT_NAME;

    /**
     * Looks the group plugin up; at each use, so that a replaced plugin is picked up.
     *
     * @return the plugin
     * @throws PluginNotFoundException if no group plugin answers to the name
     * @throws CommandException if the name is invalid
     */
    final GroupPlugin groupPlugin() throws PluginNotFoundException, CommandException {
        return lookup(name, GroupPlugin.class);
    }
}
