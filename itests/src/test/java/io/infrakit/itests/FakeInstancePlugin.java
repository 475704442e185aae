package io.infrakit.itests;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.List;
import java.util.Map;

/** An instance plugin that lists a fixed set of instances, filtered by tags like a real one. */
final class FakeInstancePlugin implements InstancePlugin {

    private final List<Description> instances;

    FakeInstancePlugin(List<Description> instances) {
        this.instances = List.copyOf(instances);
    }

    @Override
    public void validate(RawJson properties) {
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        throw new PluginException("provision is not supported by this fake");
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        throw new PluginException("label is not supported by this fake");
    }

    @Override
    public void destroy(String instance) throws PluginException {
        throw new PluginException("destroy is not supported by this fake");
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) {
        return instances.stream().filter(d -> Tags.matches(d.tags(), tags)).toList();
    }
}
