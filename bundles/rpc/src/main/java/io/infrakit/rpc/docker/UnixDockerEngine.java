package io.infrakit.rpc.docker;

import com.fasterxml.jackson.databind.JsonNode;

import io.infrakit.rpc.client.UnixHttpClient;
import io.infrakit.rpc.server.SocketFiles;
import io.infrakit.rpc.wire.Json;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.docker.DockerException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The {@link DockerEngine} service: Docker Engine API calls over the engine's Unix socket, with the
 * transport of the plugin client (pooled keep-alive connections, caller-thread I/O, a deadline per call);
 * streamed answers ({@code /events}) on connections of their own, read by {@link EngineStream}.
 * Only {@code unix://} hosts: TCP and TLS engines are not supported.
 */
@Component(service = DockerEngine.class, configurationPid = UnixDockerEngine.PID)
@Designate(ocd = UnixDockerEngine.Config.class)
public final class UnixDockerEngine implements DockerEngine, AutoCloseable {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.rpc.docker";

    /** Configuration of the Docker Engine client. */
    @ObjectClassDefinition(name = "InfraKit Docker Engine client", description = "Calls to the Docker Engine API over its Unix socket.")
    public @interface Config {
        /** @return the timeout of one call */
        @AttributeDefinition(name = "Call timeout (ms)", description = "The longest one call to the Docker engine may take, connecting included.")
        long call_timeout_ms() default 10000;
    }

    private static final String SCHEME = "unix://";

    static final int MAX_SOCKET_PATH_BYTES = SocketFiles.MAX_PATH_BYTES;

    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    /** Idle connections are dropped after this; the engine itself keeps them open. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");

    private static final String CLOSED = "The Docker Engine client was closed (the infrakit rpc bundle stopped or was updated)";

    private final UnixHttpClient http = new UnixHttpClient("Docker engine", IDLE_TIMEOUT, MAX_RESPONSE_BYTES);
    private final Duration timeout;
    private final Set<EngineStream> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Creates the service (from DS).
     *
     * @param config its configuration
     */
    @Activate
    public UnixDockerEngine(Config config) {
        this(Duration.ofMillis(config.call_timeout_ms()));
    }

    /**
     * Creates a client (tests, tools).
     *
     * @param timeout the longest one call may take
     */
    public UnixDockerEngine(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the call timeout must be positive, not " + timeout);
        }
        this.timeout = timeout;
    }

    @Override
    public RawJson call(String host, String method, String path, RawJson body) throws DockerException {
        return call(host, method, path, body, timeout);
    }

    @Override
    public RawJson call(String host, String method, String path, RawJson body, Duration timeout) throws DockerException {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new DockerException(DockerException.NO_ANSWER, "The timeout of a Docker Engine API call must be positive, not " + timeout);
        }
        byte[] content = send(host, method, path, body == null ? null : body.json().getBytes(StandardCharsets.UTF_8), timeout);
        String text = new String(content, StandardCharsets.UTF_8);
        return text.isBlank() ? null : new RawJson(text);
    }

    @Override
    public byte[] bytes(String host, String method, String path) throws DockerException {
        return send(host, method, path, null, timeout);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each stream has a connection of its own (never pooled) and a daemon thread reading it, named
     * {@code docker-stream <path>}. Closing this service ends the streams still open, as failures, so that their
     * users can open them again on the service that replaces it.
     */
    @Override
    public Closeable stream(String host, String method, String path, Consumer<RawJson> each, Consumer<Throwable> ended) throws DockerException {
        Path socket = socketOf(host);
        if (!"GET".equals(method) && !"POST".equals(method)) {
            throw new DockerException(DockerException.NO_ANSWER, "Unsupported method for a streamed Docker Engine API call: " + method + " (use GET or POST)");
        }
        checkPath(path);
        Objects.requireNonNull(each, "each");
        Objects.requireNonNull(ended, "ended");
        if (closed) {
            throw new DockerException(DockerException.NO_ANSWER, "The Docker Engine client is closed");
        }
        EngineStream stream = EngineStream.open(socket, host, method, path, timeout, each, ended, streams::remove);
        streams.add(stream);
        if (closed) {
            // closed while it was opening: end it as close() would have
            stream.abort(new DockerException(DockerException.NO_ANSWER, CLOSED));
        }
        return stream;
    }

    /** Sends one request and returns the body of a success; errors become {@link DockerException}s. */
    private byte[] send(String host, String method, String path, byte[] body, Duration callTimeout) throws DockerException {
        Path socket = socketOf(host);
        if (method == null || !METHODS.contains(method)) {
            throw new DockerException(DockerException.NO_ANSWER, "Unsupported Docker Engine API method: " + method + " (use one of " + METHODS + ")");
        }
        checkPath(path);
        String call = method + " " + path;
        UnixHttpClient.Response response;
        try {
            response = http.send(socket, method, path, body, callTimeout);
        } catch (TimeoutException e) {
            throw new DockerException(DockerException.NO_ANSWER,
                    "The Docker engine at " + host + " did not answer " + call + " within " + callTimeout.toMillis() + " ms", e);
        } catch (InterruptedIOException | ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new DockerException(DockerException.NO_ANSWER, "Interrupted while calling the Docker engine at " + host, e);
        } catch (IOException e) {
            throw failure(host, call, e);
        }
        if (response.status() < 200 || response.status() > 299) {
            throw new DockerException(response.status(), errorMessage(response.status(), new String(response.content(), StandardCharsets.UTF_8)));
        }
        return response.content();
    }

    private static void checkPath(String path) throws DockerException {
        if (path == null || !path.startsWith("/") || !path.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new DockerException(DockerException.NO_ANSWER,
                    "Invalid Docker Engine API path: " + path + " (an absolute path with its query, URL-encoded, is required)");
        }
    }

    /**
     * The error of a call that got no answer: the engine could not be reached, or the exchange broke.
     *
     * @param host the engine's address
     * @param call the method and path, for the message
     * @param e what failed
     * @return the error
     */
    static DockerException failure(String host, String call, IOException e) {
        if (e instanceof ConnectException || e instanceof NoSuchFileException || e instanceof AccessDeniedException || isConnectFailure(e)) {
            return new DockerException(DockerException.NO_ANSWER, "Cannot connect to the Docker engine at " + host + ": " + reason(e), e);
        }
        return new DockerException(DockerException.NO_ANSWER, "Call " + call + " to the Docker engine at " + host + " failed: " + e.getMessage(), e);
    }

    /**
     * The socket of a {@code unix://} host.
     *
     * @param host the engine's address
     * @return its socket
     * @throws DockerException if the address is not an absolute {@code unix://} path of at most 106 bytes
     */
    static Path socketOf(String host) throws DockerException {
        if (host == null || !host.startsWith(SCHEME)) {
            throw new DockerException(DockerException.NO_ANSWER,
                    "Unsupported Docker host: " + host + " (only unix:///path/to/docker.sock is supported; TCP and TLS hosts are not)");
        }
        String path = host.substring(SCHEME.length());
        if (!path.startsWith("/")) {
            throw new DockerException(DockerException.NO_ANSWER, "Unsupported Docker host: " + host + " (the socket path must be absolute: unix:///path/to/docker.sock)");
        }
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new DockerException(DockerException.NO_ANSWER,
                    "The Docker socket path " + path + " is " + bytes + " bytes long; Unix socket paths may have at most " + MAX_SOCKET_PATH_BYTES
                            + " bytes here: use a shorter path (a symbolic link to the socket will do)");
        }
        try {
            return Path.of(path);
        } catch (RuntimeException e) {
            throw new DockerException(DockerException.NO_ANSWER, "Unsupported Docker host: " + host + " (" + e.getMessage() + ")", e);
        }
    }

    /** The engine's {@code message}, else the body as it is, else the bare status. */
    static String errorMessage(int status, String body) {
        try {
            JsonNode error = Json.mapper().readTree(body);
            if (error != null && error.path("message").isTextual()) {
                return error.get("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body is the message
        }
        String text = body.strip();
        return text.isEmpty() ? "The Docker engine answered HTTP " + status : text;
    }

    private static boolean isConnectFailure(IOException e) {
        String m = e.getMessage();
        return e instanceof java.net.SocketException && m != null && (m.contains("No such file") || m.contains("Connection refused")
                || m.contains("Permission denied"));
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such socket. Is the docker daemon running?";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        if (m != null && m.contains("No such file")) {
            return "no such socket. Is the docker daemon running?";
        }
        if (m != null && m.contains("Connection refused")) {
            return "connection refused. Is the docker daemon running?";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Closes the idle connections, and ends the open streams as failures. */
    @Deactivate
    @Override
    public void close() {
        closed = true;
        http.close();
        for (EngineStream stream : streams) {
            stream.abort(new DockerException(DockerException.NO_ANSWER, CLOSED));
        }
    }
}
