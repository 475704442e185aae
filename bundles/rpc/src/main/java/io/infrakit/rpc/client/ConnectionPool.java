package io.infrakit.rpc.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idle keep-alive connections, per socket. A caller takes one (or opens one when none is idle) and
 * gives it back after a complete exchange; the most recently used is handed out first. Connections idle
 * for longer than the idle timeout are closed rather than reused, before a server's own idle timeout
 * (30 s on our plugin host) can close one under a request.
 */
final class ConnectionPool implements AutoCloseable {

    private static final int MAX_IDLE_PER_SOCKET = 64;

    private final Map<Path, Idle> idle = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepNanos = new AtomicLong(System.nanoTime());
    private final long idleTimeoutNanos;
    private final int maxResponseBytes;
    private final String peer;
    private volatile boolean closed;

    ConnectionPool(long idleTimeoutMillis, int maxResponseBytes) {
        this(idleTimeoutMillis, maxResponseBytes, SocketConnection.PLUGIN);
    }

    /** A pool whose servers are named {@code peer} in error messages. */
    ConnectionPool(long idleTimeoutMillis, int maxResponseBytes, String peer) {
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.maxResponseBytes = maxResponseBytes;
        this.peer = peer;
    }

    /**
     * An open connection to the socket: an idle one that is still good, else a new one.
     *
     * @throws IOException if connecting fails (nothing was sent)
     */
    SocketConnection acquire(Path socket) throws IOException {
        if (closed) {
            throw new IOException("the " + peer + " client is closed");
        }
        sweep();
        Idle connections = idle.get(socket);
        if (connections != null) {
            long now = System.nanoTime();
            SocketConnection c;
            while ((c = connections.poll()) != null) {
                if (now - c.lastUsedNanos() < idleTimeoutNanos && c.isReusable()) {
                    return c;
                }
                c.close();
            }
        }
        return SocketConnection.open(socket, maxResponseBytes, peer);
    }

    /** Takes a connection back after a complete exchange; closed ones and extras are dropped. */
    void release(SocketConnection c) {
        if (closed || !c.isOpen() || !idle.computeIfAbsent(c.socket(), s -> new Idle()).offer(c)) {
            c.close();
        } else if (closed) {
            closeAll();
        }
    }

    /** At most once per idle timeout, closes the connections that have outlived it, so idle sockets do not keep descriptors. */
    private void sweep() {
        long now = System.nanoTime();
        long next = nextSweepNanos.get();
        if (now - next < 0 || !nextSweepNanos.compareAndSet(next, now + idleTimeoutNanos)) {
            return;
        }
        idle.values().forEach(connections -> connections.closeIdleSince(now - idleTimeoutNanos));
    }

    private void closeAll() {
        idle.values().forEach(connections -> connections.closeIdleSince(Long.MAX_VALUE));
    }

    @Override
    public void close() {
        closed = true;
        closeAll();
    }

    /** The idle connections of one socket, most recently used first. */
    private static final class Idle {
        private final Deque<SocketConnection> connections = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();

        boolean offer(SocketConnection c) {
            if (size.incrementAndGet() > MAX_IDLE_PER_SOCKET) {
                size.decrementAndGet();
                return false;
            }
            connections.offerFirst(c);
            return true;
        }

        SocketConnection poll() {
            SocketConnection c = connections.pollFirst();
            if (c != null) {
                size.decrementAndGet();
            }
            return c;
        }

        /** Closes the connections last used before {@code nanos} (by {@link System#nanoTime()}; every one for {@code Long.MAX_VALUE}). */
        void closeIdleSince(long nanos) {
            for (SocketConnection c : connections) {
                if ((nanos == Long.MAX_VALUE || c.lastUsedNanos() - nanos < 0) && connections.removeFirstOccurrence(c)) {
                    size.decrementAndGet();
                    c.close();
                }
            }
        }
    }
}
