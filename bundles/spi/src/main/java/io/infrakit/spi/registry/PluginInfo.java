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
 */
public record PluginInfo(String name, boolean local, List<InterfaceSpec> interfaces, List<String> types,
                         String socket, String error) {

    /**
     * Copies the lists.
     */
    public PluginInfo {
        Objects.requireNonNull(name, "name");
        interfaces = List.copyOf(interfaces);
        types = List.copyOf(types);
    }
}
