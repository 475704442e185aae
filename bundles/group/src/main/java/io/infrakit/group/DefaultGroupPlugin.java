package io.infrakit.group;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.Fence;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupJournal;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupStates;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.observe.ControllerObserver;
import io.infrakit.spi.registry.PluginRegistry;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The default group plugin: one {@link GroupSupervisor}, on a thread of its own, per committed group. No call
 * into the plugin waits for another group: commits validate against plugins without any lock shared between
 * groups, and each group's own calls are serialised by a lock of that group alone. After a restart,
 * committing the same group adopts its instances by their tags and resumes its stored state (a rollout, a
 * destroy). Immediate, so that its groups keep converging while nothing holds the service. An instance plugin that
 * reports its changes ({@link InstanceChanges}) wakes the groups using it at once ({@link ChangeWatchers}); the
 * poll stays the safety net.
 */
@Component(service = {GroupPlugin.class, GroupControl.class}, configurationPid = DefaultGroupPlugin.PID, immediate = true)
@Designate(ocd = DefaultGroupPlugin.Config.class)
public final class DefaultGroupPlugin implements GroupPlugin, GroupControl {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.group";

    /** The longest group ID, in bytes of UTF-8. */
    static final int MAX_ID_BYTES = 255;

    /** Configuration of the group plugin. */
    @ObjectClassDefinition(name = "InfraKit default group plugin", description = "Keeps declared groups of instances converged.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "group";

        /** @return the poll interval */
        @AttributeDefinition(name = "Poll interval (ms)", description = "How often each group is checked and converged.")
        long poll_interval_ms() default 1000;

        /** @return how many plugin calls of one group run at once */
        @AttributeDefinition(name = "Parallelism", description = "How many instances are created, removed or checked at once, per group.")
        int max_parallel() default 16;

        /** @return the grace period for unhealthy members */
        @AttributeDefinition(name = "Unhealthy grace (ms)", description = "How long a member may stay unhealthy before it is replaced.")
        long unhealthy_grace_ms() default 30000;

        /** @return how long a created instance may stay unlisted */
        @AttributeDefinition(name = "Listing timeout (ms)",
                description = "How long a created instance counts as a member before it appears in a lagging plugin's listing; "
                        + "then, if the plugin has it without the group's tag, the group stops creating. A plugin whose listing "
                        + "shows every new instance at once does not wait for it.")
        long pending_timeout_ms() default 5000;

        /** @return the timeout of one plugin call */
        @AttributeDefinition(name = "Call timeout (ms)", description = "The longest one call into an instance or flavor plugin may take.")
        long call_timeout_ms() default 120000;

        /** @return the largest group */
        @AttributeDefinition(name = "Largest group", description = "The most instances one group may declare (Size or LogicalIDs).")
        long max_size() default 100_000;

        /** @return how long DestroyGroup waits */
        @AttributeDefinition(name = "Destroy wait (ms)",
                description = "How long DestroyGroup waits for the group to be gone before it answers; the destroy goes on either way.")
        long destroy_wait_ms() default 10_000;
    }

    private volatile PluginRegistry registry;
    private final JsonCodecReference json;
    private volatile GroupStates states;
    private volatile Fence fence;
    private volatile GroupJournal journal;
    private final List<ControllerObserver> observers = new CopyOnWriteArrayList<>();

    private final MemoryStates memory = new MemoryStates();
    private final Map<String, GroupSupervisor> groups = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ExecutorService callPool;
    private final PluginCalls calls;
    private final ChangeWatchers watchers;
    private final GroupSupervisor.Settings settings;
    private final long maxSize;
    private final long destroyWaitMillis;

    /**
     * Creates the plugin (from DS).
     *
     * @param config its configuration
     */
    @Activate
    public DefaultGroupPlugin(Config config) {
        this(config, null, null, ChangeBackoff.DEFAULT);
    }

    /**
     * Creates the plugin with its services given (tests, tools).
     *
     * @param config its configuration
     * @param registry the plugin registry
     * @param json the JSON codec
     */
    public DefaultGroupPlugin(Config config, PluginRegistry registry, JsonCodec json) {
        this(config, registry, json, ChangeBackoff.DEFAULT);
    }

    /** As {@link #DefaultGroupPlugin(Config, PluginRegistry, JsonCodec)}, with the change watchers' delays (tests). */
    DefaultGroupPlugin(Config config, PluginRegistry registry, JsonCodec json, ChangeBackoff changeBackoff) {
        this.registry = registry;
        this.json = new JsonCodecReference(json);
        this.workers = Executors.newCachedThreadPool(threads("infrakit-group-worker"));
        this.callPool = Executors.newCachedThreadPool(threads("infrakit-group-call"));
        this.calls = new PluginCalls(() -> this.registry, () -> this.fence, callPool, config.call_timeout_ms());
        this.watchers = new ChangeWatchers(new ChangeWatchers.Lookup() {
            @Override
            public InstanceChanges changes(String plugin) throws PluginException {
                return calls.instanceChanges(plugin);
            }

            @Override
            public boolean present(String plugin) {
                try {
                    calls.instance(plugin);
                    return true;
                } catch (PluginException e) {
                    return false;
                }
            }
        }, this::wake, this::instancePluginsInUse, changeBackoff);
        this.settings = new GroupSupervisor.Settings(Math.max(10, config.poll_interval_ms()), Math.max(1, config.max_parallel()),
                config.unhealthy_grace_ms(), config.pending_timeout_ms(), System::currentTimeMillis);
        this.maxSize = Math.max(1, config.max_size());
        this.destroyWaitMillis = Math.max(0, config.destroy_wait_ms());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setRegistry(PluginRegistry registry) {
        this.registry = registry;
    }

    void unsetRegistry(PluginRegistry registry) {
        if (this.registry == registry) {
            this.registry = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec json) {
        this.json.bind(json);
    }

    void unsetJson(JsonCodec json) {
        this.json.unbind(json);
    }

    /**
     * The manager's store of group state, when a manager runs beside this plugin.
     *
     * @param states the store
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void setStates(GroupStates states) {
        this.states = states;
    }

    void unsetStates(GroupStates states) {
        if (this.states == states) {
            this.states = null;
        }
    }

    /**
     * The manager's fence, when a manager shares these groups with other nodes.
     *
     * @param fence the fence
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void setFence(Fence fence) {
        this.fence = fence;
    }

    void unsetFence(Fence fence) {
        if (this.fence == fence) {
            this.fence = null;
        }
    }

    /**
     * The journal of the groups' events.
     *
     * @param journal the journal
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void setJournal(GroupJournal journal) {
        this.journal = journal;
    }

    void unsetJournal(GroupJournal journal) {
        if (this.journal == journal) {
            this.journal = null;
        }
    }

    /**
     * Adds an observer: told of every cycle of every group from the next one on.
     *
     * @param observer the observer
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addObserver(ControllerObserver observer) {
        observers.add(observer);
    }

    /**
     * Removes an observer.
     *
     * @param observer the observer
     */
    public void removeObserver(ControllerObserver observer) {
        observers.remove(observer);
    }

    /** Stops every group's loop and every watcher of changes; instances are left as they are. */
    @Deactivate
    public void close() {
        watchers.close();
        groups.values().forEach(GroupSupervisor::stop);
        groups.clear();
        workers.shutdownNow();
        callPool.shutdownNow();
    }

    private GroupStates states() {
        GroupStates s = states;
        return s == null ? memory : s;
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        return commit(spec, pretend, Source.API);
    }

    @Override
    public String commit(GroupSpec spec, boolean pretend, String source) throws PluginException {
        // a stored group resumed by the manager was accepted once: a key unknown to this version does not lose it
        String plan = plan(spec, pretend, !Source.LEADER.equals(source));
        if (!pretend) {
            events(spec.id()).emit(GroupEvent.of(spec.id(), GroupEvent.Type.COMMITTED, "Committed (" + plan + ")", null,
                    groups.containsKey(spec.id()) ? groups.get(spec.id()).desired().sha() : null).withSource(source));
        }
        return plan;
    }

    private String plan(GroupSpec spec, boolean pretend, boolean strict) throws PluginException {
        String id = spec == null ? "" : spec.id();
        checkId(id);
        GroupSupervisor.Desired desired = resolve(spec, strict);
        GroupProperties properties = desired.properties();
        properties.checkSize(maxSize);
        FlavorPlugin flavor = calls.flavor(properties.flavor().plugin());
        calls.call("Validate of " + properties.flavor().plugin(), () -> {
            flavor.validate(properties.flavor().properties(), properties.allocation());
            return null;
        });
        InstancePlugin instance = calls.instance(properties.instance().plugin());
        calls.call("Validate of " + properties.instance().plugin(), () -> {
            instance.validate(properties.instance().properties());
            return null;
        });
        ReentrantLock lock = lock(id);
        try {
            GroupSupervisor existing = groups.get(id);
            if (existing == null) {
                return start(id, desired, pretend);
            }
            if (existing.destroying()) {
                throw new PluginException("Group '" + id + "' is being destroyed; commit it again once it is gone");
            }
            GroupSupervisor.Desired current = existing.desired();
            List<Description> members = calls.call("DescribeInstances of " + properties.instance().plugin(),
                    () -> instance.describeInstances(Map.of(ConfigSha.GROUP_TAG, id)));
            String details = Plans.update(current.properties(), properties, current.sha(), desired.sha(), members, existing.state());
            if (!pretend) {
                existing.commit(desired);
                watchers.refresh(); // the instance plugin may have changed
            }
            return details;
        } finally {
            lock.unlock();
        }
    }

    /** A group not managed here yet: new, or resumed from its stored state after a restart or a change of leader. */
    private String start(String id, GroupSupervisor.Desired desired, boolean pretend) throws PluginException {
        GroupStates store = states();
        GroupState state = calls.call("Reading the state of group " + id, () -> store.load(id));
        state = state == null ? GroupState.NONE : state;
        if (pretend) {
            return state.destroying() ? "Group '" + id + "' is being destroyed" : Plans.manage(desired.properties());
        }
        GroupSupervisor supervisor = new GroupSupervisor(id, state, calls, settings, workers, this::states, stored -> resolve(stored, false),
                () -> gone(id), events(id));
        supervisor.commit(desired);
        groups.put(id, supervisor);
        watchers.refresh();
        if (state.destroying()) {
            supervisor.destroy();
            return "Destroying group " + id + " (resumed)";
        }
        return Plans.manage(desired.properties());
    }

    /** A destroyed group is no longer managed here. */
    private void gone(String id) {
        groups.remove(id);
        watchers.refresh();
    }

    /** The instance plugins the groups use, whose changes are watched. */
    private Set<String> instancePluginsInUse() {
        return groups.values().stream().map(GroupSupervisor::instancePlugin).filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Wakes the groups an instance plugin's changes concern (a signal is not an event: the cycle it causes records
     * what it finds and does, as a poll's would).
     */
    private void wake(String plugin, Wake wake) {
        groups.forEach((id, group) -> {
            if (plugin.equals(group.instancePlugin()) && wake.includes(id)) {
                group.signal();
            }
        });
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        ReentrantLock lock = lock(id);
        try {
            GroupSupervisor supervisor = watched(id);
            groups.remove(id, supervisor);
            supervisor.stop();
            watchers.refresh();
            memory.destroyed(id);
            events(id).emit(GroupEvent.Type.FREED, "Freed: no longer managed here; the instances are left as they are", null, null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        return watched(id).describe();
    }

    /**
     * Destroys a group: from now on its loop drains and destroys every member until a listing shows none, through
     * failures and restarts (the state says so). Waits for that a little, then answers; destroying a group
     * being destroyed is accepted.
     */
    @Override
    public void destroyGroup(String id) throws PluginException {
        GroupSupervisor supervisor;
        ReentrantLock lock = lock(id);
        try {
            supervisor = watched(id);
        } finally {
            lock.unlock();
        }
        try {
            supervisor.destroy().get(destroyWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // accepted: the loop goes on destroying, and DescribeGroup says how far it got
        } catch (ExecutionException e) {
            throw new PluginException("Destroying group '" + id + "' failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<GroupStatus> status(String id) throws PluginException {
        if (id == null || id.isEmpty()) {
            return groups.values().stream().map(g -> g.status(false)).sorted(Comparator.comparing(GroupStatus::id)).toList();
        }
        return List.of(watched(id).status(true));
    }

    @Override
    public List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
        GroupJournal j = journal;
        if (j == null) {
            throw new PluginException("The group events journal is not available");
        }
        try {
            return j.read(id == null ? "" : id, after, limit, waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for events of group '" + id + "'");
        }
    }

    @Override
    public List<Revision> history(String id) throws PluginException {
        throw new PluginException("Revisions are kept by the manager: ask the 'group' plugin (this is the stateless group plugin)");
    }

    @Override
    public String rollback(String id, int revision, String source) throws PluginException {
        throw new PluginException("Revisions are kept by the manager: ask the 'group' plugin (this is the stateless group plugin)");
    }

    @Override
    public String pause(String id, String source) throws PluginException {
        return watched(id).pause(source);
    }

    @Override
    public String resume(String id, String source) throws PluginException {
        return watched(id).resume(source);
    }

    @Override
    public String stop(String id, String source) throws PluginException {
        return watched(id).stopRollout(source);
    }

    /** Where a group's events go. */
    private Events events(String id) {
        return new Events(id, () -> journal, observers);
    }

    @Override
    public List<GroupSpec> inspectGroups() {
        return groups.values().stream().map(g -> g.desired().spec()).sorted(Comparator.comparing(GroupSpec::id)).toList();
    }

    private GroupSupervisor watched(String id) throws PluginException {
        GroupSupervisor supervisor = groups.get(id == null ? "" : id);
        if (supervisor == null) {
            throw new PluginException("Group '" + id + "' is not being watched");
        }
        return supervisor;
    }

    /** The lock of one group's commits, frees and destroys; never held during another group's calls. */
    private ReentrantLock lock(String id) throws PluginException {
        ReentrantLock lock = locks.computeIfAbsent(id == null ? "" : id, k -> new ReentrantLock());
        try {
            if (!lock.tryLock(2 * calls.timeoutMillis() + 1000, TimeUnit.MILLISECONDS)) {
                throw new PluginException("Group '" + id + "' is busy with another commit, free or destroy; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for group '" + id + "'");
        }
        return lock;
    }

    /**
     * Checks a group ID: not blank, printable (no control characters, no NUL), at most 255 bytes.
     *
     * @param id the ID
     * @throws PluginException if it is not a valid ID
     */
    static void checkId(String id) throws PluginException {
        if (id == null || id.isBlank()) {
            throw new PluginException("Group ID must not be blank");
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw new PluginException("Group ID must be at most " + MAX_ID_BYTES + " bytes long");
        }
        if (id.codePoints().anyMatch(c -> Character.isISOControl(c) || !Character.isDefined(c)
                || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.SURROGATE)) {
            throw new PluginException("Group ID must be printable, without control characters: " + id.codePoints()
                    .mapToObj(c -> Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c))
                    .reduce("", String::concat));
        }
    }

    /** A spec's properties, strictly checked unless it was accepted once already ({@code strict} false). */
    private GroupSupervisor.Desired resolve(GroupSpec spec, boolean strict) throws PluginException {
        JsonCodec codec = json.get();
        GroupProperties properties = GroupProperties.parse(spec.properties(), codec, strict);
        return new GroupSupervisor.Desired(spec, properties, ConfigSha.of(properties, codec));
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
