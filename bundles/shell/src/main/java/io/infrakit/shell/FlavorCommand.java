package io.infrakit.shell;

import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;

/** A command against the flavor plugin named by {@code --name} ({@code name} or {@code name/type}). */
abstract class FlavorCommand extends InfrakitCommand {

    @Option(name = "--name", aliases = "-n", required = true,
            description = "Name of the flavor plugin: name or name/type")
    @Completion(PluginNameCompleter.class)
    String name;

    /**
     * Looks the flavor plugin up.
     *
     * @return the plugin
     * @throws PluginNotFoundException if no flavor plugin answers to the name
     * @throws CommandException if the name is invalid
     */
    final FlavorPlugin flavorPlugin() throws PluginNotFoundException, CommandException {
        return lookup(name, FlavorPlugin.class);
    }
}
