package io.infrakit.flavor.vanilla;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The vanilla flavor: appends the group's {@code Init} lines to the instance's init script and merges the
 * group's {@code Tags} into the instance's tags. Every instance is healthy; draining does nothing.
 * Properties: {@code {"Init": ["line", ...], "Tags": {"k": "v"}}}.
 *
 * <p>The JSON codec (a service of the rpc bundle) is a dynamic, optional reference: updating the rpc
 * bundle leaves this component as it is, and calls made while no codec is there fail with a clear error.
 */
@Component(service = FlavorPlugin.class, configurationPid = VanillaFlavorPlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = VanillaFlavorPlugin.Config.class, factory = true)
public final class VanillaFlavorPlugin implements FlavorPlugin {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.flavor.vanilla-<name>.cfg}. */
    public static final String PID = "io.infrakit.flavor.vanilla";

    /** The plugin's kind, which its messages about properties start with. */
    static final String KIND = "flavor-vanilla";

    /** Configuration of one vanilla flavor plugin. */
    @ObjectClassDefinition(name = "InfraKit vanilla flavor", description = "Init script lines and tags from the group's properties.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "flavor-vanilla";
    }

    /** The flavor's properties. @param init lines to append to the init script @param tags tags to add */
    record Spec(List<String> init, Map<String, String> tags) {
    }

    private final JsonCodecReference json;

    /**
     * Creates the flavor (from DS; taking the configuration makes its defaults, the plugin name among
     * them, service properties). The JSON codec is bound by {@link #setJson}.
     *
     * @param config its configuration
     */
    @Activate
    public VanillaFlavorPlugin(Config config) {
        this((JsonCodec) null);
    }

    /**
     * Creates the flavor with its codec given (tests, tools).
     *
     * @param json the JSON codec, to read the properties
     */
    public VanillaFlavorPlugin(JsonCodec json) {
        this.json = new JsonCodecReference(json);
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

    private Spec spec(RawJson properties) throws PluginException {
        Spec spec = json.get().decode(properties, Spec.class);
        return spec == null ? new Spec(null, null) : spec;
    }

    /**
     * Checks the properties strictly: an unknown key (a typo such as {@code Inti}) is refused with the key most
     * likely meant, a value of the wrong type with its JSON path. Prepare reads them leniently, so that a group
     * committed before this check existed still converges.
     */
    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        JsonCodec codec = json.get();
        try {
            codec.decodeStrict(properties, Spec.class, "Properties");
        } catch (PluginException e) {
            throw new PluginException(KIND + ": " + e.getMessage());
        }
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec instance, Allocation allocation) throws PluginException {
        Spec spec = spec(properties);
        List<String> lines = new ArrayList<>();
        if (!instance.init().isEmpty()) {
            lines.add(instance.init());
        }
        if (spec.init() != null) {
            lines.addAll(spec.init());
        }
        Map<String, String> tags = new TreeMap<>(instance.tags() == null ? Map.of() : instance.tags());
        if (spec.tags() != null) {
            tags.putAll(spec.tags());
        }
        return instance.withInit(String.join("\n", lines)).withTags(tags);
    }

    @Override
    public Health healthy(RawJson properties, Description instance) {
        return Health.HEALTHY;
    }

    @Override
    public void drain(RawJson properties, Description instance) {
        // nothing runs on a vanilla instance that needs to be taken away first
    }
}
