package io.infrakit.group;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
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

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The default group plugin: one {@link GroupSupervisor} per committed group. After a restart,
 * committing the same group adopts its instances by their tags. Immediate, so that its groups keep
 * converging while nothing holds the service (a delayed component would be deactivated, and its groups
 * forgotten, whenever the rpc bundle restarts and lets go of it).
 */
@Component(service = GroupPlugin.class, configurationPid = DefaultGroupPlugin.PID, immediate = true)
@Designate(ocd = DefaultGroupPlugin.Config.class)
public final class DefaultGroupPlugin implements GroupPlugin {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.group";

    /** Configuration of the group plugin. */
    @ObjectClassDefinition(name = "InfraKit default group plugin", description = "Keeps declared groups of instances converged.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "group";

        /** @return the poll interval */
        @AttributeDefinition(name = "Poll interval (ms)", description = "How often each group is checked and converged.")
        long poll_interval_ms() default 1000;

        /** @return how many creations or removals run at once */
        @AttributeDefinition(name = "Parallelism", description = "How many instances are created or removed at once, per group.")
        int max_parallel() default 10;

        /** @return the cap on creations per cycle */
        @AttributeDefinition(name = "Creations per cycle", description = "The most instances one cycle creates for a group.")
        int max_creations_per_cycle() default 50;

        /** @return the grace period for unhealthy members */
        @AttributeDefinition(name = "Unhealthy grace (ms)", description = "How long a member may stay unhealthy before it is replaced.")
        long unhealthy_grace_ms() default 30000;

        /** @return how long a created instance may stay unlisted */
        @AttributeDefinition(name = "Listing timeout (ms)",
                description = "How long a created instance counts as a member before it appears in its plugin's listing; "
                        + "then, if the plugin has it without the group's tag, the group stops creating.")
        long pending_timeout_ms() default 5000;

        /** @return the timeout of one plugin call */
        @AttributeDefinition(name = "Call timeout (ms)", description = "The longest one call into an instance or flavor plugin may take.")
        long call_timeout_ms() default 120000;
    }

    private volatile PluginRegistry registry;
    private volatile JsonCodec json;

    private final Map<String, GroupSupervisor> groups = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final ExecutorService callPool;
    private final PluginCalls calls;
    private final GroupSupervisor.Settings settings;

    /**
     * Creates the plugin (from DS).
     *
     * @param config its configuration
     */
    @Activate
    public DefaultGroupPlugin(Config config) {
        this(config, null, null);
    }

    /**
     * Creates the plugin with its services given (tests, tools).
     *
     * @param config its configuration
     * @param registry the plugin registry
     * @param json the JSON codec
     */
    public DefaultGroupPlugin(Config config, PluginRegistry registry, JsonCodec json) {
        this.registry = registry;
        this.json = json;
        this.scheduler = Executors.newScheduledThreadPool(2, threads("infrakit-group-loop"));
        this.workers = Executors.newCachedThreadPool(threads("infrakit-group-worker"));
        this.callPool = Executors.newCachedThreadPool(threads("infrakit-group-call"));
        Supplier<PluginRegistry> r = () -> this.registry;
        this.calls = new PluginCalls(r, callPool, config.call_timeout_ms());
        this.settings = new GroupSupervisor.Settings(Math.max(10, config.poll_interval_ms()), Math.max(1, config.max_parallel()),
                Math.max(1, config.max_creations_per_cycle()), config.unhealthy_grace_ms(), config.pending_timeout_ms(),
                System::currentTimeMillis);
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
        this.json = json;
    }

    void unsetJson(JsonCodec json) {
        if (this.json == json) {
            this.json = null;
        }
    }

    /** Stops every group's loop; instances are left as they are. */
    @Deactivate
    public void close() {
        groups.values().forEach(GroupSupervisor::stop);
        groups.clear();
        scheduler.shutdownNow();
        workers.shutdownNow();
        callPool.shutdownNow();
    }

    @Override
    public synchronized String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        if (spec == null || spec.id().isBlank()) {
            throw new PluginException("Group ID must not be blank");
        }
        JsonCodec codec = codec();
        GroupProperties properties = GroupProperties.parse(spec.properties(), codec);
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
        String sha = ConfigSha.of(properties, codec);
        GroupSupervisor.Desired desired = new GroupSupervisor.Desired(spec, properties, sha);
        GroupSupervisor existing = groups.get(spec.id());
        String details;
        if (existing == null) {
            details = Plans.manage(properties);
            if (!pretend) {
                GroupSupervisor supervisor = new GroupSupervisor(spec.id(), calls, settings, scheduler, workers);
                groups.put(spec.id(), supervisor);
                supervisor.commit(desired);
            }
        } else {
            GroupSupervisor.Desired current = existing.desired();
            List<Description> members = calls.call("DescribeInstances of " + properties.instance().plugin(),
                    () -> instance.describeInstances(Map.of(ConfigSha.GROUP_TAG, spec.id())));
            details = Plans.update(current.properties(), properties, current.sha(), sha, members);
            if (!pretend) {
                existing.commit(desired);
            }
        }
        return details;
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        watched(id, true).stop();
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        return watched(id, false).describe();
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        GroupSupervisor supervisor = watched(id, true);
        supervisor.stop();
        supervisor.destroyAll();
    }

    @Override
    public List<GroupSpec> inspectGroups() {
        return groups.values().stream().map(g -> g.desired().spec()).sorted(Comparator.comparing(GroupSpec::id)).toList();
    }

    private GroupSupervisor watched(String id, boolean remove) throws PluginException {
        GroupSupervisor supervisor;
        synchronized (this) {
            supervisor = remove ? groups.remove(id == null ? "" : id) : groups.get(id == null ? "" : id);
        }
        if (supervisor == null) {
            throw new PluginException("Group '" + id + "' is not being watched");
        }
        return supervisor;
    }

    private JsonCodec codec() throws PluginException {
        JsonCodec codec = json;
        if (codec == null) {
            throw new PluginException("The JSON codec service is not available (is the infrakit rpc bundle running?)");
        }
        return codec;
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
