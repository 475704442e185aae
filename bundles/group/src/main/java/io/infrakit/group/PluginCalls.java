package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.Fence;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Every call the group plugin makes into another plugin goes through here: plugins are looked up by name
 * at each use (so a replaced plugin is used at the next call), and each call has a timeout and turns any
 * failure, even a runtime exception of a local plugin, into a {@link PluginException}. A hung plugin
 * costs a thread, never a group's loop.
 */
final class PluginCalls {

    /** A call into a plugin. */
    interface Call<T> {
        T call() throws PluginException;
    }

    private final Supplier<PluginRegistry> registry;
    private final Supplier<Fence> fence;
    private final ExecutorService pool;
    private final long timeoutMillis;

    PluginCalls(Supplier<PluginRegistry> registry, Supplier<Fence> fence, ExecutorService pool, long timeoutMillis) {
        this.registry = registry;
        this.fence = fence;
        this.pool = pool;
        this.timeoutMillis = timeoutMillis;
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /**
     * Checks, immediately before a Provision, Drain or Destroy, that this node may act (the manager's
     * fence: it leads, and is sure of it).
     *
     * @throws PluginException if it may not
     */
    void fence() throws PluginException {
        Fence f = fence.get();
        if (f != null) {
            f.check();
        }
    }

    InstancePlugin instance(String name) throws PluginException {
        return lookup(name, InstancePlugin.class, "Instance");
    }

    /**
     * The changes of an instance plugin. Only the watchers call it, on their own threads, without the timeout: the
     * call is a long poll.
     */
    InstanceChanges instanceChanges(String name) throws PluginException {
        return lookup(name, InstanceChanges.class, "InstanceChanges");
    }

    FlavorPlugin flavor(String name) throws PluginException {
        return lookup(name, FlavorPlugin.class, "Flavor");
    }

    private <T> T lookup(String name, Class<T> type, String kind) throws PluginException {
        PluginRegistry r = registry.get();
        if (r == null) {
            throw new MissingPluginException("Failed to find " + kind + " plugin '" + name + "':the plugin registry is not available", null);
        }
        try {
            return r.lookup(name, type);
        } catch (PluginNotFoundException | IllegalArgumentException e) {
            throw new MissingPluginException("Failed to find " + kind + " plugin '" + name + "':" + e.getMessage(), e);
        }
    }

    /**
     * Runs a call with the timeout.
     *
     * @param what the call, in words, for errors
     * @param call the call
     * @return its result
     * @throws PluginException if it failed, threw or timed out
     */
    <T> T call(String what, Call<T> call) throws PluginException {
        Future<T> future = pool.submit(call::call);
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new PluginException(what + " did not answer within " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PluginException pe) {
                throw pe;
            }
            throw new PluginException(what + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PluginException(what + " was interrupted", e);
        }
    }

    /**
     * Runs a call on this thread, turning any failure into a {@link PluginException}: for jobs that the loop
     * already waits for with the timeout.
     *
     * @param what the call, in words, for errors
     * @param call the call
     * @return its result
     * @throws PluginException if it failed or threw
     */
    <T> T direct(String what, Call<T> call) throws PluginException {
        try {
            return call.call();
        } catch (PluginException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new PluginException(what + " failed: " + e, e);
        }
    }

    /**
     * A plugin the group needs is not there (not installed yet, being reinstalled). Looking again is cheap
     * and harmless, so a group waiting for one is not backed off: it resumes at the next poll.
     */
    static final class MissingPluginException extends PluginException {
        private static final long serialVersionUID = 1L;

        MissingPluginException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
