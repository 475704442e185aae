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

/**
 * The swarm flavor's worker type, {@code <name>/worker} ({@code flavor-swarm/worker}): one of the two
 * components every configuration of {@value SwarmFlavorComponents#PID} starts. The Docker Engine and JSON
 * services are optional and dynamic: without them calls fail with a clear message, and they are picked
 * up when they come back.
 */
@Component(service = FlavorPlugin.class, configurationPid = SwarmFlavorComponents.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = PluginName.TYPE_SERVICE_PROPERTY + "=worker")
// its configuration is designated (metatype) by SwarmManagerFlavor: the same factory PID
public final class SwarmWorkerFlavor extends SwarmFlavorComponents {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DockerEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile JsonCodec json;

    /**
     * Creates the worker type from its configuration (DS).
     *
     * @param config the configuration
     */
    @Activate
    public SwarmWorkerFlavor(SwarmFlavorConfig config) {
        super(SwarmFlavor.Role.WORKER, config);
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
