package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An instance plugin keeping descriptions in memory and recording what it was given. */
final class FakeInstancePlugin implements InstancePlugin {

    final Map<String, Description> instances = new LinkedHashMap<>();
    final List<Object> received = new ArrayList<>();

    @Override
    public void validate(RawJson properties) throws PluginException {
        received.add(properties);
        if (properties == null || !properties.json().startsWith("{")) {
            throw new PluginException("Properties must be a JSON object");
        }
    }

    @Override
    public String provision(InstanceSpec spec) {
        received.add(spec);
        String id = "instance-" + (instances.size() + 1);
        instances.put(id, new Description(id, spec.logicalID(), spec.tags()));
        return id;
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        received.add(labels);
        if (!instances.containsKey(instance)) {
            throw new PluginException("No such instance: " + instance);
        }
    }

    @Override
    public void destroy(String instance) throws PluginException {
        if (instances.remove(instance) == null) {
            throw new PluginException("No such instance: " + instance);
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) {
        received.add(tags);
        return instances.values().stream().filter(d -> Tags.matches(d.tags(), tags)).toList();
    }
}
