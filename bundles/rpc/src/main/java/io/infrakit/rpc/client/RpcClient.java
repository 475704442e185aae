package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.CommonMessages.Empty;
import io.infrakit.rpc.wire.CommonMessages.ImplementsResponse;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.JsonRpc;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC 2.0 client for plugin sockets, interoperable with the Go InfraKit plugins. Thread-safe and
 * meant to be shared: it keeps one pool of keep-alive connections per socket. Every call has a timeout;
 * a call to a socket that is momentarily absent or refusing connections (a plugin restarting) is retried
 * for a short, bounded time before it fails, which is safe because nothing was sent.
 */
public final class RpcClient implements AutoCloseable {

    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    /** Idle connections are given up before a server's idle timeout (30 s by default) can close one under a request. */
    private static final long IDLE_TIMEOUT_MILLIS = 20_000;

    private static final JsonRpc.ValueReader<ImplementsResponse> IMPLEMENTS = Json.valueReader(ImplementsResponse.class);

    private final ConnectionPool connections = new ConnectionPool(IDLE_TIMEOUT_MILLIS, MAX_RESPONSE_BYTES);
    private final long callTimeoutMillis;
    private final long retryWindowNanos;
    private final AtomicLong ids = new AtomicLong(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2));

    /**
     * Creates a client that retries an absent socket for up to two seconds.
     *
     * @param callTimeout the longest a call may take
     */
    public RpcClient(Duration callTimeout) {
        this(callTimeout, Duration.ofSeconds(2));
    }

    /**
     * Creates a client.
     *
     * @param callTimeout the longest a call may take
     * @param retryWindow how long to keep retrying a socket that is absent or refuses connections
     */
    public RpcClient(Duration callTimeout, Duration retryWindow) {
        this.callTimeoutMillis = callTimeout.toMillis();
        this.retryWindowNanos = retryWindow.toNanos();
    }

    /**
     * A proxy that implements a plugin interface by calling a socket. The socket is handshaken at the
     * first call (and again after a failed handshake); a plugin that does not implement the interface in
     * the exact version fails every call with a clear error.
     *
     * @param <T> the plugin interface
     * @param socket the plugin's socket
     * @param type the sub-type ({@code name/type}), {@code ""} for none
     * @param spi the plugin interface class
     * @return the proxy
     */
    public <T> T connect(Path socket, String type, Class<T> spi) {
        Objects.requireNonNull(socket, "socket");
        String t = type == null ? "" : type;
        Object proxy = switch (Spi.of(spi)) {
            case INSTANCE -> new InstanceClient(this, socket, t);
            case INSTANCE_CHANGES -> new InstanceChangesClient(this, socket);
            case FLAVOR -> new FlavorClient(this, socket, t);
            case GROUP -> new GroupClient(this, socket);
            case MANAGER -> new ManagerClient(this, socket);
            case GROUP_CONTROL -> new GroupControlClient(this, socket);
        };
        return spi.cast(proxy);
    }

    /**
     * Asks a plugin which interfaces it implements ({@code Handshake.Implements}, falling back to
     * {@code Plugin.Implements} for plugins of early 2017).
     *
     * @param socket the plugin's socket
     * @return the interfaces and their versions
     * @throws PluginException if the plugin cannot be reached or answers with an error
     */
    public List<InterfaceSpec> handshake(Path socket) throws PluginException {
        return handshake(socket, callTimeoutMillis);
    }

    /**
     * Asks a plugin which interfaces it implements, with a timeout of its own (for listings, where one
     * hung plugin must not hold up the rest).
     *
     * @param socket the plugin's socket
     * @param timeout the longest the handshake may take
     * @return the interfaces and their versions
     * @throws PluginException if the plugin cannot be reached or answers with an error
     */
    public List<InterfaceSpec> handshake(Path socket, Duration timeout) throws PluginException {
        return handshake(socket, Math.min(timeout.toMillis(), callTimeoutMillis));
    }

    private List<InterfaceSpec> handshake(Path socket, long timeoutMillis) throws PluginException {
        ImplementsResponse response;
        try {
            response = exchange(socket, "Handshake.Implements", new Empty(), IMPLEMENTS, timeoutMillis);
        } catch (PluginException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("rpc: can't find service")) {
                throw e;
            }
            response = exchange(socket, "Plugin.Implements", new Empty(), IMPLEMENTS, timeoutMillis);
        }
        return response.specs();
    }

    /**
     * Calls a method with params given as JSON text.
     *
     * @param socket the plugin's socket
     * @param method {@code Service.Method}
     * @param paramsJson the params as JSON text ({@code {}} when there are none)
     * @return the {@code result} as JSON text
     * @throws PluginException if the call fails or the plugin answers with an error
     */
    public String call(Path socket, String method, String paramsJson) throws PluginException {
        byte[] result = exchange(socket, method, new JsonRpc.RawParams(paramsJson == null || paramsJson.isBlank() ? "{}" : paramsJson),
                JsonRpc.RAW, callTimeoutMillis);
        return new String(result, StandardCharsets.UTF_8);
    }

    <R> R call(Path socket, String method, Object params, JsonRpc.ValueReader<R> resultReader) throws PluginException {
        return exchange(socket, method, params, resultReader, callTimeoutMillis);
    }

    /** As {@link #call(Path, String, Object, JsonRpc.ValueReader)} for a call the server may hold for {@code heldMillis} (a long poll). */
    <R> R call(Path socket, String method, Object params, JsonRpc.ValueReader<R> resultReader, long heldMillis) throws PluginException {
        return exchange(socket, method, params, resultReader, callTimeoutMillis + heldMillis);
    }

    private <R> R exchange(Path socket, String method, Object params, JsonRpc.ValueReader<R> resultReader, long timeoutMillis)
            throws PluginException {
        byte[] body = send(socket, JsonRpc.request(method, params, ids.incrementAndGet()), timeoutMillis);
        JsonRpc.Response<R> response;
        try {
            response = JsonRpc.parseResponse(body, resultReader);
        } catch (JsonRpc.ResultException e) {
            throw new PluginException("Plugin at " + socket + " answered " + method + " with an unreadable result: " + Json.describe(e.getCause()), e);
        } catch (IOException e) {
            throw new PluginException("Plugin at " + socket + " answered " + method + " with something that is not JSON-RPC: " + Json.describe(e), e);
        }
        if (response.error() != null) {
            throw new PluginException(response.error().message());
        }
        if (response.result() == null) {
            throw new PluginException("result is null");
        }
        return response.result();
    }

    private byte[] send(Path socket, byte[] body, long timeoutMillis) throws PluginException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long backoffMillis = 5;
        while (true) {
            SocketConnection connection;
            try {
                connection = connections.acquire(socket);
            } catch (IOException e) {
                long elapsed = System.nanoTime() - start;
                if (isAbsent(e) && elapsed + TimeUnit.MILLISECONDS.toNanos(backoffMillis) < Math.min(retryWindowNanos, TimeUnit.MILLISECONDS.toNanos(timeoutMillis))) {
                    pause(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 200);
                    continue;
                }
                if (isAbsent(e)) {
                    throw new PluginException("No plugin is listening on " + socket + " (" + e.getMessage() + ")", e);
                }
                throw new PluginException("Call to plugin at " + socket + " failed: " + e, e);
            }
            SocketConnection.Response response;
            try {
                response = connection.exchange(body, deadline);
            } catch (TimeoutException e) {
                throw new PluginException("Plugin at " + socket + " did not answer within " + timeoutMillis + " ms", e);
            } catch (InterruptedIOException | ClosedByInterruptException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("Interrupted while calling plugin at " + socket, e);
            } catch (IOException e) {
                throw new PluginException("Call to plugin at " + socket + " failed: " + e.getMessage(), e);
            }
            connections.release(connection);
            if (response.status() != 200) {
                throw new PluginException("Plugin at " + socket + " answered HTTP " + response.status() + ": "
                        + new String(response.content(), StandardCharsets.UTF_8).strip());
            }
            return response.content();
        }
    }

    /** A failure to connect: the socket file is missing or nothing accepts on it. Nothing was sent. */
    private static boolean isAbsent(Throwable cause) {
        if (cause instanceof ConnectException || cause instanceof NoSuchFileException) {
            return true;
        }
        if (cause instanceof SocketException && cause.getMessage() != null) {
            String m = cause.getMessage();
            return m.contains("No such file") || m.contains("Connection refused");
        }
        return false;
    }

    private static void pause(long millis) throws PluginException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for a plugin socket", e);
        }
    }

    /** Stops the client and closes its connections. */
    @Override
    public void close() {
        connections.close();
    }
}
