package io.infrakit.rpc.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where plugin sockets live: the configured directory, else {@code $INFRAKIT_PLUGINS_DIR}, else
 * {@code $INFRAKIT_HOME/plugins}, else {@code ~/.infrakit/plugins}.
 */
public final class PluginsDirectory {

    private PluginsDirectory() {
    }

    /**
     * Resolves the plugins directory from the process environment.
     *
     * @param configured the configured directory, may be empty or {@code null}
     * @return the absolute directory
     */
    public static Path resolve(String configured) {
        return resolve(configured, System.getenv(), System.getProperty("user.home"));
    }

    /**
     * Resolves the plugins directory.
     *
     * @param configured the configured directory, may be empty or {@code null}
     * @param env the environment
     * @param home the user's home directory
     * @return the absolute directory
     */
    public static Path resolve(String configured, Map<String, String> env, String home) {
        if (isSet(configured)) {
            return expand(configured.trim(), home);
        }
        if (isSet(env.get("INFRAKIT_PLUGINS_DIR"))) {
            return expand(env.get("INFRAKIT_PLUGINS_DIR").trim(), home);
        }
        return infrakitHome(env, home).resolve("plugins");
    }

    /**
     * The InfraKit home directory: {@code $INFRAKIT_HOME}, else {@code ~/.infrakit}.
     *
     * @param env the environment
     * @param home the user's home directory
     * @return the absolute directory
     */
    public static Path infrakitHome(Map<String, String> env, String home) {
        String value = env.get("INFRAKIT_HOME");
        return isSet(value) ? expand(value.trim(), home) : Path.of(home, ".infrakit").toAbsolutePath().normalize();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static Path expand(String path, String home) {
        if (path.equals("~")) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        if (path.startsWith("~/")) {
            return Path.of(home, path.substring(2)).toAbsolutePath().normalize();
        }
        return Path.of(path).toAbsolutePath().normalize();
    }
}
