package io.infrakit.web;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.observe.ControllerObserver;
import io.infrakit.spi.registry.PluginRegistry;
import io.infrakit.spi.web.WebConsole;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The operator's local HTTP endpoint: the web console, {@code /metrics} and {@code /health} on one Jetty connector,
 * on {@code 127.0.0.1:8624} unless configured otherwise. It is also where the controller's measurements arrive (a
 * {@link ControllerObserver}) and where the journal's instance events are counted (an Event Admin handler), since
 * nothing else needs them.
 */
@Component(service = {WebConsole.class, ControllerObserver.class, EventHandler.class}, configurationPid = WebEndpoint.PID, immediate = true,
        property = {
                EventConstants.EVENT_TOPIC + "=io/infrakit/group/InstanceCreated",
                EventConstants.EVENT_TOPIC + "=io/infrakit/group/InstanceDestroyed",
                EventConstants.EVENT_TOPIC + "=io/infrakit/group/InstanceLost"})
@Designate(ocd = WebEndpoint.Config.class)
public final class WebEndpoint implements WebConsole, ControllerObserver, EventHandler {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.web";

    private static final Logger LOG = LoggerFactory.getLogger(WebEndpoint.class);

    /** Configuration of the endpoint. */
    @ObjectClassDefinition(name = "InfraKit web endpoint", description = "The web console, Prometheus metrics and health, over HTTP.")
    public @interface Config {
        /** @return the address */
        @AttributeDefinition(name = "Address", description = "The address to listen on. A loopback address (the default) serves reads without a token; "
                + "any other address is an explicit choice, and then every request but /health and the console's files needs the token.")
        String address() default "127.0.0.1";

        /** @return the port */
        @AttributeDefinition(name = "Port", description = "The TCP port (1-65535).", min = "1", max = "65535")
        int port() default 8624;

        /** @return the group plugin */
        @AttributeDefinition(name = "Group plugin", description = "The plugin whose groups are shown and acted on: the manager (group) by default.")
        String group_plugin() default "group";

        /** @return the token file */
        @AttributeDefinition(name = "Token file", required = false,
                description = "Where the token of the console's actions is written at each start. Empty: $INFRAKIT_HOME/web/token.")
        String token_file() default "";

        /** @return the health's staleness */
        @AttributeDefinition(name = "Stalled loop (seconds)", description = "/health fails when a group's loop ends no cycle for this long.", min = "1")
        long health_stale_seconds() default 60;
    }

    private volatile PluginRegistry registry;
    private volatile JsonCodec codec;

    private final Metrics metrics;
    private final Token token;
    private final Server server;
    private final URI address;

    /**
     * Starts the endpoint (from DS).
     *
     * @param config the configuration
     * @throws IOException if the token cannot be written or the port cannot be bound
     */
    @Activate
    public WebEndpoint(Config config) throws IOException {
        String host = config.address().trim();
        int port = config.port();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("io.infrakit.web: port must be 1-65535, got " + port);
        }
        InetAddress bind = InetAddress.getByName(host);
        Groups groups = new Groups(() -> registry, config.group_plugin());
        this.metrics = new Metrics(groups, System::nanoTime);
        Health health = new Health(groups, metrics, System::nanoTime, Math.max(1, config.health_stale_seconds()));
        Path file = config.token_file() == null || config.token_file().isBlank()
                ? InfrakitHome.path().resolve("web").resolve("token")
                : InfrakitHome.expand(config.token_file().trim(), System.getProperty("user.home"));
        this.token = Token.create(file);
        String authority = (bind.getHostAddress().contains(":") ? "[" + bind.getHostAddress() + "]" : bind.getHostAddress()) + ":" + port;
        this.address = URI.create("http://" + authority + "/");
        Set<String> hosts = null;
        if (bind.isLoopbackAddress()) {
            hosts = new LinkedHashSet<>();
            hosts.add(authority.toLowerCase(Locale.ROOT));
            hosts.add("localhost:" + port);
            hosts.add("127.0.0.1:" + port);
            hosts.add("[::1]:" + port);
        } else {
            LOG.warn("The web endpoint listens on {}, not a loopback address: every request but /health needs the token", authority);
        }
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("infrakit-web");
        this.server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(bind.getHostAddress());
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Routes(token, hosts, metrics, health, groups, () -> codec));
        try {
            server.start();
        } catch (Exception e) {
            token.delete();
            stopQuietly();
            throw new IOException("The web endpoint cannot listen on " + authority + ": " + e.getMessage()
                    + " (set another port in etc/" + PID + ".cfg)", e);
        }
        LOG.info("Web console, /metrics and /health on {} (the token of its actions is in {})", address, token.file());
    }

    /** Stops the endpoint and removes the token's file. */
    @Deactivate
    public void stop() {
        stopQuietly();
        token.delete();
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("Stopping the web endpoint: {}", e.toString());
        }
    }

    /**
     * The plugin registry: dynamic, so an update of the rpc bundle does not restart the endpoint (nor change its token).
     *
     * @param r the registry
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRegistry(PluginRegistry r) {
        registry = r;
    }

    void unbindRegistry(PluginRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    /**
     * The JSON codec of the wire protocol: dynamic for the same reason.
     *
     * @param c the codec
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindCodec(JsonCodec c) {
        codec = c;
    }

    void unbindCodec(JsonCodec c) {
        if (codec == c) {
            codec = null;
        }
    }

    @Override
    public URI address() {
        return address;
    }

    @Override
    public String token() {
        return token.value();
    }

    @Override
    public Path tokenFile() {
        return token.file();
    }

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        String type = topic.substring(topic.lastIndexOf('/') + 1);
        Object count = event.getProperty("count");
        Object cause = event.getProperty("cause");
        metrics.event(type, (String) event.getProperty("group"), count instanceof Number n ? n.intValue() : 0,
                cause instanceof String s ? s : null);
    }

    @Override
    public void pluginCalled(String plugin, String method, String outcome, long nanos) {
        metrics.pluginCalled(plugin, method, outcome, nanos);
    }

    @Override
    public void cycleEnded(String group, long nanos, boolean failed) {
        metrics.cycleEnded(group, nanos, failed);
    }

    @Override
    public void storeFailed(String operation, String detail) {
        metrics.storeFailed(operation, detail);
    }
}
