package io.infrakit.flavor.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
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
import org.osgi.service.metatype.annotations.Designate;

/**
 * The swarm flavor's manager type, {@code <name>/manager} ({@code flavor-swarm/manager}): one of the two
 * components every configuration of {@value SwarmFlavorComponents#PID} starts. The Docker Engine and JSON
 * services are optional and dynamic: without them calls fail with a clear message, and they are picked
 * up when they come back.
 */
@Component(service = FlavorPlugin.class, configurationPid = SwarmFlavorComponents.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = PluginName.TYPE_SERVICE_PROPERTY + "=manager")
@Designate(ocd = SwarmFlavorConfig.class, factory = true)
public final class SwarmManagerFlavor implements FlavorPlugin {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DockerEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile JsonCodec json;

    private final SwarmFlavor flavor;

    /**
     * Creates the manager type from its configuration (DS).
     *
     * @param config the configuration
     */
    @Activate
    public SwarmManagerFlavor(SwarmFlavorConfig config) {
        this.flavor = SwarmFlavorComponents.flavor(SwarmFlavor.Role.MANAGER, config, () -> engine, () -> json);
    }

    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        flavor.validate(properties, allocation);
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
        return flavor.prepare(properties, spec, allocation);
    }

    @Override
    public Health healthy(RawJson properties, Description instance) throws PluginException {
        return flavor.healthy(properties, instance);
    }

    @Override
    public void drain(RawJson properties, Description instance) throws PluginException {
        flavor.drain(properties, instance);
    }
}
