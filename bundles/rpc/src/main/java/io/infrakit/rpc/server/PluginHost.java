package io.infrakit.rpc.server;

import io.infrakit.rpc.config.PluginsDirectory;
import io.infrakit.rpc.config.RpcConfig;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serves every local plugin on a Unix socket {@code <plugins dir>/<name>}. The host, not the plugin
 * bundle, owns the socket: when the service behind a name is replaced the socket stays open and
 * requests wait for the new service; only when a name has had no service for the replacement timeout is
 * its socket removed. One Jetty server, one connector per socket.
 */
@Component(service = PluginHost.class, immediate = true, configurationPid = RpcConfig.PID)
@Designate(ocd = RpcConfig.class)
public final class PluginHost implements LocalPlugins.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    /** How much longer than the replacement timeout a socket stays, so requests that waited the whole timeout still get their answer. */
    private static final long CLOSE_MARGIN_MILLIS = 1000;

    /** An open socket. */
    private record Endpoint(String name, Path socket, UnixDomainServerConnector connector) {
    }

    private final LocalPlugins local;
    private final Path dir;
    private final String group;
    private final long idleTimeoutMillis;
    private final Server server;
    private final Scheduler scheduler;
    private final RpcHandler handler;
    private final HttpConfiguration http;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Scheduler.Task> expiries = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    /**
     * Starts the host (from DS).
     *
     * @param config the RPC configuration
     * @param local the local plugin services
     * @throws Exception if the server cannot start
     */
    @Activate
    public PluginHost(RpcConfig config, @Reference LocalPlugins local) throws Exception {
        this(local, PluginsDirectory.resolve(config.plugins_dir()), config.socket_group(), config.idle_timeout_ms(), config.max_body_bytes());
    }

    /**
     * Starts a host.
     *
     * @param local the local plugin services
     * @param dir the plugins directory
     * @param group a group allowed to use the sockets, or empty
     * @param idleTimeoutMillis connection idle timeout
     * @param maxBodyBytes the largest request body
     * @throws Exception if the server cannot start
     */
    public PluginHost(LocalPlugins local, Path dir, String group, long idleTimeoutMillis, int maxBodyBytes) throws Exception {
        this.local = local;
        this.dir = dir;
        this.group = group;
        this.idleTimeoutMillis = idleTimeoutMillis;
        QueuedThreadPool pool = new QueuedThreadPool(256, 4);
        pool.setName("infrakit-rpc");
        this.server = new Server(pool);
        this.scheduler = new ScheduledExecutorScheduler("infrakit-rpc-scheduler", true);
        server.addBean(scheduler);
        this.http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.handler = new RpcHandler(new Dispatcher(local), name -> {
            ServiceBindings b = local.get(name);
            return b == null ? ApiDescription.describe(java.util.List.of(), null) : ApiDescription.describe(b.interfaces(), b.vendor());
        }, maxBodyBytes);
        server.setHandler(handler);
        server.start();
        SocketFiles.ensureDirectory(dir, group);
        LOG.info("Serving plugins on sockets in {}", dir);
        local.addListener(this);
    }

    /**
     * The plugins directory.
     *
     * @return the directory holding the sockets
     */
    public Path directory() {
        return dir;
    }

    /**
     * Why a plugin has no socket, if opening it failed.
     *
     * @param name the plugin name
     * @return the reason, or {@code null}
     */
    public String problem(String name) {
        return problems.get(name);
    }

    /** Closes every socket and stops the server. */
    @Deactivate
    public void close() {
        local.removeListener(this);
        endpoints.keySet().forEach(this::closeEndpoint);
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the plugin host failed", e);
        }
    }

    @Override
    public void added(ServiceBindings bindings) {
        String name = bindings.name();
        Scheduler.Task expiry = expiries.remove(name);
        if (expiry != null) {
            expiry.cancel();
        }
        if (!endpoints.containsKey(name)) {
            open(name);
        }
    }

    @Override
    public void emptied(ServiceBindings bindings) {
        String name = bindings.name();
        Scheduler.Task task = scheduler.schedule(() -> local.expire(bindings, () -> {
            expiries.remove(name);
            closeEndpoint(name);
            problems.remove(name);
        }), local.graceMillis() + CLOSE_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
        Scheduler.Task previous = expiries.put(name, task);
        if (previous != null) {
            previous.cancel();
        }
    }

    private void open(String name) {
        Path socket = dir.resolve(name);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 0, 1, new HttpConnectionFactory(http));
        try {
            SocketFiles.checkLength(socket);
            SocketFiles.claim(socket);
            connector.setUnixDomainPath(socket);
            connector.setIdleTimeout(idleTimeoutMillis);
            connector.setAcceptQueueSize(1024);
            handler.serve(connector, name);
            server.addConnector(connector);
            connector.start();
            SocketFiles.restrict(socket, group);
            endpoints.put(name, new Endpoint(name, socket, connector));
            problems.remove(name);
            LOG.info("Plugin {} listening on {}", name, socket);
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            problems.put(name, reason);
            LOG.error("Cannot serve plugin {}: {}", name, reason);
            stop(connector);
        }
    }

    private void closeEndpoint(String name) {
        Endpoint endpoint = endpoints.remove(name);
        if (endpoint == null) {
            return;
        }
        // requests still arriving on open connections are told the plugin is gone; then unlink before
        // stopping: stopping a connector that is still reachable can leave a just-accepted client hanging
        handler.forget(endpoint.connector());
        try {
            Files.deleteIfExists(endpoint.socket());
        } catch (IOException e) {
            LOG.warn("Cannot remove socket {}", endpoint.socket(), e);
        }
        stop(endpoint.connector());
        LOG.info("Plugin {} is gone; socket {} removed", name, endpoint.socket());
    }

    private void stop(UnixDomainServerConnector connector) {
        try {
            connector.stop();
        } catch (Exception e) {
            LOG.warn("Stopping connector {} failed", connector, e);
        }
        server.removeConnector(connector);
        handler.forget(connector);
    }
}
