package io.infrakit.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code --name} of the plugin a command talks to ({@code name} or {@code name/type}), accepted before or after the verb. */
final class PluginNameOption {

    @Option(names = "--name", paramLabel = "<name>", scope = ScopeType.INHERIT,
            description = "Name of plugin: its socket in the plugins directory, optionally followed by /type.")
    String name;

    /**
     * The name given, else a default.
     *
     * @param defaultName the default
     * @return the name
     */
    String orElse(String defaultName) {
        return name == null || name.isBlank() ? defaultName : name;
    }

    /**
     * The name given, which is required.
     *
     * @param what what kind of plugin ("instance plugin"), for the message
     * @return the name
     * @throws CliException if none was given
     */
    String required(String what) {
        if (name == null || name.isBlank()) {
            throw new CliException("Missing --name: the name of the " + what + " to use (see infrakit plugin ls)");
        }
        return name;
    }
}
