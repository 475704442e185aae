package io.infrakit.flavor.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What the two components (manager and worker type) share: the factory PID, how a flavor is built from a
 * configuration, and the calls, all handed to that flavor. Each component keeps its own DS references to
 * the Docker Engine and JSON services (DS annotations are not inherited) and gives them through
 * {@link #engine()} and {@link #json()}.
 */
abstract class SwarmFlavorComponents implements FlavorPlugin {

    /** The factory PID: one plugin (both types) per configuration, {@code etc/io.infrakit.flavor.swarm-<name>.cfg}. */
    static final String PID = "io.infrakit.flavor.swarm";

    private final SwarmFlavor flavor;

    /**
     * Builds the flavor of a type.
     *
     * @param role the type
     * @param config the configuration
     */
    SwarmFlavorComponents(SwarmFlavor.Role role, SwarmFlavorConfig config) {
        this.flavor = flavor(role, config, this::engine, this::json);
    }

    /** @return the Docker Engine service now, or {@code null} */
    abstract DockerEngine engine();

    /** @return the JSON codec service now, or {@code null} */
    abstract JsonCodec json();

    @Override
    public final void validate(RawJson properties, Allocation allocation) throws PluginException {
        flavor.validate(properties, allocation);
    }

    @Override
    public final InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
        return flavor.prepare(properties, spec, allocation);
    }

    @Override
    public final Health healthy(RawJson properties, Description instance) throws PluginException {
        return flavor.healthy(properties, instance);
    }

    @Override
    public final void drain(RawJson properties, Description instance) throws PluginException {
        flavor.drain(properties, instance);
    }

    static SwarmFlavor flavor(SwarmFlavor.Role role, SwarmFlavorConfig config, Supplier<DockerEngine> engine, Supplier<JsonCodec> json) {
        String file = role == SwarmFlavor.Role.MANAGER ? config.manager_init_template() : config.worker_init_template();
        String template = null;
        if (file != null && !file.isBlank()) {
            String key = role == SwarmFlavor.Role.MANAGER ? "manager.init.template" : "worker.init.template";
            try {
                template = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8);
                new InitScript(template);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " " + file + " of " + PID + ": " + e.getMessage(), e);
            }
        }
        return new SwarmFlavor(role, DockerEngine.host(config.host(), System.getenv("DOCKER_HOST")), template, new SwarmApi(engine, json));
    }
}
