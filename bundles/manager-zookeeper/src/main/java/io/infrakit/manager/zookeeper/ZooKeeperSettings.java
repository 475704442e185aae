package io.infrakit.manager.zookeeper;

import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.common.PathUtils;

/**
 * The checked configuration of the ZooKeeper backend.
 *
 * @param connect the ZooKeeper connect string ({@code host:port,host:port[/chroot]})
 * @param path the root znode of this installation: the election is under {@code <path>/leader}, the groups in {@code <path>/groups}
 * @param sessionTimeoutMillis the session timeout asked of ZooKeeper: how long a manager that vanished keeps its leadership
 * @param connectionTimeoutMillis how long an operation waits for a connection
 * @param retryBaseSleepMillis the first pause of Curator's exponential backoff
 * @param retryMaxSleepMillis the longest pause of the backoff
 * @param retryMaxRetries how many times Curator retries a background operation of the election
 */
public record ZooKeeperSettings(String connect, String path, int sessionTimeoutMillis, int connectionTimeoutMillis,
        int retryBaseSleepMillis, int retryMaxSleepMillis, int retryMaxRetries) {

    /** The default connect string. */
    public static final String DEFAULT_CONNECT = "localhost:2181";
    /** The default root znode. */
    public static final String DEFAULT_PATH = "/infrakit";
    /** The default session timeout: short, so that leadership moves within about three seconds (docs/benchmarks.md). */
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 2000;
    /** The default connection timeout: no longer than the session timeout, as Curator expects. */
    public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 2000;
    /** The default first backoff pause. */
    public static final int DEFAULT_RETRY_BASE_SLEEP_MS = 100;
    /** The default longest backoff pause. */
    public static final int DEFAULT_RETRY_MAX_SLEEP_MS = 2000;
    /** The default number of retries. */
    public static final int DEFAULT_RETRY_MAX_RETRIES = 20;

    /** Curator's ExponentialBackoffRetry refuses more. */
    private static final int MAX_RETRIES_LIMIT = 29;

    /**
     * Checks the settings; every message names the configuration key to fix.
     *
     * @throws IllegalArgumentException if a value is invalid
     */
    public ZooKeeperSettings {
        if (connect == null || connect.isBlank()) {
            throw new IllegalArgumentException("'connect' must name the ZooKeeper ensemble, for example zk1:2181,zk2:2181,zk3:2181");
        }
        connect = connect.strip();
        try {
            if (new ConnectStringParser(connect).getServerAddresses().isEmpty()) {
                throw new IllegalArgumentException("no server in it");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'connect' is not a ZooKeeper connect string (host:port,host:port[/chroot]): '"
                    + connect + "': " + e.getMessage(), e);
        }
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("'path' must be an absolute znode path such as " + DEFAULT_PATH);
        }
        path = path.strip();
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'path' is not a valid znode path: '" + path + "': " + e.getMessage(), e);
        }
        if ("/".equals(path)) {
            throw new IllegalArgumentException("'path' must not be the root znode: give the managers a znode of their own, such as "
                    + DEFAULT_PATH);
        }
        if (sessionTimeoutMillis <= 0) {
            throw new IllegalArgumentException("'session.timeout.ms' must be positive, not " + sessionTimeoutMillis);
        }
        if (connectionTimeoutMillis <= 0) {
            throw new IllegalArgumentException("'connection.timeout.ms' must be positive, not " + connectionTimeoutMillis);
        }
        if (retryBaseSleepMillis <= 0 || retryMaxSleepMillis < retryBaseSleepMillis) {
            throw new IllegalArgumentException("'retry.base.sleep.ms' must be positive and at most 'retry.max.sleep.ms' (got "
                    + retryBaseSleepMillis + " and " + retryMaxSleepMillis + ")");
        }
        if (retryMaxRetries < 0 || retryMaxRetries > MAX_RETRIES_LIMIT) {
            throw new IllegalArgumentException("'retry.max.retries' must be between 0 and " + MAX_RETRIES_LIMIT + ", not " + retryMaxRetries);
        }
    }

    /**
     * Settings with the defaults but for the connect string and the root znode.
     *
     * @param connect the ZooKeeper connect string
     * @param path the root znode
     * @return the settings
     */
    public static ZooKeeperSettings of(String connect, String path) {
        return new ZooKeeperSettings(connect, path, DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_CONNECTION_TIMEOUT_MS,
                DEFAULT_RETRY_BASE_SLEEP_MS, DEFAULT_RETRY_MAX_SLEEP_MS, DEFAULT_RETRY_MAX_RETRIES);
    }

    /**
     * The same settings with another session timeout.
     *
     * @param millis the session timeout
     * @return the settings
     */
    public ZooKeeperSettings withSessionTimeout(int millis) {
        return new ZooKeeperSettings(connect, path, millis, connectionTimeoutMillis, retryBaseSleepMillis, retryMaxSleepMillis,
                retryMaxRetries);
    }

    /**
     * The znode under which the managers hold their election.
     *
     * @return {@code <path>/leader}
     */
    public String leaderPath() {
        return ZKPaths.makePath(path, "leader");
    }

    /**
     * The znode holding the groups document.
     *
     * @return {@code <path>/groups}
     */
    public String groupsPath() {
        return ZKPaths.makePath(path, "groups");
    }
}
