/**
 * Access to the Docker Engine API ({@link io.infrakit.spi.docker.DockerEngine}), for the Swarm manager
 * backend, the Swarm flavor and the Docker instance plugin. 0.3.0 adds calls with a timeout of their own, raw
 * answers and streamed answers.
 */
@Export
@Version("0.3.0")
package io.infrakit.spi.docker;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
