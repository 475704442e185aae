package io.infrakit.manager;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The manager of wire-protocol §6: the {@code group} endpoint in front of the stateless group plugin (its
 * proxy), with leader election and the desired state persisted in a {@link GroupStore}.
 *
 * <ul>
 * <li>As leader, a commit is persisted, then forwarded (a pretend commit only forwarded); free and destroy
 * remove the group from the store, then forward. A forwarded commit that fails is taken out of the store
 * again, so the store only holds what the group plugin accepted.</li>
 * <li>Not leader, commit, free and destroy fail at once with an error naming the leader when known.
 * Describe and inspect are always forwarded.</li>
 * <li>On gaining leadership the stored groups are committed to the proxy; while leading, a stored group the
 * proxy is not running (it was restarted, or not there yet) is committed again every resync interval. On
 * losing leadership every group of the proxy is freed: the instances are left alone.</li>
 * </ul>
 *
 * <p>Changes of leadership and the operations that change groups run one at a time on the manager's own
 * thread, so a commit never interleaves with resuming or freeing the groups. A caller waits for its
 * operation at most the call timeout.
 */
public final class GroupManager implements GroupPlugin, Manager, AutoCloseable {

    /**
     * The manager's settings.
     *
     * @param name the name this manager goes by in the election
     * @param proxy the plugin name of the stateless group plugin it forwards to
     * @param callTimeoutMillis how long a caller waits for a commit, free or destroy
     * @param resyncMillis how often a leader checks that the proxy runs every stored group
     */
    public record Settings(String name, String proxy, long callTimeoutMillis, long resyncMillis) {

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if a name is blank or a duration not positive
         */
        public Settings {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("The manager's name must not be blank");
            }
            if (proxy == null || proxy.isBlank()) {
                throw new IllegalArgumentException("The name of the group plugin to forward to must not be blank");
            }
            if (callTimeoutMillis <= 0 || resyncMillis <= 0) {
                throw new IllegalArgumentException("The call timeout and the resync interval must be positive");
            }
        }

        /**
         * Settings with a resync interval of one second.
         *
         * @param name the name this manager goes by in the election
         * @param proxy the plugin name of the stateless group plugin it forwards to
         * @param callTimeoutMillis how long a caller waits for a commit, free or destroy
         */
        public Settings(String name, String proxy, long callTimeoutMillis) {
            this(name, proxy, callTimeoutMillis, 1000);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupManager.class);
    private static final int SAVE_ATTEMPTS = 50;
    private static final long FIRST_STATUS_WAIT_MILLIS = 10_000;
    private static final long PROXY_POLL_MILLIS = 100;

    private final Settings settings;
    private final Leadership leadership;
    private final GroupStore store;
    private final PluginRegistry registry;
    private final JsonCodec json;
    private final ScheduledExecutorService worker;

    private volatile LeaderStatus status = LeaderStatus.unknown("not started");
    private final CountDownLatch firstStatus = new CountDownLatch(1);
    private Election election;

    // state of the worker thread
    private boolean leading;
    private ScheduledFuture<?> resync;
    private final Map<String, String> failures = new HashMap<>();

    /**
     * Creates a manager; {@link #start()} joins the election.
     *
     * @param settings its settings
     * @param leadership the leadership backend
     * @param store the store of the same backend
     * @param registry where the proxy is looked up, at each use
     * @param json the JSON codec
     */
    public GroupManager(Settings settings, Leadership leadership, GroupStore store, PluginRegistry registry, JsonCodec json) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.json = Objects.requireNonNull(json, "json");
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infrakit-manager-" + settings.name());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the election.
     *
     * @throws PluginException if the backend cannot be joined
     * @throws IllegalStateException if already started
     */
    public synchronized void start() throws PluginException {
        if (election != null) {
            throw new IllegalStateException("The manager " + settings.name() + " is already started");
        }
        election = leadership.join(settings.name(), this::statusChanged);
    }

    /**
     * Stops acting (the proxy's groups are freed if this manager leads), then leaves the election.
     */
    @Override
    public void close() {
        status = LeaderStatus.unknown("stopped");
        try {
            worker.submit(this::followStatus).get(settings.callTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            LOG.warn("Manager {}: freeing the groups while stopping failed: {}", settings.name(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
        Election e;
        synchronized (this) {
            e = election;
            election = null;
        }
        if (e != null) {
            e.close();
        }
    }

    /**
     * The status in the election.
     *
     * @return the last status the backend reported
     */
    @Override
    public LeaderStatus status() {
        return status;
    }

    @Override
    public boolean isLeader() {
        return status.isLeader();
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        String id = spec == null ? "" : spec.id();
        return onWorker(() -> {
            requireLeader("commit group '" + id + "'");
            GroupPlugin proxy = awaitProxy();
            if (pretend) {
                return proxy.commitGroup(spec, true);
            }
            if (id.isBlank()) {
                throw new PluginException("Group ID must not be blank");
            }
            GroupsDocument before = update(d -> d.with(id, new GroupsDocument.Entry(settings.proxy(), spec)));
            GroupsDocument.Entry previous = before.groups().get(id);
            String details;
            try {
                details = proxy.commitGroup(spec, false);
            } catch (PluginException | RuntimeException e) {
                restore(id, previous);
                throw e;
            }
            failures.remove(id);
            return details;
        });
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        remove(id, "free", GroupPlugin::freeGroup, null);
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        remove(id, "destroy", GroupPlugin::destroyGroup, "Group '" + id + "' was removed from the store, but the group plugin "
                + settings.proxy() + " was not running it, so none of its instances was destroyed");
    }

    /** What free or destroy forwards. */
    @FunctionalInterface
    private interface Removal {
        void apply(GroupPlugin proxy, String id) throws PluginException;
    }

    /**
     * Takes a group out of the store, then forwards the removal if the proxy runs the group.
     *
     * @param onlyStored the error when the group was stored but not running, or {@code null} if that is fine
     */
    private void remove(String id, String verb, Removal forward, String onlyStored) throws PluginException {
        onWorker(() -> {
            requireLeader(verb + " group '" + id + "'");
            GroupPlugin proxy = awaitProxy();
            boolean watched = watchedIds(proxy).contains(id);
            boolean stored = update(d -> d.without(id)).groups().containsKey(id);
            failures.remove(id);
            if (watched) {
                forward.apply(proxy, id);
            } else if (!stored) {
                throw new PluginException("Group '" + id + "' is not being watched");
            } else if (onlyStored != null) {
                throw new PluginException(onlyStored);
            }
            return null;
        });
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        return proxy().describeGroup(id);
    }

    @Override
    public List<GroupSpec> inspectGroups() throws PluginException {
        return proxy().inspectGroups();
    }

    /** From the backend: remember the status at once (commits are refused from now on), act on the worker. */
    private void statusChanged(LeaderStatus next) {
        LeaderStatus previous = status;
        status = next;
        firstStatus.countDown();
        if (!next.equals(previous)) {
            LOG.info("Manager {}: {}", settings.name(), describe(next));
        }
        try {
            worker.execute(this::followStatus);
        } catch (RejectedExecutionException stopped) {
            // closing: close() frees the groups itself
        }
    }

    /** On the worker: brings the acting state in line with the latest status. */
    private void followStatus() {
        boolean lead = status.isLeader();
        if (lead && !leading) {
            leading = true;
            LOG.info("Manager {} leads: resuming the stored groups", settings.name());
            resync();
            resync = worker.scheduleWithFixedDelay(this::resync, settings.resyncMillis(), settings.resyncMillis(), TimeUnit.MILLISECONDS);
        } else if (!lead && leading) {
            leading = false;
            if (resync != null) {
                resync.cancel(false);
                resync = null;
            }
            failures.clear();
            freeAll();
        }
    }

    private boolean acting() {
        return leading && status.isLeader();
    }

    /** On the worker, while leading: commits every stored group the proxy is not running. */
    private void resync() {
        if (!acting()) {
            return;
        }
        GroupsDocument stored;
        GroupPlugin proxy;
        Set<String> watched;
        try {
            stored = load().document();
            proxy = proxy();
            watched = watchedIds(proxy);
        } catch (PluginException | RuntimeException e) {
            warnOnce("", "Manager " + settings.name() + " cannot resume its groups: " + e.getMessage());
            return;
        }
        failures.remove("");
        for (Map.Entry<String, GroupsDocument.Entry> group : stored.groups().entrySet()) {
            if (!acting()) {
                return;
            }
            String id = group.getKey();
            if (watched.contains(id)) {
                continue;
            }
            try {
                String details = proxy.commitGroup(group.getValue().properties(), false);
                LOG.info("Manager {} committed stored group {}: {}", settings.name(), id, details);
                failures.remove(id);
            } catch (PluginException | RuntimeException e) {
                warnOnce(id, "Manager " + settings.name() + " cannot commit stored group " + id + " (retrying): " + e.getMessage());
            }
        }
    }

    /** On the worker: frees every group of the proxy. */
    private void freeAll() {
        try {
            GroupPlugin proxy = proxy();
            for (String id : watchedIds(proxy)) {
                try {
                    proxy.freeGroup(id);
                    LOG.info("Manager {} no longer leads: freed group {}", settings.name(), id);
                } catch (PluginException | RuntimeException e) {
                    LOG.warn("Manager {} cannot free group {}: {}", settings.name(), id, e.getMessage());
                }
            }
        } catch (PluginException | RuntimeException e) {
            LOG.warn("Manager {} no longer leads and cannot free its groups: {}", settings.name(), e.getMessage());
        }
    }

    private void warnOnce(String key, String message) {
        if (!message.equals(failures.put(key, message))) {
            LOG.warn(message);
        }
    }

    private void requireLeader(String what) throws PluginException {
        awaitFirstStatus();
        followStatus();
        LeaderStatus s = status;
        if (acting()) {
            return;
        }
        String name = settings.name();
        throw new PluginException(switch (s.role()) {
            case LEADER, FOLLOWER -> s.leader() != null && !s.leader().equals(name)
                    ? "Cannot " + what + ": this manager (" + name + ") is not the leader; the leader is " + s.leader()
                    : "Cannot " + what + ": this manager (" + name + ") is not the leader, and the leader is not known";
            case UNKNOWN -> "Cannot " + what + ": this manager (" + name + ") cannot tell whether it leads ("
                    + (s.detail() == null ? "no status yet" : s.detail()) + "), so it changes nothing";
        });
    }

    /** Right after start the backend may not have answered yet: wait for it rather than refuse. */
    private void awaitFirstStatus() throws PluginException {
        try {
            firstStatus.await(Math.min(settings.callTimeoutMillis(), FIRST_STATUS_WAIT_MILLIS), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for the manager " + settings.name() + " to learn who leads");
        }
    }

    private static String describe(LeaderStatus s) {
        return switch (s.role()) {
            case LEADER -> "leader";
            case FOLLOWER -> "follower" + (s.leader() == null ? "" : " (the leader is " + s.leader() + ")");
            case UNKNOWN -> "leadership unknown" + (s.detail() == null ? "" : " (" + s.detail() + ")");
        };
    }

    private GroupPlugin proxy() throws PluginException {
        try {
            return registry.lookup(settings.proxy(), GroupPlugin.class);
        } catch (PluginNotFoundException e) {
            throw new PluginException("The group plugin " + settings.proxy() + " this manager forwards to is not available: " + e.getMessage(), e);
        }
    }

    /**
     * The proxy for a caller's commit, free or destroy: right after a start the group plugin may not be
     * registered yet, so wait for it a little (half the call timeout, at most 10 s) rather than fail.
     */
    private GroupPlugin awaitProxy() throws PluginException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(settings.callTimeoutMillis() / 2, FIRST_STATUS_WAIT_MILLIS));
        while (true) {
            try {
                return proxy();
            } catch (PluginException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(PROXY_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("Interrupted while waiting for the group plugin " + settings.proxy());
            }
        }
    }

    private static Set<String> watchedIds(GroupPlugin proxy) throws PluginException {
        return proxy.inspectGroups().stream().map(GroupSpec::id).collect(Collectors.toSet());
    }

    private record Loaded(GroupsDocument document, long version) {
    }

    private Loaded load() throws PluginException {
        StoredGroups stored = store.load();
        return new Loaded(GroupsDocument.parse(stored.json(), json), stored.version());
    }

    /**
     * Applies a change to the stored document, reading it again when another writer got there first.
     *
     * @return the document before the change
     */
    private GroupsDocument update(UnaryOperator<GroupsDocument> change) throws PluginException {
        for (int attempt = 1; ; attempt++) {
            Loaded loaded = load();
            GroupsDocument changed = change.apply(loaded.document());
            if (changed.equals(loaded.document())) {
                return loaded.document();
            }
            try {
                store.save(changed.format(json), loaded.version());
                return loaded.document();
            } catch (StoreConflictException e) {
                if (attempt == SAVE_ATTEMPTS) {
                    throw new PluginException("The store kept changing under this manager (" + attempt + " attempts): " + e.getMessage(), e);
                }
            }
        }
    }

    /** Puts back what a failed commit replaced. */
    private void restore(String id, GroupsDocument.Entry previous) {
        try {
            update(d -> previous == null ? d.without(id) : d.with(id, previous));
        } catch (PluginException | RuntimeException e) {
            LOG.warn("Manager {}: group {} was rejected by {}, and restoring its previous stored state failed: {}",
                    settings.name(), id, settings.proxy(), e.getMessage());
        }
    }

    private <T> T onWorker(Callable<T> operation) throws PluginException {
        Future<T> future;
        try {
            future = worker.submit(operation);
        } catch (RejectedExecutionException e) {
            throw new PluginException("The manager " + settings.name() + " is stopping");
        }
        try {
            return future.get(settings.callTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PluginException("The manager " + settings.name() + " did not finish within " + settings.callTimeoutMillis()
                    + " ms (it is busy resuming groups or the store is slow); the operation may still complete");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for the manager " + settings.name());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PluginException p) {
                throw p;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new PluginException(String.valueOf(cause), cause);
        }
    }
}
