package io.infrakit.shell;

import io.infrakit.spi.PluginName;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A registry over plugins held in a map, answering lookups as the real one does. */
final class FakeRegistry implements PluginRegistry {

    final Map<String, Object> plugins = new LinkedHashMap<>();
    final List<PluginInfo> infos = new ArrayList<>();
    final List<String> lookups = new ArrayList<>();

    FakeRegistry with(String name, Object plugin) {
        plugins.put(name, plugin);
        return this;
    }

    @Override
    public <T> T lookup(String name, Class<T> spi) throws PluginNotFoundException {
        PluginName.parse(name); // throws IllegalArgumentException for an invalid name, as the real registry does
        lookups.add(name);
        Object plugin = plugins.get(name);
        if (plugin == null) {
            throw new PluginNotFoundException("Plugin not found: " + name + " (looked up using local services and /tmp/plugins/" + name + ")");
        }
        if (!spi.isInstance(plugin)) {
            throw new PluginNotFoundException("Plugin " + name + " does not implement " + spi.getSimpleName());
        }
        return spi.cast(plugin);
    }

    @Override
    public List<PluginInfo> plugins() {
        return List.copyOf(infos);
    }
}
