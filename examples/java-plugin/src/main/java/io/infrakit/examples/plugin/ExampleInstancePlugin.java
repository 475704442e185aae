package io.infrakit.examples.plugin;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The smallest useful InfraKit plugin: an Instance plugin whose instances are entries in memory.
 *
 * <p>That is all a plugin bundle needs:
 * <ul>
 * <li>implement an SPI interface of {@code io.infrakit.spi} (here {@link InstancePlugin});</li>
 * <li>register it as an OSGi service with the service property {@code infrakit.plugin.name}. InfraKit
 *     then serves it on the Unix socket {@code <plugins dir>/<name>} (JSON-RPC, as Go InfraKit plugins
 *     do), and groups find it by that name. Nothing else: no socket, HTTP or JSON code in the plugin.</li>
 * </ul>
 *
 * <p>Deploy it by dropping the jar into Karaf's {@code deploy/} folder, or with
 * {@code bundle:install -s file:/path/to/infrakit-example-plugin.jar}. With no configuration it is served
 * as {@code instance-example}. Every factory configuration of PID {@value #PID} (a file
 * {@code etc/io.infrakit.examples.plugin-<anything>.cfg} with {@code infrakit.plugin.name = <name>})
 * starts one more plugin under its own name, with instances of its own; once there is one, the
 * unconfigured default goes away.
 */
@Component(
        service = InstancePlugin.class,
        configurationPid = ExampleInstancePlugin.PID,
        // OPTIONAL: one plugin without any configuration (the default name below), or one per factory configuration.
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        // Immediate: a delayed component would be thrown away (with its in-memory instances) whenever
        // no one holds the service for a moment.
        immediate = true)
@Designate(ocd = ExampleInstancePlugin.Config.class, factory = true)
public final class ExampleInstancePlugin implements InstancePlugin {

    /** The configuration (factory) PID. */
    public static final String PID = "io.infrakit.examples.plugin";

    /**
     * The configuration. Its defaults are component properties, so {@code infrakit.plugin.name} is a
     * service property even when there is no configuration at all; a configuration overrides it.
     */
    @ObjectClassDefinition(name = "InfraKit example instance plugin", description = "Instances kept in memory.")
    public @interface Config {
        /** @return the plugin name: the name groups use ("Plugin": "...") and the socket's file name */
        @AttributeDefinition(name = "Plugin name")
        String infrakit_plugin_name() default "instance-example";
    }

    /** The instances, by ID. They live as long as this component: a restart forgets them. */
    private final Map<String, Description> instances = new ConcurrentHashMap<>();

    private final AtomicLong nextId = new AtomicLong(1);

    private final String name;

    /**
     * Called by Declarative Services with the configuration (or its defaults).
     *
     * @param config the configuration
     */
    @Activate
    public ExampleInstancePlugin(Config config) {
        this.name = config.infrakit_plugin_name();
    }

    @Override
    public void validate(RawJson properties) throws PluginException {
        // This plugin has no properties of its own: anything is accepted. Throw a PluginException with
        // a clear message to reject a group's "Instance.Properties" before anything is provisioned.
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        if (spec == null) {
            throw new PluginException("Nothing to provision: the spec is missing");
        }
        String id = name + "-" + nextId.getAndIncrement();
        instances.put(id, new Description(id, spec.logicalID(), spec.tags()));
        return id;
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        Description current = instances.get(instance);
        if (current == null) {
            // A PluginException reaches the caller as the JSON-RPC error message.
            throw new PluginException("Instance " + instance + " does not exist");
        }
        Map<String, String> tags = new TreeMap<>(current.tags() == null ? Map.of() : current.tags());
        tags.putAll(labels);
        instances.put(instance, new Description(instance, current.logicalID(), tags));
    }

    @Override
    public void destroy(String instance) throws PluginException {
        if (instances.remove(instance) == null) {
            throw new PluginException("Instance " + instance + " does not exist");
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        List<Description> found = new ArrayList<>();
        for (Description instance : instances.values()) {
            if (Tags.matches(instance.tags(), tags)) {
                found.add(instance);
            }
        }
        found.sort((a, b) -> a.id().compareTo(b.id()));
        return found;
    }
}
