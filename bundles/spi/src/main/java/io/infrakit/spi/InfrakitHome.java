package io.infrakit.spi;

import java.nio.file.Path;
import java.util.Map;

/** Where InfraKit keeps its files: {@code $INFRAKIT_HOME}, else {@code ~/.infrakit}. */
public final class InfrakitHome {

    private InfrakitHome() {
    }

    /**
     * The home directory from the process environment.
     *
     * @return the absolute directory
     */
    public static Path path() {
        return path(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The home directory.
     *
     * @param env the environment
     * @param userHome the user's home directory
     * @return the absolute directory
     */
    public static Path path(Map<String, String> env, String userHome) {
        String value = env.get("INFRAKIT_HOME");
        return value != null && !value.isBlank() ? expand(value.trim(), userHome) : Path.of(userHome, ".infrakit").toAbsolutePath().normalize();
    }

    /**
     * The directory of an instance plugin's instances: the configured one, else
     * {@code $INFRAKIT_HOME/instances/<plugin name>}.
     *
     * @param configured the configured directory, possibly blank or starting with {@code ~}
     * @param pluginName the plugin's name
     * @return the absolute directory
     * @throws IllegalArgumentException if the plugin name is not a valid plugin name
     */
    public static Path instancesDirectory(String configured, String pluginName) {
        if (!PluginName.isValidName(pluginName)) {
            throw new IllegalArgumentException("Invalid plugin name '" + pluginName + "'");
        }
        return configured == null || configured.isBlank()
                ? path().resolve("instances").resolve(pluginName)
                : expand(configured.trim(), System.getProperty("user.home"));
    }

    /**
     * Expands a leading {@code ~} to the user's home and makes the path absolute.
     *
     * @param path a path, possibly starting with {@code ~}
     * @param userHome the user's home directory
     * @return the absolute path
     */
    public static Path expand(String path, String userHome) {
        if (path.equals("~")) {
            return Path.of(userHome).toAbsolutePath().normalize();
        }
        if (path.startsWith("~/")) {
            return Path.of(userHome, path.substring(2)).toAbsolutePath().normalize();
        }
        return Path.of(path).toAbsolutePath().normalize();
    }
}
