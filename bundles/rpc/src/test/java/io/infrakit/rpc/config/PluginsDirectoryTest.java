package io.infrakit.rpc.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PluginsDirectoryTest {

    private static final String HOME = "/home/op";

    @Test
    void configurationWinsThenTheEnvironmentThenTheHome() {
        Map<String, String> env = Map.of("INFRAKIT_PLUGINS_DIR", "/run/ik", "INFRAKIT_HOME", "/srv/ik");
        assertEquals(Path.of("/etc/ik/plugins"), PluginsDirectory.resolve("/etc/ik/plugins", env, HOME));
        assertEquals(Path.of("/run/ik"), PluginsDirectory.resolve("", env, HOME));
        assertEquals(Path.of("/srv/ik/plugins"), PluginsDirectory.resolve(" ", Map.of("INFRAKIT_HOME", "/srv/ik"), HOME));
        assertEquals(Path.of("/home/op/.infrakit/plugins"), PluginsDirectory.resolve(null, Map.of(), HOME));
    }

    @Test
    void aTildeMeansTheHome() {
        assertEquals(Path.of("/home/op/sockets"), PluginsDirectory.resolve("~/sockets", Map.of(), HOME));
        assertEquals(Path.of("/home/op/ik/plugins"), PluginsDirectory.resolve("", Map.of("INFRAKIT_HOME", "~/ik"), HOME));
    }
}
