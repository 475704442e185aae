package io.infrakit.flavor.combo;

import io.infrakit.flavor.combo.ComboSpec.Indexed;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The combo flavor: applies several flavors to the same instances, in order. Properties:
 * {@code {"Flavors": [{"Plugin": "flavor-vanilla", "Properties": {...}}, ...]}}.
 *
 * <ul>
 * <li>Prepare: each part prepares the spec returned by the previous one; the answers are folded by
 * {@link SpecMerge} (init script: the original followed by each part's additions, each once; tags merged,
 * later parts winning).</li>
 * <li>Healthy: the worst of the parts (Unhealthy, then Unknown, then Healthy). The original always answered
 * Unknown, so rolling updates of a combo group never finished.</li>
 * <li>Drain: every part, in order; all are attempted and their errors reported together.</li>
 * </ul>
 * The parts are looked up by name through the {@link PluginRegistry} at each call, never kept. The
 * registry and the JSON codec (services of the rpc bundle) are dynamic, optional references: updating the
 * rpc bundle leaves this component as it is, and calls made while one is missing fail with a clear error.
 */
@Component(service = FlavorPlugin.class, configurationPid = ComboFlavorPlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ComboFlavorPlugin.Config.class, factory = true)
public final class ComboFlavorPlugin implements FlavorPlugin {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.flavor.combo-<name>.cfg}. */
    public static final String PID = "io.infrakit.flavor.combo";

    /** The plugin name when the configuration gives none. */
    public static final String DEFAULT_NAME = "flavor-combo";

    private static final Logger LOG = LoggerFactory.getLogger(ComboFlavorPlugin.class);

    /** Configuration of one combo flavor plugin. */
    @ObjectClassDefinition(name = "InfraKit combo flavor", description = "Combines several flavors, applied in order.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name. No part may name it.")
        String infrakit_plugin_name() default DEFAULT_NAME;
    }

    private final String name;
    private final JsonCodecReference json;
    private volatile PluginRegistry registry;

    /**
     * Creates the flavor (from DS; taking the configuration makes its defaults, the plugin name among
     * them, service properties). The registry and the JSON codec are bound by {@link #setRegistry} and
     * {@link #setJson}.
     *
     * @param config its configuration
     */
    @Activate
    public ComboFlavorPlugin(Config config) {
        this(config.infrakit_plugin_name(), null, null);
    }

    /**
     * Creates the flavor.
     *
     * @param name its own plugin name, which no part may name
     * @param registry where the parts are looked up, or {@code null} until {@link #setRegistry} is called
     * @param json the JSON codec, to read the properties, or {@code null} until {@link #setJson} is called
     */
    public ComboFlavorPlugin(String name, PluginRegistry registry, JsonCodec json) {
        this.name = name == null || name.isBlank() ? DEFAULT_NAME : name;
        this.registry = registry;
        this.json = new JsonCodecReference(json);
    }

    /**
     * Binds the registry; dynamic, so an updated rpc bundle does not restart the flavor.
     *
     * @param registry the registry
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setRegistry(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * Unbinds the registry if it is the one bound.
     *
     * @param registry the registry going away
     */
    void unsetRegistry(PluginRegistry registry) {
        if (this.registry == registry) {
            this.registry = null;
        }
    }

    /**
     * Binds the JSON codec (a service of the rpc bundle); dynamic, so updating the rpc bundle does not
     * restart this plugin.
     *
     * @param json the codec
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec json) {
        this.json.bind(json);
    }

    /**
     * Unbinds the JSON codec if it is the one bound.
     *
     * @param json the codec going away
     */
    void unsetJson(JsonCodec json) {
        this.json.unbind(json);
    }

    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        for (Indexed part : ComboSpec.parse(properties, json.get(), name, true)) {
            FlavorPlugin plugin = lookup(part);
            try {
                plugin.validate(part.part().properties(), allocation);
            } catch (PluginException | RuntimeException e) {
                throw failure(part, "", e);
            }
        }
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
        InstanceSpec current = spec;
        for (Indexed part : parts(properties)) {
            FlavorPlugin plugin = lookup(part);
            InstanceSpec answer;
            try {
                answer = plugin.prepare(part.part().properties(), current, allocation);
            } catch (PluginException | RuntimeException e) {
                throw failure(part, "Prepare failed: ", e);
            }
            if (answer == null) {
                throw new PluginException(part.label() + ": Prepare returned no spec");
            }
            current = SpecMerge.fold(current, answer);
        }
        return current;
    }

    @Override
    public Health healthy(RawJson properties, Description instance) throws PluginException {
        List<String> failures = new ArrayList<>();
        boolean unknown = false;
        for (Indexed part : parts(properties)) {
            FlavorPlugin plugin = find(part, failures);
            if (plugin == null) {
                continue;
            }
            Health health;
            try {
                health = plugin.healthy(part.part().properties(), instance);
            } catch (PluginException | RuntimeException e) {
                // keep asking the others: one of them saying Unhealthy settles it whatever this one would say
                failures.add(part.label() + ": " + message(e));
                continue;
            }
            if (health == Health.UNHEALTHY) {
                return Health.UNHEALTHY;
            }
            if (health == null) {
                failures.add(part.label() + ": Healthy returned no health");
            } else if (health == Health.UNKNOWN) {
                unknown = true;
            }
        }
        if (!failures.isEmpty()) {
            throw new PluginException("Health of " + instance.id() + " could not be determined: " + String.join("; ", failures));
        }
        return unknown ? Health.UNKNOWN : Health.HEALTHY;
    }

    @Override
    public void drain(RawJson properties, Description instance) throws PluginException {
        List<Indexed> parts = parts(properties);
        List<String> failures = new ArrayList<>();
        for (Indexed part : parts) {
            FlavorPlugin plugin = find(part, failures);
            if (plugin == null) {
                LOG.warn("Draining {} by {} skipped, the plugin is missing; draining by the other flavors goes on", instance.id(), part.label());
                continue;
            }
            try {
                plugin.drain(part.part().properties(), instance);
            } catch (PluginException | RuntimeException e) {
                LOG.warn("Draining {} by {} failed ({}); draining by the other flavors goes on", instance.id(), part.label(), message(e));
                failures.add(part.label() + ": " + message(e));
            }
        }
        if (!failures.isEmpty()) {
            throw new PluginException("Drain of " + instance.id() + " failed for " + failures.size() + " of " + parts.size()
                    + " flavors: " + String.join("; ", failures));
        }
    }

    private List<Indexed> parts(RawJson properties) throws PluginException {
        return ComboSpec.parse(properties, json.get(), name, false);
    }

    /**
     * Looks a part up for a call that goes on with the other parts when one is missing.
     *
     * @return the plugin, or {@code null} after recording why it cannot be found
     */
    private FlavorPlugin find(Indexed part, List<String> failures) {
        try {
            return lookup(part);
        } catch (PluginException e) {
            failures.add(e.getMessage());
            return null;
        }
    }

    private FlavorPlugin lookup(Indexed part) throws PluginException {
        PluginRegistry r = registry;
        if (r == null) {
            throw new PluginException("No plugin registry is available to find flavor plugin '" + part.part().plugin()
                    + "' (Flavors[" + part.index() + "])");
        }
        try {
            FlavorPlugin plugin = r.lookup(part.part().plugin(), FlavorPlugin.class);
            if (plugin == null) {
                throw new PluginNotFoundException("nothing answers to that name");
            }
            return plugin;
        } catch (PluginNotFoundException e) {
            throw new PluginException("Flavors[" + part.index() + "]: flavor plugin '" + part.part().plugin()
                    + "' not found: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PluginException("Flavors[" + part.index() + "]: flavor plugin '" + part.part().plugin()
                    + "' could not be looked up: " + message(e), e);
        }
    }

    private static PluginException failure(Indexed part, String what, Exception e) {
        String message = message(e);
        // a part's message may start with its own name, which the label has already said
        String name = part.part().plugin().split("/", 2)[0];
        if (message.startsWith(name + ": ")) {
            message = message.substring(name.length() + 2);
        }
        return new PluginException(part.label() + ": " + what + message, e);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
