package io.infrakit.spi.registry;

import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/**
 * Looks plugins up by name. A local OSGi service registered with the plugin name wins; otherwise a socket
 * of that name in the plugins directory is called over JSON-RPC. Callers cannot tell which, and should
 * look a plugin up at each use rather than keep the returned object, so that a replaced or upgraded
 * plugin is picked up at the next call.
 */
@ProviderType
public interface PluginRegistry {

    /**
     * Finds a plugin.
     *
     * @param <T> the plugin interface
     * @param name {@code name} or {@code name/type}
     * @param spi the plugin interface: {@code InstancePlugin}, {@code FlavorPlugin}, {@code GroupPlugin} or {@code Manager}
     * @return the plugin
     * @throws PluginNotFoundException if nothing answers to the name with that interface
     * @throws IllegalArgumentException if the name is not a valid plugin name or the interface is not a plugin interface
     */
    <T> T lookup(String name, Class<T> spi) throws PluginNotFoundException;

    /**
     * Lists every plugin: the local services and the sockets in the plugins directory.
     *
     * @return the plugins, sorted by name
     */
    List<PluginInfo> plugins();
}
