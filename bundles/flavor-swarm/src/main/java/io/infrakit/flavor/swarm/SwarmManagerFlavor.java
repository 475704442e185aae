package io.infrakit.flavor.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.flavor.FlavorPlugin;

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
public final class SwarmManagerFlavor extends SwarmFlavorComponents {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DockerEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile JsonCodec json;

    /**
     * Creates the manager type from its configuration (DS).
     *
     * @param config the configuration
     */
    @Activate
    public SwarmManagerFlavor(SwarmFlavorConfig config) {
        super(SwarmFlavor.Role.MANAGER, config);
    }

    @Override
    DockerEngine engine() {
        return engine;
    }

    @Override
    JsonCodec json() {
        return json;
    }
}
