package io.infrakit.instance.docker;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows the engine's events about the plugin's containers ({@code GET /events} filtered by the plugin's label:
 * {@code die}, {@code destroy}, {@code oom}), a long-lived streamed answer, and hands each to the plugin on its
 * worker thread. When the stream ends (the engine restarted, the rpc bundle was updated) it is opened again, after
 * 100 ms, then twice as long after each failed or short-lived attempt, up to 5 s. Events may have been missed
 * meanwhile, so every reconnection is reported ({@code onReconnect}) for the groups to describe everything again.
 */
final class EngineEvents implements AutoCloseable {

    /** The events followed. */
    static final List<String> ACTIONS = List.of("die", "destroy", "oom");

    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration LAST_RETRY = Duration.ofSeconds(5);
    /** A stream that lasted this long was a good one: the next retry waits the first delay again. */
    static final Duration STABLE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(EngineEvents.class);

    private final ContainerApi api;
    private final List<String> labels;
    private final ScheduledExecutorService worker;
    private final Consumer<ContainerApi.Event> onEvent;
    private final Runnable onReconnect;

    // guarded by this
    private Closeable stream;
    private ScheduledFuture<?> next;
    private long retryMillis = FIRST_RETRY.toMillis();
    private long connectedAtNanos;
    private int generation;
    private int connections;
    private boolean failing;
    private boolean closed;

    /**
     * @param api the engine
     * @param labels the label filter ({@code io.infrakit.plugin=<name>})
     * @param worker the plugin's worker thread: connections and events are taken there, one at a time
     * @param onEvent takes each event
     * @param onReconnect called after each reconnection (not after the first connection)
     */
    EngineEvents(ContainerApi api, List<String> labels, ScheduledExecutorService worker, Consumer<ContainerApi.Event> onEvent, Runnable onReconnect) {
        this.api = api;
        this.labels = List.copyOf(labels);
        this.worker = worker;
        this.onEvent = onEvent;
        this.onReconnect = onReconnect;
    }

    /**
     * Connects now (on the worker thread), unless connected or closed: at start, and when the Docker Engine service
     * comes (back); while there is no such service nothing is tried.
     */
    synchronized void connectSoon() {
        if (closed || stream != null) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = schedule(0);
    }

    /** @return whether the stream is open now */
    synchronized boolean isConnected() {
        return stream != null;
    }

    private void connect() {
        int attempt;
        synchronized (this) {
            if (closed || stream != null) {
                return;
            }
            if (!api.hasEngine()) {
                // connectSoon is called again when the service comes
                LOG.debug("No Docker Engine service yet: the events of {} are followed once there is one", api.host());
                return;
            }
            attempt = ++generation;
        }
        Closeable opened;
        try {
            opened = api.events(labels, ACTIONS, line -> take(line), end -> {
                try {
                    worker.execute(() -> ended(attempt, end));
                } catch (RejectedExecutionException e) {
                    // the plugin is closing
                }
            });
        } catch (PluginException e) {
            synchronized (this) {
                if (!failing) {
                    LOG.warn("Cannot follow the events of the Docker engine at {}; trying again in {} ms and on: {}", api.host(), retryMillis, e.getMessage());
                    failing = true;
                } else {
                    LOG.debug("Cannot follow the events of the Docker engine at {}: {}", api.host(), e.getMessage());
                }
                retryLater();
            }
            return;
        }
        boolean reconnected;
        synchronized (this) {
            if (closed || attempt != generation) {
                closeQuietly(opened);
                return;
            }
            stream = opened;
            connectedAtNanos = System.nanoTime();
            failing = false;
            reconnected = ++connections > 1;
        }
        if (reconnected) {
            LOG.info("Following the events of the Docker engine at {} again; containers that died meanwhile are found by the next listings", api.host());
            onReconnect.run();
        } else {
            LOG.info("Following the events of the Docker engine at {}", api.host());
        }
    }

    /** A line of the stream, on the stream's thread: decoded and handled on the worker thread, in order. */
    private void take(RawJson line) {
        try {
            worker.execute(() -> {
                try {
                    onEvent.accept(api.decode(line, ContainerApi.Event.class, "GET /events"));
                } catch (PluginException | RuntimeException e) {
                    LOG.warn("Ignoring an event of the Docker engine at {} ({}): {}", api.host(), e.getMessage(), line);
                }
            });
        } catch (RejectedExecutionException e) {
            // the plugin is closing
        }
    }

    private void ended(int attempt, Throwable end) {
        synchronized (this) {
            if (closed || attempt != generation || stream == null) {
                return;
            }
            stream = null;
            if (System.nanoTime() - connectedAtNanos >= STABLE.toNanos()) {
                retryMillis = FIRST_RETRY.toMillis();
            }
            LOG.warn("The event stream of the Docker engine at {} ended ({}); following it again in {} ms", api.host(),
                    end == null ? "by the engine" : end.getMessage(), retryMillis);
            retryLater();
        }
    }

    // with the lock held
    private void retryLater() {
        if (closed) {
            return;
        }
        next = schedule(retryMillis);
        retryMillis = Math.min(retryMillis * 2, LAST_RETRY.toMillis());
    }

    private ScheduledFuture<?> schedule(long delayMillis) {
        try {
            return worker.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Stops following; no event is handed over afterwards. */
    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
        if (stream != null) {
            closeQuietly(stream);
            stream = null;
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // it ends either way
        }
    }
}
