package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.CommonMessages.TypedOk;
import io.infrakit.rpc.wire.InstanceMessages.DescribeInstancesRequest;
import io.infrakit.rpc.wire.InstanceMessages.DescribeInstancesResponse;
import io.infrakit.rpc.wire.InstanceMessages.DestroyRequest;
import io.infrakit.rpc.wire.InstanceMessages.LabelRequest;
import io.infrakit.rpc.wire.InstanceMessages.ProvisionRequest;
import io.infrakit.rpc.wire.InstanceMessages.ProvisionResponse;
import io.infrakit.rpc.wire.InstanceMessages.ValidateRequest;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@link InstancePlugin} over a socket. */
final class InstanceClient extends RemotePlugin implements InstancePlugin {

    InstanceClient(RpcClient client, Path socket, String type) {
        super(client, socket, type, INTERFACE);
    }

    @Override
    public void validate(RawJson properties) throws PluginException {
        call("Instance.Validate", new ValidateRequest(type, properties), TypedOk.class);
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        return call("Instance.Provision", new ProvisionRequest(type, spec), ProvisionResponse.class).id();
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        call("Instance.Label", new LabelRequest(type, instance, labels), TypedOk.class);
    }

    @Override
    public void destroy(String instance) throws PluginException {
        call("Instance.Destroy", new DestroyRequest(type, instance), TypedOk.class);
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        List<Description> found = call("Instance.DescribeInstances", new DescribeInstancesRequest(type, tags),
                DescribeInstancesResponse.class).descriptions();
        return found == null ? List.of() : found;
    }
}
