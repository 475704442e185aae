package io.infrakit.flavor.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.docker.DockerEngine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** What the two components share: the factory PID and how a flavor is built from a configuration. */
final class SwarmFlavorComponents {

    /** The factory PID: one plugin (both types) per configuration, {@code etc/io.infrakit.flavor.swarm-<name>.cfg}. */
    static final String PID = "io.infrakit.flavor.swarm";

    private SwarmFlavorComponents() {
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
        return new SwarmFlavor(role, SwarmFlavor.host(config.host(), System.getenv("DOCKER_HOST")), template, new SwarmApi(engine, json));
    }
}
