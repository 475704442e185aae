package io.infrakit.manager.zookeeper;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.LeadershipListener;
import io.infrakit.spi.manager.StoredGroups;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The ZooKeeper backend of the manager, for managers on several machines: leader election with Curator's
 * LeaderLatch under {@code <path>/leader}, the groups document in the znode {@code <path>/groups}.
 *
 * <p>The Curator client is created at the first join or store call, not at activation: the component is
 * active whenever its bundle is installed, used or not. A connection in doubt (suspended, or the session
 * lost) makes every election report {@code UNKNOWN} at once: the client notices a silent ensemble after
 * two thirds of the session timeout, and ZooKeeper hands the leadership to another manager only when the
 * session has expired, so the old leader stops before a new one starts.
 *
 * <p>An invalid configuration does not stop the component: joining and the store then fail with a message
 * naming the key to fix, where the manager shows it.
 */
@Component(service = {Leadership.class, GroupStore.class}, configurationPid = ZooKeeperBackend.PID,
        property = Leadership.BACKEND_PROPERTY + "=" + ZooKeeperBackend.NAME)
@Designate(ocd = ZooKeeperBackend.Config.class)
public final class ZooKeeperBackend implements Leadership, GroupStore, AutoCloseable {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.manager.zookeeper";

    /** The backend's name. */
    public static final String NAME = "zookeeper";

    /** Configuration of the ZooKeeper backend. */
    @ObjectClassDefinition(name = "InfraKit manager: ZooKeeper backend",
            description = "Leader election and the stored groups in a ZooKeeper ensemble, through Apache Curator.")
    public @interface Config {
        /** @return the connect string */
        @AttributeDefinition(name = "Connect string", description = "The ZooKeeper ensemble: host:port,host:port[/chroot].")
        String connect() default ZooKeeperSettings.DEFAULT_CONNECT;

        /** @return the root znode */
        @AttributeDefinition(name = "Root znode",
                description = "The znode of this installation: the election is under <path>/leader, the groups in <path>/groups.")
        String path() default ZooKeeperSettings.DEFAULT_PATH;

        /** @return the session timeout */
        @AttributeDefinition(name = "Session timeout (ms)",
                description = "How long a manager that vanished keeps its leadership. ZooKeeper grants at least its "
                        + "minSessionTimeout (2 x tickTime by default): 2000 needs tickTime <= 1000 on the servers.")
        int session_timeout_ms() default ZooKeeperSettings.DEFAULT_SESSION_TIMEOUT_MS;

        /** @return the connection timeout */
        @AttributeDefinition(name = "Connection timeout (ms)", description = "How long an operation waits for a connection to ZooKeeper.")
        int connection_timeout_ms() default ZooKeeperSettings.DEFAULT_CONNECTION_TIMEOUT_MS;

        /** @return the first retry pause */
        @AttributeDefinition(name = "Retry: first pause (ms)", description = "Curator's exponential backoff for the election's operations: the first pause.")
        int retry_base_sleep_ms() default ZooKeeperSettings.DEFAULT_RETRY_BASE_SLEEP_MS;

        /** @return the longest retry pause */
        @AttributeDefinition(name = "Retry: longest pause (ms)", description = "The longest pause between two retries.")
        int retry_max_sleep_ms() default ZooKeeperSettings.DEFAULT_RETRY_MAX_SLEEP_MS;

        /** @return how many retries */
        @AttributeDefinition(name = "Retry: attempts", description = "How many times an operation of the election is retried (at most 29).")
        int retry_max_retries() default ZooKeeperSettings.DEFAULT_RETRY_MAX_RETRIES;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperBackend.class);

    private final ZooKeeperSettings settings;
    private final String invalid;
    private final ZooKeeperStore store;
    private final ConnectionWatch watch;
    private final Set<ZooKeeperElection> elections = ConcurrentHashMap.newKeySet();

    private CuratorFramework client;   // guarded by this
    private boolean closed;            // guarded by this
    private volatile CuratorFramework started;
    private volatile ConnectionState connection;

    /**
     * Creates the backend from its configuration (DS). Nothing connects yet.
     *
     * @param config the configuration
     */
    @Activate
    public ZooKeeperBackend(Config config) {
        this(Parsed.of(config));
    }

    /**
     * Creates the backend (tests, tools). Nothing connects yet.
     *
     * @param settings the settings
     */
    public ZooKeeperBackend(ZooKeeperSettings settings) {
        this(new Parsed(Objects.requireNonNull(settings, "settings"), null));
    }

    private ZooKeeperBackend(Parsed parsed) {
        this.settings = parsed.settings();
        this.invalid = parsed.error();
        this.store = settings == null ? null : new ZooKeeperStore(this::connected, settings);
        this.watch = settings == null ? null : new ConnectionWatch(settings.connect(), this::connectionInDoubt);
        if (invalid != null) {
            LOG.error(invalid);
        }
    }

    /** The configuration, checked; or why it is invalid. */
    private record Parsed(ZooKeeperSettings settings, String error) {
        static Parsed of(Config c) {
            try {
                return new Parsed(new ZooKeeperSettings(c.connect(), c.path(), c.session_timeout_ms(), c.connection_timeout_ms(),
                        c.retry_base_sleep_ms(), c.retry_max_sleep_ms(), c.retry_max_retries()), null);
            } catch (IllegalArgumentException e) {
                return new Parsed(null, "The configuration " + PID + " of the ZooKeeper backend is invalid: " + e.getMessage());
            }
        }
    }

    @Override
    public Election join(String name, LeadershipListener listener) throws PluginException {
        if (name == null || name.isBlank()) {
            throw new PluginException("A manager needs a name to join the ZooKeeper election");
        }
        Objects.requireNonNull(listener, "listener");
        CuratorFramework c = client();
        ZooKeeperElection election = new ZooKeeperElection(name, listener, c, settings.leaderPath(), this::connectionProblem,
                elections::remove);
        elections.add(election);
        election.start();
        LOG.info("Manager {} joined the ZooKeeper election at {} on {}", name, settings.leaderPath(), settings.connect());
        return election;
    }

    @Override
    public StoredGroups load() throws PluginException {
        requireValid();
        return store.load();
    }

    @Override
    public long save(String json, long expectedVersion) throws PluginException {
        requireValid();
        return store.save(json, expectedVersion);
    }

    /**
     * Stops: every election is told {@code UNKNOWN} and left, then the client is closed (which ends the
     * session, so another manager may lead at once).
     */
    @Deactivate
    @Override
    public void close() {
        CuratorFramework c;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
            client = null;
        }
        for (ZooKeeperElection election : List.copyOf(elections)) {
            election.abandon("the ZooKeeper backend stopped");
        }
        if (c != null) {
            c.close();
            LOG.info("Closed the ZooKeeper client of {}", settings.connect());
        }
    }

    /**
     * The settings.
     *
     * @return the settings, or {@code null} when the configuration is invalid
     */
    public ZooKeeperSettings settings() {
        return settings;
    }

    /**
     * The Curator client, for tests that break its connection on purpose.
     *
     * @return the client, or {@code null} before the first join or store call
     */
    CuratorFramework curator() {
        return started;
    }

    private void requireValid() throws PluginException {
        if (invalid != null) {
            throw new PluginException(invalid);
        }
    }

    /** The started client: created at the first use. */
    private synchronized CuratorFramework client() throws PluginException {
        requireValid();
        if (closed) {
            throw new PluginException("The ZooKeeper backend is stopped");
        }
        if (client == null) {
            CuratorFramework c;
            try {
                c = CuratorFrameworkFactory.builder()
                        .connectString(settings.connect())
                        .sessionTimeoutMs(settings.sessionTimeoutMillis())
                        .connectionTimeoutMs(settings.connectionTimeoutMillis())
                        .retryPolicy(new ExponentialBackoffRetry(settings.retryBaseSleepMillis(), settings.retryMaxRetries(),
                                settings.retryMaxSleepMillis()))
                        // use the servers the configuration names, not the addresses the ensemble's own config lists
                        // (often internal ones); and a manager given only its local server stays on it
                        .ensembleTracker(false)
                        .zookeeperFactory(watch)
                        .build();
                c.getConnectionStateListenable().addListener(this::connectionChanged);
                c.start();
            } catch (RuntimeException e) {
                throw new PluginException("Cannot start a ZooKeeper client for " + settings.connect() + ": " + e.getMessage(), e);
            }
            LOG.info("Connecting to ZooKeeper at {} (session timeout {} ms, root {})", settings.connect(),
                    settings.sessionTimeoutMillis(), settings.path());
            client = c;
            started = c;
        }
        return client;
    }

    /**
     * From ZooKeeper's event thread, before Curator handles the event: the connection was lost or the session
     * expired. Every election reports {@code UNKNOWN} now, before Curator closes the session or reconnects.
     */
    private void connectionInDoubt() {
        LOG.warn("ZooKeeper at {}: {}; leadership is unknown until the connection is back", settings.connect(), watch.doubt());
        elections.forEach(ZooKeeperElection::changed);
    }

    /** From Curator's connection thread: remember the state, and have every election reconsider its status. */
    private void connectionChanged(CuratorFramework c, ConnectionState state) {
        connection = state;
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                LOG.info("ZooKeeper at {}: {}", settings.connect(), state == ConnectionState.CONNECTED ? "connected" : "reconnected");
                checkSessionTimeout(c);
            }
            case LOST -> LOG.info("ZooKeeper at {}: session lost", settings.connect());
            default -> LOG.info("ZooKeeper at {}: {}", settings.connect(), state);
        }
        elections.forEach(ZooKeeperElection::changed);
    }

    /** The ensemble may grant a longer session than asked (its minSessionTimeout): failover is then slower. Say so. */
    private void checkSessionTimeout(CuratorFramework c) {
        try {
            int granted = c.getZookeeperClient().getZooKeeper().getSessionTimeout();
            if (granted > settings.sessionTimeoutMillis()) {
                LOG.warn("ZooKeeper at {} granted a session timeout of {} ms instead of the {} ms asked for, so leadership moves "
                        + "that much later: lower tickTime (minSessionTimeout is 2 x tickTime by default) or set minSessionTimeout "
                        + "on the servers", settings.connect(), granted, settings.sessionTimeoutMillis());
            }
        } catch (Exception e) {
            LOG.debug("Cannot read the negotiated session timeout", e);
        }
    }

    /**
     * Why the connection cannot be trusted now.
     *
     * @return the reason, or {@code null} when connected
     */
    private String connectionProblem() {
        String doubt = watch.doubt();
        if (doubt != null) {
            return doubt;
        }
        ConnectionState state = connection;
        if (state == null) {
            return "connecting to ZooKeeper at " + settings.connect();
        }
        return switch (state) {
            case SUSPENDED -> "ZooKeeper connection suspended (" + settings.connect() + ")";
            case LOST -> "ZooKeeper session expired (" + settings.connect() + ")";
            case READ_ONLY -> "ZooKeeper ensemble read-only (" + settings.connect() + ")";
            case CONNECTED, RECONNECTED -> {
                CuratorFramework c = started;
                yield c != null && c.getZookeeperClient().isConnected() ? null : "ZooKeeper connection lost (" + settings.connect() + ")";
            }
        };
    }

    /** For the store: the connected handle; waits for the first connection, fails at once while the connection is in doubt. */
    private ZooKeeper connected(String what) throws PluginException {
        CuratorFramework c = client();
        if (connection != null) {
            String problem = connectionProblem();
            if (problem != null) {
                throw new PluginException("Cannot " + what + ": " + problem + "; retry when it is back");
            }
        }
        try {
            if (!c.getZookeeperClient().isConnected()
                    && !c.blockUntilConnected(settings.connectionTimeoutMillis(), TimeUnit.MILLISECONDS)) {
                throw new PluginException("Cannot " + what + ": no connection to ZooKeeper at " + settings.connect() + " within "
                        + settings.connectionTimeoutMillis() + " ms. Check that the ensemble runs and that 'connect' in " + PID
                        + " names it");
            }
            return c.getZookeeperClient().getZooKeeper();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for ZooKeeper at " + settings.connect());
        } catch (PluginException e) {
            throw e;
        } catch (Exception e) {
            throw new PluginException("Cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
