package io.infrakit.manager;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.Fence;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupStates;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.observe.ControllerObserver;
import io.infrakit.spi.registry.PluginRegistry;

import org.osgi.framework.Constants;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The manager as an OSGi service: the plugin {@code group} (Group and Manager on one socket), run by a
 * {@link GroupManager} on the backend its configuration names. The backends are services of their own
 * ({@link Leadership} and {@link GroupStore} with {@value Leadership#BACKEND_PROPERTY}); while the chosen
 * one is missing the endpoint answers with an error saying which feature provides it, and when it goes
 * away the manager stops acting at once.
 */
@Component(service = {GroupPlugin.class, GroupControl.class, Manager.class, GroupStates.class, Fence.class}, configurationPid = ManagerComponent.PID,
        immediate = true)
@Designate(ocd = ManagerComponent.Config.class)
public final class ManagerComponent implements GroupPlugin, GroupControl, Manager, GroupStates, Fence {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.manager";

    /** Configuration of the manager. */
    @ObjectClassDefinition(name = "InfraKit manager", description = "Leader election and persisted groups in front of the stateless group plugin.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name clients use (Group and Manager), and its socket's name.")
        String infrakit_plugin_name() default "group";

        /** @return the name in the election */
        @AttributeDefinition(name = "Manager name", required = false,
                description = "The name this manager goes by in the election (unique among the managers sharing a backend). Empty: the plugin name.")
        String manager_name() default "";

        /** @return the backend */
        @AttributeDefinition(name = "Backend", description = "Where leadership and the groups are kept: file, zookeeper or swarm.")
        String backend() default "file";

        /** @return the stateless group plugin */
        @AttributeDefinition(name = "Group plugin", description = "The stateless group plugin the manager forwards to.")
        String proxy_for_group() default "group-stateless";

        /** @return the call timeout */
        @AttributeDefinition(name = "Call timeout (ms)", description = "The longest a commit, free or destroy waits for the manager.")
        long call_timeout_ms() default 60000;

        /** @return the resync interval */
        @AttributeDefinition(name = "Resync interval (ms)",
                description = "How often the leader checks that the group plugin runs every stored group, and commits those it does not.")
        long resync_interval_ms() default 1000;

        /** @return how many revisions of each group are kept */
        @AttributeDefinition(name = "History limit", description = "How many revisions of each group are kept (a rollback can go back to any of them).")
        int history_limit() default GroupManager.DEFAULT_HISTORY_LIMIT;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ManagerComponent.class);

    private final String backend;
    private final GroupManager.Settings settings;
    private volatile PluginRegistry registry;
    private final JsonCodecReference json = new JsonCodecReference();
    private final Map<Long, Candidate<Leadership>> leaderships = new TreeMap<>();
    private final Map<Long, Candidate<GroupStore>> stores = new TreeMap<>();
    private final List<ControllerObserver> observers = new CopyOnWriteArrayList<>();

    /** A backend service and the backend it belongs to. */
    private record Candidate<T>(T service, String backend) {

        static <T> Candidate<T> of(T service, Map<String, Object> properties) {
            return new Candidate<>(service, String.valueOf(properties.get(Leadership.BACKEND_PROPERTY)));
        }
    }

    private Leadership usedLeadership;
    private GroupStore usedStore;
    private volatile GroupManager manager;
    private boolean active = true;

    /**
     * Creates the component (DS).
     *
     * @param config its configuration
     */
    @Activate
    public ManagerComponent(Config config) {
        String pluginName = config.infrakit_plugin_name();
        if (config.proxy_for_group().equals(pluginName)) {
            throw new IllegalArgumentException("The manager " + pluginName + " cannot forward to itself: set proxy.for.group to the group plugin's name");
        }
        this.backend = config.backend().trim();
        String name = config.manager_name() == null || config.manager_name().isBlank() ? pluginName : config.manager_name().trim();
        this.settings = new GroupManager.Settings(name, config.proxy_for_group(), config.call_timeout_ms(), Math.max(100, config.resync_interval_ms()),
                Math.max(1, config.history_limit()));
    }

    /**
     * The plugin registry: dynamic, so an update of the rpc bundle does not restart the manager.
     *
     * @param registry the registry
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setRegistry(PluginRegistry registry) {
        this.registry = registry;
    }

    void unsetRegistry(PluginRegistry registry) {
        if (this.registry == registry) {
            this.registry = null;
        }
    }

    /**
     * The JSON codec: dynamic, so an update of the rpc bundle does not restart the manager.
     *
     * @param json the codec
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec json) {
        this.json.bind(json);
    }

    void unsetJson(JsonCodec json) {
        this.json.unbind(json);
    }

    /**
     * Adds an observer: told of every load and save of the store that fails.
     *
     * @param observer the observer
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addObserver(ControllerObserver observer) {
        observers.add(observer);
    }

    void removeObserver(ControllerObserver observer) {
        observers.remove(observer);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindLeadership(Leadership leadership, Map<String, Object> properties) {
        added(leaderships, leadership, properties);
    }

    synchronized void unbindLeadership(Leadership leadership, Map<String, Object> properties) {
        removed(leaderships, leadership == usedLeadership, properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindStore(GroupStore store, Map<String, Object> properties) {
        added(stores, store, properties);
    }

    synchronized void unbindStore(GroupStore store, Map<String, Object> properties) {
        removed(stores, store == usedStore, properties);
    }

    private <T> void added(Map<Long, Candidate<T>> candidates, T service, Map<String, Object> properties) {
        candidates.put(serviceId(properties), Candidate.of(service, properties));
        if (backend.equals(Candidate.of(service, properties).backend())) {
            refresh();
        }
    }

    private <T> void removed(Map<Long, Candidate<T>> candidates, boolean inUse, Map<String, Object> properties) {
        candidates.remove(serviceId(properties));
        if (inUse) {
            refresh();
        }
    }

    /** Stops acting and leaves the election. */
    @Deactivate
    synchronized void deactivate() {
        active = false;
        refresh();
    }

    /** Runs a manager on the chosen backend's services when both are there, and none otherwise. */
    private void refresh() {
        Leadership leadership = active ? chosen(leaderships) : null;
        GroupStore store = active ? chosen(stores) : null;
        if (leadership == usedLeadership && store == usedStore) {
            return;
        }
        GroupManager old = manager;
        manager = null;
        if (old != null) {
            old.close();
        }
        usedLeadership = leadership;
        usedStore = store;
        if (leadership == null || store == null) {
            return;
        }
        GroupManager next = new GroupManager(settings, leadership, store, () -> this.registry, json::current, observers);
        try {
            next.start();
            manager = next;
            LOG.info("Manager {} runs on the {} backend: {}", settings.name(), backend, leadership);
        } catch (PluginException | RuntimeException e) {
            next.close();
            LOG.error("Manager {} cannot join the {} backend: {}", settings.name(), backend, e.getMessage());
        }
    }

    /** The first registered service of the chosen backend. */
    private <T> T chosen(Map<Long, Candidate<T>> candidates) {
        return candidates.values().stream().filter(c -> c.backend().equals(backend)).map(Candidate::service).findFirst().orElse(null);
    }

    private static long serviceId(Map<String, Object> properties) {
        return ((Number) properties.get(Constants.SERVICE_ID)).longValue();
    }

    private GroupManager manager() throws PluginException {
        GroupManager m = manager;
        if (m == null) {
            throw new PluginException(unavailable());
        }
        return m;
    }

    private String unavailable() {
        return "The manager's " + backend + " backend is not available"
                + (backend.equals("file") ? "" : " (is the feature infrakit-manager-" + backend + " installed and configured?)");
    }

    @Override
    public boolean isLeader() {
        GroupManager m = manager;
        return m != null && m.isLeader();
    }

    @Override
    public LeaderStatus status() {
        GroupManager m = manager;
        return m == null ? LeaderStatus.unknown(unavailable()) : m.status();
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        return manager().commitGroup(spec, pretend);
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        manager().freeGroup(id);
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        return manager().describeGroup(id);
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        manager().destroyGroup(id);
    }

    @Override
    public List<GroupSpec> inspectGroups() throws PluginException {
        return manager().inspectGroups();
    }

    @Override
    public String commit(GroupSpec spec, boolean pretend, String source) throws PluginException {
        return manager().commit(spec, pretend, source);
    }

    @Override
    public List<GroupStatus> status(String id) throws PluginException {
        return manager().status(id);
    }

    @Override
    public List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
        return manager().events(id, after, limit, waitMillis);
    }

    @Override
    public List<Revision> history(String id) throws PluginException {
        return manager().history(id);
    }

    @Override
    public String rollback(String id, int revision, String source) throws PluginException {
        return manager().rollback(id, revision, source);
    }

    @Override
    public String pause(String id, String source) throws PluginException {
        return manager().pause(id, source);
    }

    @Override
    public String resume(String id, String source) throws PluginException {
        return manager().resume(id, source);
    }

    @Override
    public String stop(String id, String source) throws PluginException {
        return manager().stop(id, source);
    }

    @Override
    public void check() throws PluginException {
        manager().check();
    }

    @Override
    public GroupState load(String id) throws PluginException {
        return manager().load(id);
    }

    @Override
    public void save(String id, GroupState state) throws PluginException {
        manager().save(id, state);
    }

    @Override
    public void destroyed(String id) throws PluginException {
        manager().destroyed(id);
    }
}
