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
