package io.infrakit.instance.docker;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.docker.DockerException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * What the engine checks of an instance's properties, asked of the engine itself so that its own words reach the
 * user: a container of the properties is created under a throw-away name ({@code <plugin>-validate-<random>},
 * labelled {@value ContainerLabels#PROBE} instead of the plugin's label, so it is never an instance), never
 * started, and removed at once. The engine refuses there an image reference, a port, a mount, a memory or CPU
 * limit it would refuse at Provision. An image it does not have is accepted unless the pull policy is
 * {@code Never} (Provision pulls it; nothing is pulled here). A network that is not a built-in mode must exist.
 */
final class EngineValidation {

    private static final Logger LOG = LoggerFactory.getLogger(EngineValidation.class);

    private final ContainerApi api;
    private final Images images;
    private final String plugin;
    private final String namePrefix;

    /**
     * @param api the engine
     * @param images the images, for the error of a missing one
     * @param plugin the plugin's name (the probe's label)
     * @param namePrefix the start of the probe's name
     */
    EngineValidation(ContainerApi api, Images images, String plugin, String namePrefix) {
        this.api = api;
        this.images = images;
        this.plugin = plugin;
        this.namePrefix = namePrefix;
    }

    /**
     * Has the engine check the properties.
     *
     * @param p the properties, their shape checked
     * @throws PluginException with the engine's words when it refuses them
     */
    void check(DockerProperties p) throws PluginException {
        String probe = namePrefix + "-validate-" + DockerInstancePlugin.random();
        try {
            api.create(probe, ContainerRequest.probe(p, plugin));
            try {
                api.remove(probe);
            } catch (PluginException e) {
                LOG.warn("Cannot remove the throw-away container {} of a validation: {}", probe, e.getMessage());
            }
        } catch (DockerException e) {
            if (e.status() == 404 && e.getMessage().toLowerCase(Locale.ROOT).startsWith("no such image")) {
                if (p.pullPolicy() == DockerProperties.PullPolicy.Never) {
                    throw images.missing(p.image());
                }
            } else {
                throw new PluginException(DockerProperties.KIND + ": the Docker engine at " + api.host() + " refuses these properties: " + e.getMessage(), e);
            }
        }
        if (p.network() != null && !isBuiltInMode(p.network())) {
            try {
                api.network(p.network());
            } catch (DockerException e) {
                throw new PluginException(DockerProperties.KIND + ": Properties.Network: " + e.getMessage(), e);
            }
        }
    }

    private static boolean isBuiltInMode(String network) {
        return network.equals("none") || network.equals("host") || network.equals("bridge") || network.equals("default") || network.startsWith("container:");
    }
}
