package io.infrakit.manager.zookeeper;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;

import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The groups document in the znode {@code <path>/groups}: UTF-8 JSON text, its version the znode's data
 * version. A save is a create when nothing was stored, else a versioned {@code setData}; ZooKeeper refuses
 * both atomically when another writer got there first.
 *
 * <p>Every call makes one attempt on the current ZooKeeper handle, without Curator's retry loop: while the
 * connection is in doubt a store call fails at once instead of waiting for it, so a manager never sits in a
 * store call while its leadership is uncertain, and its caller (the manager) retries.
 */
final class ZooKeeperStore {

    /**
     * The largest document stored: ZooKeeper's default {@code jute.maxbuffer} (1 MiB) less room for the
     * request around it. A larger request makes the server drop the connection, which would cost the leader
     * its leadership; it is refused here instead.
     */
    static final int MAX_BYTES = 1024 * 1024 - 4096;

    /** Gives the connected ZooKeeper handle, or fails saying why there is none. */
    @FunctionalInterface
    interface Handles {
        /**
         * The handle.
         *
         * @param what what the caller is about to do, for the error message
         * @return the connected handle
         * @throws PluginException if there is no connection
         */
        ZooKeeper connected(String what) throws PluginException;
    }

    private final Handles handles;
    private final String rootPath;
    private final String groupsPath;
    private final String connect;

    /**
     * Creates the store.
     *
     * @param handles where the ZooKeeper handle comes from
     * @param settings the backend's settings (paths, connect string for the messages)
     */
    ZooKeeperStore(Handles handles, ZooKeeperSettings settings) {
        this.handles = handles;
        this.rootPath = settings.path();
        this.groupsPath = settings.groupsPath();
        this.connect = settings.connect();
    }

    /**
     * Reads the document.
     *
     * @return the text and its version, or {@link StoredGroups#NONE} when the znode does not exist
     * @throws PluginException if ZooKeeper cannot be read
     */
    StoredGroups load() throws PluginException {
        String what = "read the stored groups from " + groupsPath;
        ZooKeeper zk = handles.connected(what);
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData(groupsPath, false, stat);
            return new StoredGroups(data == null ? "" : new String(data, StandardCharsets.UTF_8), stat.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return new StoredGroups(null, StoredGroups.NONE);
        } catch (KeeperException e) {
            throw failure(what, e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while trying to " + what);
        }
    }

    /**
     * Replaces the document if it is still at the expected version.
     *
     * @param json the new text
     * @param expectedVersion the version read, or {@link StoredGroups#NONE} to create it
     * @return the new version
     * @throws StoreConflictException if another writer changed (or created, or removed) it since
     * @throws PluginException if ZooKeeper cannot be written
     */
    long save(String json, long expectedVersion) throws PluginException {
        Objects.requireNonNull(json, "json");
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        if (data.length > MAX_BYTES) {
            throw new PluginException("The groups document is " + data.length + " bytes; a ZooKeeper node holds at most "
                    + MAX_BYTES + " (jute.maxbuffer), so it was not saved");
        }
        if (expectedVersion != StoredGroups.NONE && (expectedVersion < 0 || expectedVersion > Integer.MAX_VALUE)) {
            throw new StoreConflictException("Version " + expectedVersion + " of the stored groups cannot exist in ZooKeeper; load them again");
        }
        String what = "save the groups to " + groupsPath;
        ZooKeeper zk = handles.connected(what);
        try {
            if (expectedVersion == StoredGroups.NONE) {
                return create(zk, data);
            }
            return zk.setData(groupsPath, data, (int) expectedVersion).getVersion();
        } catch (KeeperException.BadVersionException e) {
            throw new StoreConflictException("Another manager changed the stored groups in " + groupsPath + " since version "
                    + expectedVersion + " was read");
        } catch (KeeperException.NoNodeException e) {
            throw new StoreConflictException("Another writer removed the stored groups in " + groupsPath + " since version "
                    + expectedVersion + " was read");
        } catch (KeeperException e) {
            throw failure(what, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while trying to " + what + "; they may or may not have been saved");
        }
    }

    private long create(ZooKeeper zk, byte[] data) throws KeeperException, InterruptedException, StoreConflictException {
        try {
            ZKPaths.mkdirs(zk, rootPath, true, null, false);
            zk.create(groupsPath, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            return 0;
        } catch (KeeperException.NodeExistsException e) {
            throw new StoreConflictException("Another manager stored groups in " + groupsPath + " since they were read (there were none)");
        }
    }

    private PluginException failure(String what, KeeperException e, boolean write) {
        String outcome = write ? "; they may or may not have been saved" : "";
        String message = switch (e.code()) {
            case CONNECTIONLOSS -> "Lost the connection to ZooKeeper at " + connect + " while trying to " + what + outcome;
            case SESSIONEXPIRED -> "The ZooKeeper session expired while trying to " + what + outcome;
            case NOAUTH, AUTHFAILED -> "ZooKeeper at " + connect + " denies access to " + e.getPath()
                    + " (ACL or authentication): cannot " + what;
            default -> "ZooKeeper at " + connect + " could not " + what + ": " + e.getMessage();
        };
        return new PluginException(message, e);
    }
}
