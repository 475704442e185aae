package io.infrakit.manager.zookeeper;

import org.apache.curator.utils.DefaultZookeeperFactory;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Hears the connection events of Curator's ZooKeeper handles before Curator does, so that a manager is told
 * {@code UNKNOWN} before Curator reacts. This matters on a session expiry: Curator's first reaction is to
 * close the old handle (which, when the server still knows the session, ends it there and deletes the
 * leader's node at once) and to reconnect, and only then does it tell its listeners; the leadership can
 * have moved to another manager before a plain connection-state listener runs.
 *
 * <p>Installed as Curator's {@link ZookeeperFactory}: it wraps the watcher Curator gives every new handle.
 * Only events of the newest handle count: an old handle's late events say nothing about the current
 * connection.
 */
final class ConnectionWatch implements ZookeeperFactory {

    private final ZookeeperFactory handles = new DefaultZookeeperFactory();
    private final String connect;
    private final Runnable changed;
    private final AtomicLong generation = new AtomicLong();
    private volatile String doubt;

    /**
     * Creates the watch.
     *
     * @param connect the connect string, for the messages
     * @param changed called on ZooKeeper's event thread, synchronously, when the connection falls in doubt
     */
    ConnectionWatch(String connect, Runnable changed) {
        this.connect = connect;
        this.changed = changed;
        this.doubt = "connecting to ZooKeeper at " + connect;
    }

    /**
     * Why the newest handle's connection is in doubt.
     *
     * @return the reason, or {@code null} when it is connected
     */
    String doubt() {
        return doubt;
    }

    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly) throws Exception {
        long handle = generation.incrementAndGet();
        return handles.newZooKeeper(connectString, sessionTimeout, watch(handle, watcher), canBeReadOnly);
    }

    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly,
            ZKClientConfig config) throws Exception {
        long handle = generation.incrementAndGet();
        return handles.newZooKeeper(connectString, sessionTimeout, watch(handle, watcher), canBeReadOnly, config);
    }

    private Watcher watch(long handle, Watcher curator) {
        return event -> {
            observe(handle, event);
            curator.process(event);
        };
    }

    private void observe(long handle, WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.None || handle != generation.get()) {
            return;
        }
        switch (event.getState()) {
            // the handle is connected; the backend trusts it again only when Curator also says so
            // (CONNECTED or RECONNECTED), once its recipes have seen the events before
            case SyncConnected -> doubt = null;
            case Disconnected -> fallInDoubt("ZooKeeper connection suspended (" + connect + ")");
            case Expired -> fallInDoubt("ZooKeeper session expired (" + connect + ")");
            case AuthFailed -> fallInDoubt("ZooKeeper authentication failed (" + connect + ")");
            case ConnectedReadOnly -> fallInDoubt("ZooKeeper ensemble read-only (" + connect + ")");
            default -> {
                // Closed (Curator closing a handle it replaces, or the client), SaslAuthenticated: nothing new
            }
        }
    }

    private void fallInDoubt(String why) {
        doubt = why;
        changed.run();
    }
}
