package io.infrakit.shell;

import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;

/** A command against the instance plugin named by {@code --name} ({@code name} or {@code name/type}). */
abstract class InstanceCommand extends InfrakitCommand {

    @Option(name = "--name", aliases = "-n", required = true,
            description = "Name of the instance plugin: name or name/type")
    @Completion(PluginNameCompleter.class)
    String name;

    /**
     * Looks the instance plugin up.
     *
     * @return the plugin
     * @throws PluginNotFoundException if no instance plugin answers to the name
     * @throws CommandException if the name is invalid
     */
    final InstancePlugin instancePlugin() throws PluginNotFoundException, CommandException {
        return lookup(name, InstancePlugin.class);
    }
}
