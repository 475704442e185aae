package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One watcher per instance plugin in use by a group: a thread of its own ({@code infrakit-group-changes-<plugin>},
 * neither a group's loop nor the plugin-call pool) that long-polls the plugin's {@link InstanceChanges} and wakes the
 * groups concerned at once (see {@link Wake}, {@link GroupSupervisor#signal}); the groups' polls stay the safety
 * net, and the only way for plugins that do not report changes.
 *
 * <p>The plugin is looked up by name before every poll, never kept across calls, so a replaced or upgraded plugin is
 * used as soon as its predecessor's poll ends. The number of the last change seen is kept across failures and
 * replacements: a plugin that cannot list every change since then answers {@code reset}, which wakes every group. A
 * plugin without the interface is asked again after {@link ChangeBackoff#unsupportedMillis()} (60 s); a failing
 * call, or a plugin not there at all, is asked again after a backoff (1 s doubling to 30 s). {@link #refresh} starts
 * the watchers of plugins newly in use and stops the others; {@link #close} stops them all. Stopping interrupts the
 * long poll.
 */
final class ChangeWatchers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeWatchers.class);
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    /** How a watcher finds a plugin: by name, at each use. */
    interface Lookup {
        /**
         * The plugin's changes.
         *
         * @param plugin the instance plugin's name
         * @return its changes
         * @throws PluginException if there is no such plugin or it does not report changes (a
         *     {@link PluginCalls.MissingPluginException}), or it cannot be reached
         */
        InstanceChanges changes(String plugin) throws PluginException;

        /**
         * Whether the instance plugin is there at all: tells a plugin that does not report changes from one that is
         * missing (being installed, restarting).
         *
         * @param plugin the instance plugin's name
         * @return {@code true} if it can be looked up as an instance plugin
         */
        boolean present(String plugin);
    }

    /** Wakes the groups using a plugin. */
    @FunctionalInterface
    interface Waker {
        /**
         * Wakes groups.
         *
         * @param plugin the instance plugin that reported changes
         * @param wake which of the groups using it
         */
        void wake(String plugin, Wake wake);
    }

    private final Lookup lookup;
    private final Waker waker;
    private final Supplier<Set<String>> inUse;
    private final ChangeBackoff backoff;
    private final Map<String, Watch> watches = new HashMap<>();
    private boolean closed;

    /**
     * Creates the watchers; none runs until {@link #refresh}.
     *
     * @param lookup how to find plugins
     * @param waker how to wake groups
     * @param inUse the instance plugins the groups use now
     * @param backoff the delays between calls
     */
    ChangeWatchers(Lookup lookup, Waker waker, Supplier<Set<String>> inUse, ChangeBackoff backoff) {
        this.lookup = lookup;
        this.waker = waker;
        this.inUse = inUse;
        this.backoff = backoff;
    }

    /** Watches every plugin in use now, and stops watching the others (reads the plugins in use under the lock). */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        Set<String> wanted = inUse.get();
        watches.entrySet().removeIf(e -> {
            if (wanted.contains(e.getKey())) {
                return false;
            }
            e.getValue().stop();
            return true;
        });
        for (String plugin : wanted) {
            watches.computeIfAbsent(plugin, this::start);
        }
    }

    /**
     * The plugins watched now.
     *
     * @return their names
     */
    synchronized Set<String> watched() {
        return Set.copyOf(watches.keySet());
    }

    private Watch start(String plugin) {
        Watch watch = new Watch(plugin);
        Thread thread = new Thread(watch, "infrakit-group-changes-" + plugin);
        thread.setDaemon(true);
        watch.thread = thread;
        thread.start();
        LOG.debug("Watching the changes of instance plugin {}", plugin);
        return watch;
    }

    /** Stops every watcher, interrupting its poll, and waits a little for their threads to end. */
    @Override
    public void close() {
        List<Watch> stopping;
        synchronized (this) {
            closed = true;
            stopping = List.copyOf(watches.values());
            watches.clear();
        }
        stopping.forEach(Watch::stop);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        for (Watch w : stopping) {
            try {
                w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (w.thread.isAlive()) {
                LOG.warn("The watcher of instance plugin {} did not stop within {} ms (the plugin ignores interrupts)", w.plugin, CLOSE_WAIT_MILLIS);
            }
        }
    }

    /** The watcher of one plugin. */
    private final class Watch implements Runnable {
        private final String plugin;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile Thread thread;
        private long after;
        private int failures;
        private boolean toldUnsupported;

        Watch(String plugin) {
            this.plugin = plugin;
        }

        void stop() {
            stopped.countDown();
            thread.interrupt();
        }

        private boolean stopping() {
            return stopped.getCount() == 0;
        }

        @Override
        public void run() {
            while (!stopping()) {
                long delay = poll();
                if (delay > 0 && pause(delay)) {
                    break;
                }
            }
            LOG.debug("Stopped watching the changes of instance plugin {}", plugin);
        }

        /** One poll; returns how long to wait before the next. */
        private long poll() {
            long asked = after;
            long start = System.nanoTime();
            InstanceChanges.Changes answer;
            try {
                answer = lookup.changes(plugin).changes(asked, InstanceChanges.MAX_WAIT_MILLIS);
            } catch (PluginCalls.MissingPluginException | PluginNotFoundException e) {
                return stopping() ? 0 : notThere(e);
            } catch (PluginException | RuntimeException | LinkageError e) {
                return stopping() ? 0 : failed(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (stopping()) {
                return 0;
            }
            if (answer == null) {
                return failed("no answer");
            }
            failures = 0;
            toldUnsupported = false;
            after = answer.seq();
            Wake wake = Wake.of(answer);
            if (!wake.isNobody()) {
                LOG.debug("Instance plugin {} reports {} change(s){}: waking {}", plugin, answer.changes().size(),
                        answer.reset() ? " and a reset" : "", wake.everyGroup() ? "every group using it" : wake.groups());
                waker.wake(plugin, wake);
            }
            return backoff.afterAnswer(asked, wake.isNobody(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }

        /** No plugin of that name, or one that does not report changes. */
        private long notThere(PluginException e) {
            if (lookup.present(plugin)) {
                failures = 0;
                if (!toldUnsupported) {
                    toldUnsupported = true;
                    LOG.info("Instance plugin {} does not report changes ({}): its groups notice them at their polls; asking again every {} s",
                            plugin, e.getMessage(), backoff.unsupportedMillis() / 1000);
                }
                return backoff.unsupportedMillis();
            }
            return failed(e.getMessage());
        }

        private long failed(String why) {
            failures++;
            long delay = backoff.afterFailures(failures);
            LOG.debug("Asking instance plugin {} for changes failed ({} in a row): {}; asking again in {} ms", plugin, failures, why, delay);
            return delay;
        }

        /** Waits, unless stopped meanwhile; returns {@code true} when stopped. */
        private boolean pause(long millis) {
            try {
                return stopped.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return true; // only stop() interrupts this thread
            }
        }
    }
}
