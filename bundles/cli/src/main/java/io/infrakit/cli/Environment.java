package io.infrakit.cli;

import io.infrakit.rpc.config.PluginsDirectory;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the command reads from its process: the environment variables and the user's home. Passed in
 * rather than read from {@link System} so that tests can point the command at their own plugins directory.
 *
 * @param variables the environment variables
 * @param userHome the user's home directory
 */
public record Environment(Map<String, String> variables, String userHome) {

    /**
     * Copies the variables.
     */
    public Environment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(userHome, "userHome");
    }

    /**
     * The environment of this process.
     *
     * @return the process environment and {@code user.home}
     */
    public static Environment system() {
        return new Environment(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The plugins directory: {@code $INFRAKIT_PLUGINS_DIR}, else {@code $INFRAKIT_HOME/plugins}, else
     * {@code ~/.infrakit/plugins}.
     *
     * @return the absolute directory
     */
    public Path pluginsDirectory() {
        return PluginsDirectory.resolve(null, variables, userHome);
    }
}
