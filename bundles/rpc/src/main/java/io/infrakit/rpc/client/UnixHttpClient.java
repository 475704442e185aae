package io.infrakit.rpc.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Plain HTTP/1.1 calls over Unix sockets, for daemons' APIs other than the plugins' JSON-RPC (the
 * Docker Engine's). Thread-safe and meant to be shared: keep-alive connections are pooled per socket,
 * and each call runs on the caller's thread within its deadline, with the same transport as
 * {@link RpcClient}.
 */
public final class UnixHttpClient implements AutoCloseable {

    /**
     * A complete answer.
     *
     * @param status the HTTP status
     * @param content the body (empty when there is none); not copied, so do not change it
     */
    public record Response(int status, byte[] content) {

        /**
         * Checks the body is there.
         *
         * @throws NullPointerException if {@code content} is {@code null}
         */
        public Response {
            Objects.requireNonNull(content, "content");
        }
    }

    private final ConnectionPool connections;

    /**
     * Creates a client.
     *
     * @param peer what the servers are called in error messages ({@code Docker engine})
     * @param idleTimeout how long an idle connection may be kept for the next call
     * @param maxResponseBytes the largest answer accepted
     */
    public UnixHttpClient(String peer, Duration idleTimeout, int maxResponseBytes) {
        this.connections = new ConnectionPool(idleTimeout.toMillis(), maxResponseBytes, Objects.requireNonNull(peer, "peer"));
    }

    /**
     * Sends one request and reads its whole answer. A {@code GET} or {@code DELETE} that fails on a kept-alive
     * connection (the server dropped it as the request went out) is sent once more on a new connection.
     *
     * @param socket the server's socket
     * @param method the method in capitals: {@code GET}, {@code POST}, {@code PUT}, {@code DELETE}... (not {@code HEAD})
     * @param target the request target: an absolute path with its query, already encoded
     * @param jsonBody the body, sent as {@code application/json}, or {@code null} for none
     * @param timeout the longest the call may take, connecting included
     * @return the answer, whatever its status
     * @throws IllegalArgumentException if the method or target cannot be sent as they are (nothing is sent)
     * @throws TimeoutException if the answer is not complete in time
     * @throws IOException if connecting fails (nothing was sent), or the exchange fails, or the answer is not valid HTTP
     */
    public Response send(Path socket, String method, String target, byte[] jsonBody, Duration timeout) throws IOException, TimeoutException {
        Objects.requireNonNull(socket, "socket");
        byte[] head = SocketConnection.head(method, target, jsonBody);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean repeatable = method.equals("GET") || method.equals("DELETE");
        while (true) {
            SocketConnection connection = connections.acquire(socket);
            boolean reused = connection.wasUsed();
            SocketConnection.Response response;
            try {
                response = connection.exchange(head, jsonBody, deadline);
            } catch (InterruptedIOException | ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                if (reused && repeatable && deadline - System.nanoTime() > 0) {
                    continue;
                }
                throw e;
            }
            connections.release(connection);
            return new Response(response.status(), response.content());
        }
    }

    /** Closes the idle connections; calls made afterwards fail. */
    @Override
    public void close() {
        connections.close();
    }
}
