package io.infrakit.spi.docker;

import io.infrakit.spi.RawJson;

import org.osgi.annotation.versioning.ProviderType;

import java.io.Closeable;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The Docker Engine API over its Unix socket, for plugins and backends that work with Docker: the Swarm
 * manager backend and flavor, the Docker instance plugin. Provided as an OSGi service by the rpc bundle (the
 * only bundle that speaks HTTP), so its users need no HTTP client of their own.
 *
 * <p>Four ways to call: {@link #call} for a JSON answer within the service's call timeout, the same with a
 * timeout of the caller's ({@code POST /containers/{id}/stop?t=30} takes as long as the container takes to
 * stop), {@link #bytes} for an answer that is not JSON (the multiplexed log stream of
 * {@code /containers/{id}/logs}), and {@link #stream} for an answer that never ends or ends late, read value by
 * value as it comes ({@code /events}, {@code POST /images/create}). The last three are default methods since
 * 0.3.0, so that implementations written before them (test fakes) still compile.
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

    /**
     * Sends one request with a timeout of its own, for calls that may take longer than the service's call
     * timeout (stopping a container with a grace period). The default implementation ignores the timeout.
     *
     * @param host the engine's address: {@code unix:///path/to/docker.sock}
     * @param method {@code GET}, {@code POST} or {@code DELETE}
     * @param path the request target with its query
     * @param body the JSON body, or {@code null} for none
     * @param timeout the longest the call may take, connecting included
     * @return the answer's JSON, or {@code null} when the answer has no body
     * @throws DockerException if the engine cannot be reached, does not answer in time or answers with an error status
     * @since 0.3.0
     */
    default RawJson call(String host, String method, String path, RawJson body, Duration timeout) throws DockerException {
        return call(host, method, path, body);
    }

    /**
     * Sends one request and returns the answer's body as the bytes it is, for answers that are not JSON:
     * {@code GET /containers/{id}/logs} answers a multiplexed stream of frames (an 8-byte header each) for a
     * container without a TTY. An error status is reported as by {@link #call}, with the engine's message.
     *
     * @param host the engine's address
     * @param method {@code GET}, {@code POST} or {@code DELETE}
     * @param path the request target with its query
     * @return the body, empty when there is none
     * @throws DockerException if the engine cannot be reached or answers with an error status; the default
     *     implementation always throws it
     * @since 0.3.0
     */
    default byte[] bytes(String host, String method, String path) throws DockerException {
        throw new DockerException(DockerException.NO_ANSWER, getClass().getName() + " cannot read raw answers of the Docker engine");
    }

    /**
     * Sends one request whose answer is a stream of JSON values (one per line, as the engine writes them:
     * {@code GET /events}, the progress of {@code POST /images/create}) and hands each value over as it comes.
     * Returns once the engine has answered with a success status (within the service's call timeout), so that
     * every event after that moment is delivered; the values are then read on a thread of the service's.
     *
     * <p>{@code ended} is called once when the answer ends by itself: with {@code null} at its normal end, with
     * the failure when the connection breaks or the answer is not valid. It is not called after {@link
     * Closeable#close()} of the returned handle, which ends the request (at once, from any thread). An
     * exception thrown by {@code each} ends the stream as a failure.
     *
     * @param host the engine's address
     * @param method {@code GET} or {@code POST}
     * @param path the request target with its query
     * @param each called with each value of the answer, in order, on one thread
     * @param ended called once at the end of the answer, with {@code null} or the failure
     * @return the handle that ends the request
     * @throws DockerException if the engine cannot be reached, does not answer in time or answers with an error
     *     status (the engine's message); the default implementation always throws it
     * @since 0.3.0
     */
    default Closeable stream(String host, String method, String path, Consumer<RawJson> each, Consumer<Throwable> ended) throws DockerException {
        throw new DockerException(DockerException.NO_ANSWER, getClass().getName() + " cannot stream answers of the Docker engine");
    }
}
