package io.infrakit.rpc.config;

import io.infrakit.spi.InfrakitHome;

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
            return InfrakitHome.expand(configured.trim(), home);
        }
        if (isSet(env.get("INFRAKIT_PLUGINS_DIR"))) {
            return InfrakitHome.expand(env.get("INFRAKIT_PLUGINS_DIR").trim(), home);
        }
        return InfrakitHome.path(env, home).resolve("plugins");
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
