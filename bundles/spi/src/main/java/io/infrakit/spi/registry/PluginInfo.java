package io.infrakit.spi.registry;

import io.infrakit.spi.InterfaceSpec;

import java.util.List;
import java.util.Objects;

/**
 * One plugin known to the registry.
 *
 * @param name the plugin name (the socket name)
 * @param local {@code true} for a service in this framework, {@code false} for a plugin reached only
 *     through its socket (another process, perhaps another language)
 * @param interfaces the interfaces it implements, with their versions
 * @param types the sub-types it serves ({@code name/type}), empty when only the plain name is served
 * @param socket the socket path, or {@code null} when the plugin has no socket (yet)
 * @param error why the interfaces could not be determined, or {@code null}
 * @param bundle the bundle that provides a local plugin, as {@code symbolic-name/version}, or {@code null} for a
 *     plugin reached only through its socket
 * @since 0.2.0 for {@code bundle}
 */
public record PluginInfo(String name, boolean local, List<InterfaceSpec> interfaces, List<String> types,
                         String socket, String error, String bundle) {

    /**
     * A plugin whose bundle is not known (as in 0.1.0).
     *
     * @param name the plugin name
     * @param local whether it is a local service
     * @param interfaces its interfaces
     * @param types its sub-types
     * @param socket its socket, or {@code null}
     * @param error why the interfaces are not known, or {@code null}
     */
    public PluginInfo(String name, boolean local, List<InterfaceSpec> interfaces, List<String> types, String socket, String error) {
        this(name, local, interfaces, types, socket, error, null);
    }

    /**
     * Copies the lists.
     */
    public PluginInfo {
        Objects.requireNonNull(name, "name");
        interfaces = List.copyOf(interfaces);
        types = List.copyOf(types);
    }
}
