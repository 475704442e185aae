package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.CommonMessages.TypedOk;
import io.infrakit.rpc.wire.FlavorMessages.HealthyResponse;
import io.infrakit.rpc.wire.FlavorMessages.InstanceRequest;
import io.infrakit.rpc.wire.FlavorMessages.PrepareRequest;
import io.infrakit.rpc.wire.FlavorMessages.PrepareResponse;
import io.infrakit.rpc.wire.FlavorMessages.ValidateRequest;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.nio.file.Path;

/** {@link FlavorPlugin} over a socket. */
final class FlavorClient extends RemotePlugin implements FlavorPlugin {

    FlavorClient(RpcClient client, Path socket, String type) {
        super(client, socket, type, INTERFACE);
    }

    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        call("Flavor.Validate", new ValidateRequest(type, properties, allocation), TypedOk.class);
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
        InstanceSpec prepared = call("Flavor.Prepare", new PrepareRequest(type, properties, spec, allocation), PrepareResponse.class).spec();
        if (prepared == null) {
            throw new PluginException("Flavor plugin at " + socket + " prepared no spec");
        }
        return prepared;
    }

    @Override
    public Health healthy(RawJson properties, Description instance) throws PluginException {
        int code = call("Flavor.Healthy", new InstanceRequest(type, properties, instance), HealthyResponse.class).health();
        try {
            return Health.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new PluginException("Flavor plugin at " + socket + " answered an unknown health " + code, e);
        }
    }

    @Override
    public void drain(RawJson properties, Description instance) throws PluginException {
        call("Flavor.Drain", new InstanceRequest(type, properties, instance), TypedOk.class);
    }
}
