package io.infrakit.examples.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A plugin is a plain object: it can be tested without OSGi, sockets or JSON. */
class ExampleInstancePluginTest {

    private final ExampleInstancePlugin plugin = new ExampleInstancePlugin(config("instance-example"));

    @Test
    void provisionedInstancesAreListedByTagAndDestroyed() throws Exception {
        String web = plugin.provision(new InstanceSpec(null, Map.of("tier", "web"), "", null, null));
        String db = plugin.provision(new InstanceSpec(null, Map.of("tier", "db"), "", "db-1", null));

        assertEquals("instance-example-1", web);
        assertEquals(List.of(new Description(db, "db-1", Map.of("tier", "db"))),
                plugin.describeInstances(Map.of("tier", "db")));
        assertEquals(2, plugin.describeInstances(Map.of()).size());

        plugin.label(web, Map.of("owner", "me"));
        assertEquals(List.of(new Description(web, null, Map.of("tier", "web", "owner", "me"))),
                plugin.describeInstances(Map.of("owner", "me")));

        plugin.destroy(web);
        assertEquals(List.of(db), plugin.describeInstances(null).stream().map(Description::id).toList());
        PluginException error = assertThrows(PluginException.class, () -> plugin.destroy(web));
        assertEquals("Instance " + web + " does not exist", error.getMessage());
    }

    /** The configuration as Declarative Services would pass it. */
    private static ExampleInstancePlugin.Config config(String name) {
        return new ExampleInstancePlugin.Config() {
            @Override
            public String infrakit_plugin_name() {
                return name;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ExampleInstancePlugin.Config.class;
            }
        };
    }
}
