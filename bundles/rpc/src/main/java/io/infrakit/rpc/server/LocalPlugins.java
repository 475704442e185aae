package io.infrakit.rpc.server;

import io.infrakit.rpc.config.RpcConfig;
import io.infrakit.rpc.wire.CommonMessages.Vendor;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.manager.Manager;

import org.osgi.framework.Constants;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The whiteboard: every plugin service registered in this framework with
 * {@value PluginName#SERVICE_PROPERTY}, by name. The plugin host serves them on sockets and the registry
 * hands them out; both read them from here.
 */
@Component(service = LocalPlugins.class, configurationPid = RpcConfig.PID)
public final class LocalPlugins {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPlugins.class);

    /** Told when a plugin name appears and when its last service goes away. */
    public interface Listener {
        /**
         * A service was added under a name.
         *
         * @param bindings the services of that name
         */
        void added(ServiceBindings bindings);

        /**
         * The last service of a name went away; it may come back within the replacement timeout.
         *
         * @param bindings the (now empty) services of that name
         */
        void emptied(ServiceBindings bindings);
    }

    private final long graceMillis;
    /** Read without locking by every request; written under this object's lock. */
    private final Map<String, ServiceBindings> byName = new ConcurrentSkipListMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates the whiteboard.
     *
     * @param config the RPC configuration
     */
    @Activate
    public LocalPlugins(RpcConfig config) {
        this.graceMillis = Math.max(0, config.replacement_timeout_ms());
    }

    /**
     * Creates a whiteboard outside OSGi (tests, tools).
     *
     * @param graceMillis the replacement timeout
     */
    public LocalPlugins(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    /**
     * The replacement timeout.
     *
     * @return milliseconds
     */
    public long graceMillis() {
        return graceMillis;
    }

    /**
     * The services of a name.
     *
     * @param name a plugin name
     * @return the bindings, or {@code null} when nothing was ever registered under it (or it expired)
     */
    public ServiceBindings get(String name) {
        return byName.get(name);
    }

    /**
     * A snapshot of every known name's bindings.
     *
     * @return the bindings, sorted by name
     */
    public synchronized List<ServiceBindings> all() {
        return List.copyOf(byName.values());
    }

    /**
     * Adds a listener and tells it about every name already present.
     *
     * @param listener the listener
     */
    public synchronized void addListener(Listener listener) {
        listeners.add(listener);
        byName.values().stream().filter(b -> !b.isEmpty()).forEach(listener::added);
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener
     */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /**
     * Forgets a name whose services are gone, unless one came back meanwhile. The callback runs under
     * the same lock as the listeners, so it cannot interleave with the name coming back.
     *
     * @param bindings the bindings of that name
     * @param whenExpired what to do if the name was forgotten
     */
    public synchronized void expire(ServiceBindings bindings, Runnable whenExpired) {
        if (bindings.isEmpty() && byName.get(bindings.name()) == bindings) {
            byName.remove(bindings.name());
            whenExpired.run();
        }
    }

    /**
     * Adds a service.
     *
     * @param spi its interface
     * @param properties its service properties
     * @param service the service object
     */
    public void add(Spi spi, Map<String, ?> properties, Object service) {
        add(spi, properties, () -> service, null);
    }

    /**
     * Adds a service whose object is fetched at its first use.
     *
     * @param spi its interface
     * @param properties its service properties
     * @param service gives the service object
     * @param vendor the bundle that registered it, {@code null} when unknown
     */
    public synchronized void add(Spi spi, Map<String, ?> properties, Supplier<Object> service, Vendor vendor) {
        PluginName name = nameOf(properties);
        if (name == null) {
            return;
        }
        ServiceBindings bindings = byName.computeIfAbsent(name.name(), n -> new ServiceBindings(n, graceMillis));
        bindings.add(spi, name.type(), ServiceBindings.Binding.lazy(service, serviceId(properties), ranking(properties), vendor));
        LOG.info("Plugin {} ({} {}) registered", name, spi.spec().name(), spi.spec().version());
        listeners.forEach(l -> l.added(bindings));
    }

    /**
     * Removes a service.
     *
     * @param spi its interface
     * @param properties its service properties
     */
    public synchronized void remove(Spi spi, Map<String, ?> properties) {
        PluginName name = nameOf(properties);
        if (name == null) {
            return;
        }
        ServiceBindings bindings = byName.get(name.name());
        if (bindings != null && bindings.remove(spi, name.type(), serviceId(properties))) {
            LOG.info("Plugin {} has no service left", name.name());
            listeners.forEach(l -> l.emptied(bindings));
        }
    }

    private static PluginName nameOf(Map<String, ?> properties) {
        Object name = properties.get(PluginName.SERVICE_PROPERTY);
        Object type = properties.get(PluginName.TYPE_SERVICE_PROPERTY);
        if (!(name instanceof String) || (type != null && !(type instanceof String))) {
            LOG.warn("Ignoring plugin service {}: {} and {} must be strings", properties.get(Constants.SERVICE_ID),
                    PluginName.SERVICE_PROPERTY, PluginName.TYPE_SERVICE_PROPERTY);
            return null;
        }
        try {
            return new PluginName((String) name, (String) type);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring plugin service {}: {}", properties.get(Constants.SERVICE_ID), e.getMessage());
            return null;
        }
    }

    private static long serviceId(Map<String, ?> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long id ? id : 0L;
    }

    private static int ranking(Map<String, ?> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
    }

    private static Vendor vendor(ComponentServiceObjects<?> plugin) {
        Bundle bundle = plugin.getServiceReference().getBundle();
        if (bundle == null) {
            return null;
        }
        return new Vendor(bundle.getSymbolicName(), bundle.getVersion().toString(), bundle.getHeaders("").get(Constants.BUNDLE_DOCURL));
    }

    private static final String TARGET = "(" + PluginName.SERVICE_PROPERTY + "=*)";

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void bindInstance(ComponentServiceObjects<InstancePlugin> plugin, Map<String, Object> properties) {
        add(Spi.INSTANCE, properties, plugin::getService, vendor(plugin));
    }

    void unbindInstance(ComponentServiceObjects<InstancePlugin> plugin, Map<String, Object> properties) {
        remove(Spi.INSTANCE, properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void bindInstanceChanges(ComponentServiceObjects<InstanceChanges> plugin, Map<String, Object> properties) {
        add(Spi.INSTANCE_CHANGES, properties, plugin::getService, vendor(plugin));
    }

    void unbindInstanceChanges(ComponentServiceObjects<InstanceChanges> plugin, Map<String, Object> properties) {
        remove(Spi.INSTANCE_CHANGES, properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void bindFlavor(ComponentServiceObjects<FlavorPlugin> plugin, Map<String, Object> properties) {
        add(Spi.FLAVOR, properties, plugin::getService, vendor(plugin));
    }

    void unbindFlavor(ComponentServiceObjects<FlavorPlugin> plugin, Map<String, Object> properties) {
        remove(Spi.FLAVOR, properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void bindGroup(ComponentServiceObjects<GroupPlugin> plugin, Map<String, Object> properties) {
        add(Spi.GROUP, properties, plugin::getService, vendor(plugin));
    }

    void unbindGroup(ComponentServiceObjects<GroupPlugin> plugin, Map<String, Object> properties) {
        remove(Spi.GROUP, properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void bindManager(ComponentServiceObjects<Manager> plugin, Map<String, Object> properties) {
        add(Spi.MANAGER, properties, plugin::getService, vendor(plugin));
    }

    void unbindManager(ComponentServiceObjects<Manager> plugin, Map<String, Object> properties) {
        remove(Spi.MANAGER, properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void bindGroupControl(ComponentServiceObjects<GroupControl> plugin, Map<String, Object> properties) {
        add(Spi.GROUP_CONTROL, properties, plugin::getService, vendor(plugin));
    }

    void unbindGroupControl(ComponentServiceObjects<GroupControl> plugin, Map<String, Object> properties) {
        remove(Spi.GROUP_CONTROL, properties);
    }
}
