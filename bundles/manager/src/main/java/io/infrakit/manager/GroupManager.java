package io.infrakit.manager;

import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.Fence;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupStates;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;
import io.infrakit.spi.observe.ControllerObserver;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The manager of wire-protocol §6: the {@code group} endpoint in front of the stateless group plugin (its
 * proxy), with leader election and the desired state persisted in a {@link GroupStore}.
 *
 * <ul>
 * <li>As leader, a commit is persisted, then forwarded (a pretend commit only forwarded); a forwarded commit
 * that fails is taken out of the store again, so the store only holds what the group plugin accepted. Free
 * removes the group from the store, then forwards. Destroy first marks the stored group as being destroyed
 * (a tombstone), then forwards: the group plugin carries the destroy out through failures, restarts and
 * changes of leader, and only once no instance is left is the group forgotten
 * ({@link GroupStates#destroyed}).</li>
 * <li>Not leader, commit, free and destroy fail at once with an error naming the leader when known.
 * Describe and inspect are always forwarded; a stored group the proxy does not run yet is described as
 * starting.</li>
 * <li>On gaining leadership the stored groups are committed to the proxy (each with its stored state, so a
 * rollout or a destroy resumes); while leading, a stored group the proxy is not running is committed again
 * every resync interval. On losing leadership every group of the proxy is freed: the instances are left
 * alone.</li>
 * <li>The manager is also the group plugin's {@link GroupStates} (state kept beside the spec, written only by
 * the leader) and its {@link Fence}: closed the moment the backend reports this node is not, or may not be,
 * the leader, so the group plugin stops acting before another node can be made leader.</li>
 * </ul>
 *
 * <p>Changes of leadership run one at a time on the manager's own thread. A caller's commit, free or destroy
 * runs on the caller's thread under a lock of that group alone, so no operation of one group waits for
 * another group's plugin calls; resuming stored groups runs a group at a time on a pool, never on the
 * manager's thread.
 */
public final class GroupManager implements GroupPlugin, GroupControl, Manager, GroupStates, Fence, AutoCloseable {

    /**
     * The manager's settings.
     *
     * @param name the name this manager goes by in the election
     * @param proxy the plugin name of the stateless group plugin it forwards to
     * @param callTimeoutMillis how long a caller waits for a commit, free or destroy
     * @param resyncMillis how often a leader checks that the proxy runs every stored group
     * @param historyLimit how many revisions of each group are kept
     */
    public record Settings(String name, String proxy, long callTimeoutMillis, long resyncMillis, int historyLimit) {

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
            if (historyLimit < 1) {
                throw new IllegalArgumentException("The history limit must be at least 1");
            }
        }

        /**
         * Settings keeping {@link #DEFAULT_HISTORY_LIMIT} revisions.
         *
         * @param name the name this manager goes by in the election
         * @param proxy the plugin name of the stateless group plugin it forwards to
         * @param callTimeoutMillis how long a caller waits for a commit, free or destroy
         * @param resyncMillis how often a leader checks that the proxy runs every stored group
         */
        public Settings(String name, String proxy, long callTimeoutMillis, long resyncMillis) {
            this(name, proxy, callTimeoutMillis, resyncMillis, DEFAULT_HISTORY_LIMIT);
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

    /** How many revisions of each group are kept unless configured otherwise. */
    public static final int DEFAULT_HISTORY_LIMIT = 10;

    private static final Logger LOG = LoggerFactory.getLogger(GroupManager.class);
    private static final int SAVE_ATTEMPTS = 50;
    private static final long FIRST_STATUS_WAIT_MILLIS = 10_000;
    private static final long PROXY_POLL_MILLIS = 100;

    private final Settings settings;
    private final Leadership leadership;
    private final GroupStore store;
    private final Supplier<PluginRegistry> registry;
    private final Supplier<JsonCodec> json;
    private final ScheduledExecutorService worker;
    private final ExecutorService resumers;
    private final List<ControllerObserver> observers;

    private static final String NOT_STARTED = "not started";

    private volatile LeaderStatus status = LeaderStatus.unknown(NOT_STARTED);
    private final CountDownLatch firstStatus = new CountDownLatch(1);
    private Election election;

    // set on the worker; read anywhere
    private volatile boolean leading;
    private ScheduledFuture<?> resync;
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Set<String> resuming = ConcurrentHashMap.newKeySet();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

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
        this(settings, leadership, store, () -> registry, () -> json);
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(json, "json");
    }

    /**
     * Creates a manager whose registry and codec may come and go (OSGi services); {@link #start()} joins the election.
     *
     * @param settings its settings
     * @param leadership the leadership backend
     * @param store the store of the same backend
     * @param registry the plugin registry now, or {@code null} while there is none
     * @param json the JSON codec now, or {@code null} while there is none
     */
    public GroupManager(Settings settings, Leadership leadership, GroupStore store, Supplier<PluginRegistry> registry, Supplier<JsonCodec> json) {
        this(settings, leadership, store, registry, json, List.of());
    }

    /**
     * Creates a manager that tells observers of its store's failures; {@link #start()} joins the election.
     *
     * @param settings its settings
     * @param leadership the leadership backend
     * @param store the store of the same backend
     * @param registry the plugin registry now, or {@code null} while there is none
     * @param json the JSON codec now, or {@code null} while there is none
     * @param observers told of every load and save of the store that fails (a live list, read at each failure)
     */
    public GroupManager(Settings settings, Leadership leadership, GroupStore store, Supplier<PluginRegistry> registry, Supplier<JsonCodec> json,
                        List<ControllerObserver> observers) {
        this.observers = Objects.requireNonNull(observers, "observers");
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
        this.resumers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "infrakit-manager-resume-" + settings.name());
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
        resumers.shutdown(); // the frees just handed to it end first
        try {
            resumers.awaitTermination(settings.callTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resumers.shutdownNow();
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

    // ---- the fence and the group state store, for the group plugin

    @Override
    public void check() throws PluginException {
        if (!acting()) {
            LeaderStatus s = status;
            throw new PluginException("This node does not act: the manager " + settings.name() + " is "
                    + (s.isLeader() ? "taking over as leader" : describe(s)));
        }
    }

    @Override
    public GroupState load(String id) throws PluginException {
        GroupsDocument.Entry entry = load().document().groups().get(id);
        return entry == null ? GroupState.NONE : entry.stateOrNone();
    }

    @Override
    public void save(String id, GroupState state) throws PluginException {
        check();
        update(d -> {
            GroupsDocument.Entry entry = d.groups().get(id);
            // a group committed to the group plugin directly is not the manager's: its state is not kept; and a
            // tombstone stays, whatever a loop that has not heard of it yet writes
            if (entry == null) {
                return d;
            }
            GroupsDocument.Entry next = entry.with(entry.destroying() ? state.toDestroy() : state);
            return d.with(id, next.withRevisions(autoRollback(entry, state)));
        });
    }

    /** An automatic rollback (Update.AutoRollback) that starts is a revision too: the stable spec, with its reason. */
    private List<Revision> autoRollback(GroupsDocument.Entry entry, GroupState next) {
        GroupState.Rollout before = entry.stateOrNone().rollout();
        GroupState.Rollout after = next.rollout();
        List<Revision> revisions = entry.revisionsOrNone();
        if (after == null || after.phase() != GroupState.Phase.ROLLING_BACK || next.stable() == null
                || (before != null && before.phase() == GroupState.Phase.ROLLING_BACK && before.target().equals(after.target()))) {
            return revisions;
        }
        JsonCodec codec = json.get();
        Revision stable = codec == null ? null : Revisions.of(revisions, next.stable(), spec -> codec.encode(spec).json());
        String sha = stable != null ? stable.configSHA() : after.from();
        if (sha == null) {
            return revisions;
        }
        return Revisions.add(revisions, next.stable(), sha, System.currentTimeMillis(), Source.CONTROLLER,
                "automatic rollback" + (stable == null ? "" : " to revision " + stable.revision()) + ": " + after.reason(), settings.historyLimit());
    }

    @Override
    public void destroyed(String id) throws PluginException {
        check();
        update(d -> {
            GroupsDocument.Entry entry = d.groups().get(id);
            return entry != null && entry.destroying() ? d.without(id) : d;
        });
        LOG.info("Manager {}: group {} is destroyed and forgotten", settings.name(), id);
    }

    // ---- the Group API

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        return commit(spec, pretend, Source.API);
    }

    @Override
    public String commit(GroupSpec spec, boolean pretend, String source) throws PluginException {
        return commit(spec, pretend, source, null);
    }

    private String commit(GroupSpec spec, boolean pretend, String source, String reason) throws PluginException {
        String id = spec == null ? "" : spec.id();
        return underLock(id, () -> {
            requireLeader("commit group '" + id + "'");
            GroupPlugin proxy = awaitProxy();
            if (pretend) {
                return proxy.commitGroup(spec, true);
            }
            if (id.isBlank()) {
                throw new PluginException("Group ID must not be blank");
            }
            GroupsDocument.Entry previous = load().document().groups().get(id);
            if (previous != null && previous.destroying()) {
                throw new PluginException("Group '" + id + "' is being destroyed; commit it again once it is gone");
            }
            // a commit the group plugin refuses (a bad spec, a size above its bound) is never stored, even for a
            // moment: a crash then would leave it to be retried at every resync
            proxy.commitGroup(spec, true);
            GroupState kept = previous == null ? null : previous.state();
            List<Revision> history = previous == null ? null : previous.revisions();
            update(d -> d.with(id, new GroupsDocument.Entry(settings.proxy(), spec, kept, history)));
            String details;
            try {
                GroupControl control = control();
                details = control == null ? proxy.commitGroup(spec, false) : control.commit(spec, false, source);
            } catch (PluginException | RuntimeException e) {
                restore(id, previous);
                throw e;
            }
            failures.remove(id);
            String sha = configSha(spec);
            update(d -> {
                GroupsDocument.Entry entry = d.groups().get(id);
                return entry == null ? d : d.with(id, entry.withRevisions(Revisions.add(entry.revisionsOrNone(), spec, sha,
                        System.currentTimeMillis(), source, reason, settings.historyLimit())));
            });
            if (!acting()) {
                freeQuietly(proxy, id); // leadership went while the commit ran: the new leader runs it
            }
            return details;
        });
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        underLock(id, () -> {
            requireLeader("free group '" + id + "'");
            GroupPlugin proxy = awaitProxy();
            boolean watched = watchedIds(proxy).contains(id);
            boolean stored = update(d -> d.without(id)).groups().containsKey(id);
            failures.remove(id);
            if (watched) {
                proxy.freeGroup(id);
            } else if (!stored) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
            return null;
        });
    }

    /**
     * Destroys a group: a tombstone in the store first, then the group plugin destroys every member and
     * forgets the group once none is left. Destroying a group being destroyed is accepted.
     */
    @Override
    public void destroyGroup(String id) throws PluginException {
        underLock(id, () -> {
            requireLeader("destroy group '" + id + "'");
            GroupPlugin proxy = awaitProxy();
            boolean watched = watchedIds(proxy).contains(id);
            GroupsDocument before = update(d -> {
                GroupsDocument.Entry entry = d.groups().get(id);
                return entry == null ? d : d.with(id, entry.with(entry.stateOrNone().toDestroy()));
            });
            GroupsDocument.Entry entry = before.groups().get(id);
            failures.remove(id);
            if (watched) {
                proxy.destroyGroup(id);
            } else if (entry != null) {
                proxy.commitGroup(entry.properties(), false); // the group plugin finds the tombstone and destroys
            } else {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
            if (!watchedIds(proxy).contains(id)) {
                // already gone (or a group plugin that destroys at once and keeps no state): forget it
                update(d -> d.groups().containsKey(id) && d.groups().get(id).destroying() ? d.without(id) : d);
            }
            return null;
        });
    }

    /**
     * Describes a group. A stored group the group plugin does not run yet is described, not refused: as
     * starting while this manager is taking over (right after a start, the backend's first answer or the
     * leader file's handover still to come), as blocked while it cannot tell whether it leads.
     */
    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        GroupPlugin proxy = awaitProxy();
        try {
            return proxy.describeGroup(id);
        } catch (PluginException e) {
            GroupsDocument.Entry entry = load().document().groups().get(id);
            if (entry == null || watchedIds(proxy).contains(id)) {
                throw e;
            }
            LeaderStatus s = status;
            if (s.role() == LeaderStatus.Role.FOLLOWER) {
                throw new PluginException("Group '" + id + "' is not run by this manager (" + settings.name() + "): " + describe(s));
            }
            boolean starting = acting() || s.isLeader() || firstStatus.getCount() > 0 || NOT_STARTED.equals(s.detail());
            String why = starting ? "Group '" + id + "' is stored and its controller is starting"
                    : "Group '" + id + "' is stored, but this manager (" + settings.name() + ") does not act: " + describe(s);
            return new GroupDescription(List.of(), false, null, why, entry.destroying() ? GroupDescription.Status.DESTROYING
                    : starting ? GroupDescription.Status.STARTING : GroupDescription.Status.ERROR);
        }
    }

    @Override
    public List<GroupSpec> inspectGroups() throws PluginException {
        return awaitProxy().inspectGroups();
    }

    // ---- the GroupControl API

    @Override
    public List<GroupStatus> status(String id) throws PluginException {
        GroupsDocument stored = load().document();
        GroupControl control = requireControl();
        List<GroupStatus> out = new ArrayList<>();
        if (id != null && !id.isEmpty()) {
            try {
                out.add(control.status(id).get(0));
            } catch (PluginException e) {
                GroupsDocument.Entry entry = stored.groups().get(id);
                if (entry == null) {
                    throw e;
                }
                out.add(notRunning(id, entry));
            }
        } else {
            Set<String> running = new HashSet<>();
            for (GroupStatus s : control.status("")) {
                running.add(s.id());
                out.add(s);
            }
            stored.groups().forEach((gid, entry) -> {
                if (!running.contains(gid)) {
                    out.add(notRunning(gid, entry));
                }
            });
            out.sort(Comparator.comparing(GroupStatus::id));
        }
        return out.stream().map(s -> {
            GroupsDocument.Entry entry = stored.groups().get(s.id());
            return entry == null ? s : s.withRevision(Revisions.numberOf(entry.revisionsOrNone(), s.configSHA()));
        }).toList();
    }

    /** A stored group the group plugin does not run (yet): starting, being destroyed, or not run by this node. */
    private GroupStatus notRunning(String id, GroupsDocument.Entry entry) {
        LeaderStatus s = status;
        boolean starting = acting() || s.isLeader() || firstStatus.getCount() > 0 || NOT_STARTED.equals(s.detail());
        String word = entry.destroying() ? GroupDescription.Status.DESTROYING
                : starting ? GroupDescription.Status.STARTING : GroupDescription.Status.ERROR;
        String why = starting ? null : "this manager (" + settings.name() + ") does not run it: " + describe(s);
        List<Revision> revisions = entry.revisionsOrNone();
        String sha = revisions.isEmpty() ? null : revisions.get(revisions.size() - 1).configSHA();
        return new GroupStatus(id, 0, 0, 0, 0, word, 0, sha, null, why, null);
    }

    @Override
    public List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
        List<GroupEvent> events = requireControl().events(id, after, limit, waitMillis);
        GroupsDocument.Entry entry = load().document().groups().get(id);
        List<Revision> revisions = entry == null ? List.of() : entry.revisionsOrNone();
        return events.stream().map(e -> e.revision() == 0 && e.configSHA() != null
                ? e.withRevision(Revisions.numberOf(revisions, e.configSHA())) : e).toList();
    }

    @Override
    public List<Revision> history(String id) throws PluginException {
        GroupsDocument.Entry entry = load().document().groups().get(id == null ? "" : id);
        if (entry == null) {
            throw new PluginException("Group '" + id + "' is not stored by this manager");
        }
        return entry.revisionsOrNone();
    }

    @Override
    public String rollback(String id, int revision, String source) throws PluginException {
        Revision to = Revisions.find(history(id), revision);
        return commit(to.spec(), false, source, "rollback to revision " + to.revision());
    }

    @Override
    public String pause(String id, String source) throws PluginException {
        return underLock(id, () -> {
            requireLeader("pause group '" + id + "'");
            return requireControl().pause(id, source);
        });
    }

    @Override
    public String resume(String id, String source) throws PluginException {
        return underLock(id, () -> {
            requireLeader("resume group '" + id + "'");
            return requireControl().resume(id, source);
        });
    }

    @Override
    public String stop(String id, String source) throws PluginException {
        return underLock(id, () -> {
            requireLeader("stop group '" + id + "'");
            return requireControl().stop(id, source);
        });
    }

    /** The proxy's GroupControl, or {@code null} when it has none (a group plugin of the original). */
    private GroupControl control() {
        PluginRegistry r = registry.get();
        if (r == null) {
            return null;
        }
        try {
            return r.lookup(settings.proxy(), GroupControl.class);
        } catch (PluginNotFoundException e) {
            return null;
        }
    }

    private GroupControl requireControl() throws PluginException {
        awaitProxy();
        GroupControl control = control();
        if (control == null) {
            throw new PluginException("The group plugin " + settings.proxy() + " does not implement " + GroupControl.INTERFACE
                    + " (status, events, pause, resume and stop need it)");
        }
        return control;
    }

    /**
     * The configuration of a committed spec, as its group plugin computes it; for a group plugin without
     * GroupControl, a hash of the spec's properties.
     */
    private String configSha(GroupSpec spec) {
        GroupControl control = control();
        if (control != null) {
            try {
                String sha = control.status(spec.id()).get(0).configSHA();
                if (sha != null) {
                    return sha;
                }
            } catch (PluginException | RuntimeException e) {
                LOG.debug("Manager {}: no configuration hash for group {}: {}", settings.name(), spec.id(), e.getMessage());
            }
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(spec.properties() == null ? new byte[0]
                    : spec.properties().json().getBytes(StandardCharsets.UTF_8));
            return "spec:" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- leadership

    /** From the backend: remember the status at once (the fence closes, commits are refused), act on the worker. */
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

    /** On the worker, while leading: every stored group the proxy is not running is resumed, each on a thread of the pool. */
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
            String id = group.getKey();
            if (watched.contains(id) || !resuming.add(id)) {
                continue;
            }
            try {
                resumers.execute(() -> {
                    try {
                        resume(proxy, id, group.getValue());
                    } finally {
                        resuming.remove(id);
                    }
                });
            } catch (RejectedExecutionException e) {
                resuming.remove(id);
                return;
            }
        }
    }

    /** Commits one stored group, with its stored state, unless another operation on it is under way. */
    private void resume(GroupPlugin proxy, String id, GroupsDocument.Entry entry) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        if (!lock.tryLock()) {
            return; // a caller's operation on this group runs: the next resync looks again
        }
        try {
            if (!acting()) {
                return;
            }
            GroupControl control = control();
            String details = control == null ? proxy.commitGroup(entry.properties(), false)
                    : control.commit(entry.properties(), false, Source.LEADER);
            LOG.info("Manager {} committed stored group {}: {}", settings.name(), id, details);
            failures.remove(id);
            if (!acting()) {
                freeQuietly(proxy, id); // leadership went while it was being resumed
            }
        } catch (PluginException | RuntimeException e) {
            warnOnce(id, "Manager " + settings.name() + " cannot commit stored group " + id + " (retrying): " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /**
     * On the worker: frees every group of the proxy, each on a thread of the pool (a free waits a little for
     * its group's cycle in progress); the fence is closed already, so none of them acts meanwhile.
     */
    private void freeAll() {
        try {
            GroupPlugin proxy = proxy();
            for (String id : watchedIds(proxy)) {
                try {
                    resumers.execute(() -> freeQuietly(proxy, id));
                } catch (RejectedExecutionException e) {
                    freeQuietly(proxy, id); // closing: free it here
                }
            }
        } catch (PluginException | RuntimeException e) {
            LOG.warn("Manager {} no longer leads and cannot free its groups: {}", settings.name(), e.getMessage());
        }
    }

    private void freeQuietly(GroupPlugin proxy, String id) {
        try {
            proxy.freeGroup(id);
            LOG.info("Manager {} no longer leads: freed group {}", settings.name(), id);
        } catch (PluginException | RuntimeException e) {
            LOG.warn("Manager {} cannot free group {}: {}", settings.name(), id, e.getMessage());
        }
    }

    private void warnOnce(String key, String message) {
        if (!message.equals(failures.put(key, message))) {
            LOG.warn(message);
        }
    }

    private void requireLeader(String what) throws PluginException {
        awaitFirstStatus();
        if (status.isLeader() && !leading) {
            // the backend said so a moment ago: let the worker take over first
            try {
                worker.submit(this::followStatus).get(settings.callTimeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
                throw new PluginException("The manager " + settings.name() + " is not ready to act: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("Interrupted while waiting for the manager " + settings.name());
            }
        }
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
        PluginRegistry r = registry.get();
        if (r == null) {
            throw new PluginException("The plugin registry is not available (is the infrakit rpc bundle running?)");
        }
        try {
            return r.lookup(settings.proxy(), GroupPlugin.class);
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

    // ---- the store

    private record Loaded(GroupsDocument document, long version) {
    }

    /** The codec; right after a start (or an update of the rpc bundle) it may not be there yet: wait for it a little. */
    private JsonCodec codec() throws PluginException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(settings.callTimeoutMillis() / 2, FIRST_STATUS_WAIT_MILLIS));
        JsonCodec codec;
        while ((codec = json.get()) == null) {
            if (System.nanoTime() - deadline > 0) {
                throw new PluginException("The JSON codec service is not available (is the infrakit rpc bundle running?)");
            }
            try {
                Thread.sleep(PROXY_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("Interrupted while waiting for the JSON codec service");
            }
        }
        return codec;
    }

    /** Reads the store; a store that fails, or holds what is not a groups document, is told to the observers. */
    private Loaded load() throws PluginException {
        StoredGroups stored;
        try {
            stored = store.load();
        } catch (PluginException | RuntimeException e) {
            storeFailed("load", e);
            throw e;
        }
        JsonCodec codec = codec();
        try {
            return new Loaded(GroupsDocument.parse(stored.json(), codec), stored.version());
        } catch (PluginException | RuntimeException e) {
            storeFailed("load", e);
            throw e;
        }
    }

    /**
     * Applies a change to the stored document, reading it again when another writer got there first. A conflict
     * retried is no failure; a save that fails, or still conflicts after the last attempt, is told to the observers.
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
            String text = changed.format(codec());
            try {
                store.save(text, loaded.version());
                return loaded.document();
            } catch (StoreConflictException e) {
                if (attempt == SAVE_ATTEMPTS) {
                    PluginException failed = new PluginException("The store kept changing under this manager (" + attempt + " attempts): "
                            + e.getMessage(), e);
                    storeFailed("save", failed);
                    throw failed;
                }
            } catch (PluginException | RuntimeException e) {
                storeFailed("save", e);
                throw e;
            }
        }
    }

    /** Tells the observers that a load or save of the store failed; what an observer throws is logged and ignored. */
    private void storeFailed(String operation, Exception e) {
        String detail = e.getMessage() == null ? e.toString() : e.getMessage();
        for (ControllerObserver o : observers) {
            try {
                o.storeFailed(operation, detail);
            } catch (RuntimeException | LinkageError failure) {
                LOG.debug("Manager {}: observer {} failed: {}", settings.name(), o, failure.toString());
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

    /** An operation on one group. */
    @FunctionalInterface
    private interface Operation<T> {
        T run() throws PluginException;
    }

    /** Runs a caller's operation on a group under that group's lock alone: other groups never wait for it. */
    private <T> T underLock(String id, Operation<T> operation) throws PluginException {
        ReentrantLock lock = locks.computeIfAbsent(id == null ? "" : id, k -> new ReentrantLock());
        try {
            if (!lock.tryLock(settings.callTimeoutMillis(), TimeUnit.MILLISECONDS)) {
                throw new PluginException("The manager " + settings.name() + " is busy with another operation on group '" + id
                        + "' (resuming it, or a slow plugin); try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for the manager " + settings.name());
        }
        try {
            return operation.run();
        } finally {
            lock.unlock();
        }
    }
}
