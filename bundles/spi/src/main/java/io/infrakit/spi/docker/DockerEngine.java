package io.infrakit.spi.docker;

import io.infrakit.spi.RawJson;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The Docker Engine API over its Unix socket, for plugins and backends that work with Docker Swarm.
 * Provided as an OSGi service by the rpc bundle (the only bundle that speaks HTTP), so its users need no
 * HTTP client of their own.
 */
@ProviderType
public interface DockerEngine {

    /** The engine's usual address. */
    String DEFAULT_HOST = "unix:///var/run/docker.sock";

    /** The scheme of the only addresses supported: Unix sockets. */
    String UNIX = "unix://";

    /**
     * The engine's address for a configuration: the configured one, else {@code $DOCKER_HOST} when it is a
     * Unix socket, else {@link #DEFAULT_HOST}.
     *
     * @param configured the configured address, or {@code null} or blank for none
     * @param dockerHost the value of {@code $DOCKER_HOST}, or {@code null}
     * @return the address, trimmed
     */
    static String host(String configured, String dockerHost) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        if (dockerHost != null && dockerHost.trim().startsWith(UNIX)) {
            return dockerHost.trim();
        }
        return DEFAULT_HOST;
    }

    /**
     * Sends one request and returns the answer.
     *
     * @param host the engine's address: {@code unix:///path/to/docker.sock}
     * @param method {@code GET}, {@code POST} or {@code DELETE}
     * @param path the request target with its query, for example {@code /v1.41/swarm/update?version=12}
     * @param body the JSON body, or {@code null} for none
     * @return the answer's JSON, or {@code null} when the answer has no body
     * @throws DockerException if the engine cannot be reached or answers with an error status
     */
    RawJson call(String host, String method, String path, RawJson body) throws DockerException;
}
