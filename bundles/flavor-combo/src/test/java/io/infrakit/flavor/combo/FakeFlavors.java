package io.infrakit.flavor.combo;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A registry of fake flavors that record every call made to them, in order. */
final class FakeFlavors implements PluginRegistry {

    /** Prepare of a fake. */
    interface Prepare {
        InstanceSpec apply(RawJson properties, InstanceSpec spec) throws PluginException;
    }

    /** Healthy of a fake. */
    interface Healthy {
        Health apply(Description instance) throws PluginException;
    }

    /** Validate or Drain of a fake. */
    interface Check {
        void apply(RawJson properties) throws PluginException;
    }

    final Map<String, FlavorPlugin> plugins = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> lookups = Collections.synchronizedList(new ArrayList<>());

    /** Adds a fake under a name; the parts left {@code null} do nothing, and Healthy answers Healthy. */
    FakeFlavors add(String name, Check validate, Prepare prepare, Healthy healthy, Check drain) {
        plugins.put(name, new FlavorPlugin() {
            @Override
            public void validate(RawJson properties, Allocation allocation) throws PluginException {
                calls.add(name + ".validate " + properties + " " + allocation.size());
                if (validate != null) {
                    validate.apply(properties);
                }
            }

            @Override
            public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
                calls.add(name + ".prepare " + spec.init().replace("\n", "|"));
                return prepare == null ? spec : prepare.apply(properties, spec);
            }

            @Override
            public Health healthy(RawJson properties, Description instance) throws PluginException {
                calls.add(name + ".healthy " + instance.id());
                return healthy == null ? Health.HEALTHY : healthy.apply(instance);
            }

            @Override
            public void drain(RawJson properties, Description instance) throws PluginException {
                calls.add(name + ".drain " + instance.id() + " " + properties);
                if (drain != null) {
                    drain.apply(properties);
                }
            }
        });
        return this;
    }

    /** Adds a fake answering a fixed health. */
    FakeFlavors health(String name, Health health) {
        return add(name, null, null, i -> health, null);
    }

    @Override
    public <T> T lookup(String name, Class<T> spi) throws PluginNotFoundException {
        lookups.add(name);
        FlavorPlugin p = plugins.get(name);
        if (p == null) {
            throw new PluginNotFoundException("No plugin named " + name + " (no service, no socket)");
        }
        return spi.cast(p);
    }

    @Override
    public List<PluginInfo> plugins() {
        return List.of();
    }
}
