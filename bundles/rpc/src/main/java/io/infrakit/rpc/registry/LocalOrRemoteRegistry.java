package io.infrakit.rpc.registry;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.config.PluginsDirectory;
import io.infrakit.rpc.config.RpcConfig;
import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.server.ServiceBindings;
import io.infrakit.rpc.server.SocketFiles;
import io.infrakit.rpc.wire.CommonMessages.Vendor;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.observe.ControllerObserver;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The plugin registry: a local service registered under the name wins; otherwise a socket of that name
 * in the plugins directory is called through a client proxy. Proxies are cached per socket file, so a
 * plugin process that restarts (a new socket file) is handshaken again. While a {@link ControllerObserver}
 * is registered, every plugin handed out is wrapped so that each of its calls is timed and told to the observers
 * (see {@link ObservedPlugin}; not {@code InstanceChanges}, whose calls wait for changes); with none, plugins are
 * handed out as they are.
 */
@Component(service = PluginRegistry.class, configurationPid = RpcConfig.PID)
public final class LocalOrRemoteRegistry implements PluginRegistry {

    private static final Duration LISTING_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private record ProxyKey(String name, String type, Spi spi) {
    }

    private record Proxy(Object fileKey, Object plugin) {
    }

    private final LocalPlugins local;
    private final PluginHost host;
    private final Path dir;
    private final RpcClient client;
    private final Map<ProxyKey, Proxy> proxies = new ConcurrentHashMap<>();
    private final List<ControllerObserver> observers = new CopyOnWriteArrayList<>();

    /**
     * Creates the registry (from DS).
     *
     * @param config the RPC configuration
     * @param local the local plugin services
     * @param host the plugin host, to report sockets that could not be opened
     */
    @Activate
    public LocalOrRemoteRegistry(RpcConfig config, @Reference LocalPlugins local, @Reference PluginHost host) {
        this(local, host, PluginsDirectory.resolve(config.plugins_dir()), new RpcClient(Duration.ofMillis(config.call_timeout_ms())));
    }

    /**
     * Creates a registry.
     *
     * @param local the local plugin services
     * @param host the plugin host, or {@code null}
     * @param dir the plugins directory
     * @param client the client for remote plugins (closed with the registry)
     */
    public LocalOrRemoteRegistry(LocalPlugins local, PluginHost host, Path dir, RpcClient client) {
        this.local = local;
        this.host = host;
        this.dir = dir;
        this.client = client;
    }

    /**
     * Adds an observer of plugin calls: from now on, plugins looked up are timed.
     *
     * @param observer the observer
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addObserver(ControllerObserver observer) {
        observers.add(observer);
    }

    /**
     * Removes an observer of plugin calls.
     *
     * @param observer the observer
     */
    public void removeObserver(ControllerObserver observer) {
        observers.remove(observer);
    }

    /** Closes the connections to remote plugins. */
    @Deactivate
    public void close() {
        client.close();
    }

    @Override
    public <T> T lookup(String name, Class<T> spiType) throws PluginNotFoundException {
        Spi spi = Spi.of(spiType);
        T plugin = find(name, spi, spiType);
        return observers.isEmpty() || !ObservedPlugin.isTimed(spi) ? plugin : ObservedPlugin.wrap(name, spi, spiType, plugin, observers);
    }

    private <T> T find(String name, Spi spi, Class<T> spiType) throws PluginNotFoundException {
        PluginName plugin = PluginName.parse(name);
        ServiceBindings bindings = local.get(plugin.name());
        if (bindings != null) {
            Object service = awaitLocal(bindings, spi, plugin.type());
            if (service != null) {
                return spiType.cast(service);
            }
            if (!bindings.isEmpty()) {
                throw new PluginNotFoundException("Plugin " + plugin + " does not implement " + spi.spec()
                        + (plugin.type().isEmpty() ? "" : " for type '" + plugin.type() + "'") + " (it implements "
                        + bindings.interfaces() + (bindings.types().isEmpty() ? "" : " with types " + bindings.types()) + ")");
            }
        }
        Path socket = dir.resolve(plugin.name());
        Object fileKey = fileKey(socket);
        ProxyKey key = new ProxyKey(plugin.name(), plugin.type(), spi);
        if (fileKey == null) {
            proxies.remove(key);
            throw new PluginNotFoundException("Plugin not found: " + plugin + " (looked up using local services and " + socket + ")");
        }
        Proxy proxy = proxies.compute(key, (k, old) -> old != null && old.fileKey().equals(fileKey)
                ? old : new Proxy(fileKey, client.connect(socket, plugin.type(), spiType)));
        return spiType.cast(proxy.plugin());
    }

    private Object awaitLocal(ServiceBindings bindings, Spi spi, String type) throws PluginNotFoundException {
        try {
            return bindings.await(spi, type, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(local.graceMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginNotFoundException("Interrupted while waiting for plugin " + bindings.name());
        }
    }

    @Override
    public List<PluginInfo> plugins() {
        Map<String, PluginInfo> found = new TreeMap<>();
        for (ServiceBindings b : local.all()) {
            if (!b.isEmpty()) {
                Path socket = dir.resolve(b.name());
                String problem = host == null ? null : host.problem(b.name());
                found.put(b.name(), new PluginInfo(b.name(), true, b.interfaces(), b.types(),
                        SocketFiles.isSocket(socket) ? socket.toString() : null, problem, bundle(b.vendor())));
            }
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(SocketFiles::isSocket)
                    .filter(p -> PluginName.isValidName(p.getFileName().toString()))
                    .filter(p -> !found.containsKey(p.getFileName().toString()))
                    .forEach(p -> found.put(p.getFileName().toString(), remote(p)));
        } catch (IOException e) {
            // no plugins directory: only local plugins
        }
        return List.copyOf(found.values());
    }

    /** A bundle as {@code symbolic-name/version}, {@code null} when unknown. */
    private static String bundle(Vendor vendor) {
        return vendor == null ? null : vendor.name() + "/" + vendor.version();
    }

    private PluginInfo remote(Path socket) {
        String name = socket.getFileName().toString();
        try {
            List<InterfaceSpec> specs = client.handshake(socket, LISTING_HANDSHAKE_TIMEOUT);
            return new PluginInfo(name, false, specs, List.of(), socket.toString(), null);
        } catch (PluginException e) {
            return new PluginInfo(name, false, List.of(), List.of(), socket.toString(), e.getMessage());
        }
    }

    /** Identifies one socket file: a plugin that restarts binds a new one (the inode may be reused, the time differs). */
    private static Object fileKey(Path socket) {
        if (!SocketFiles.isSocket(socket)) {
            return null;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return List.of(Objects.requireNonNullElse(attributes.fileKey(), ""), attributes.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }
}
