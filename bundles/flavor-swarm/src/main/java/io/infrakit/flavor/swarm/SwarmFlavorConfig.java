package io.infrakit.flavor.swarm;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of one swarm flavor plugin (factory PID {@value SwarmFlavorComponents#PID}): each
 * configuration serves the two types {@code <name>/manager} and {@code <name>/worker}.
 */
@ObjectClassDefinition(name = "InfraKit Docker Swarm flavor",
        description = "Manager and worker nodes of a Docker swarm: join tokens from the engine, health from its node list.")
public @interface SwarmFlavorConfig {

    /** @return the plugin (socket) name */
    @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by (name/manager, name/worker), and its socket's name.")
    String infrakit_plugin_name() default "flavor-swarm";

    /** @return the engine's address */
    @AttributeDefinition(name = "Docker host", required = false,
            description = "The Docker engine's unix:// address (a swarm manager). Empty: $DOCKER_HOST when it is a unix:// address, "
                    + "else unix:///var/run/docker.sock. A group's Docker.Host overrides it.")
    String host() default "";

    /** @return the manager init script template file */
    @AttributeDefinition(name = "Manager init script template", required = false,
            description = "A file with the managers' init script template ({{NAME}} placeholders). Empty: the built-in one.")
    String manager_init_template() default "";

    /** @return the worker init script template file */
    @AttributeDefinition(name = "Worker init script template", required = false,
            description = "A file with the workers' init script template ({{NAME}} placeholders). Empty: the built-in one.")
    String worker_init_template() default "";
}
