/**
 * Access to the Docker Engine API ({@link io.infrakit.spi.docker.DockerEngine}), for the Swarm manager
 * backend and the Swarm flavor.
 */
@Export
@Version("0.2.0")
package io.infrakit.spi.docker;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
