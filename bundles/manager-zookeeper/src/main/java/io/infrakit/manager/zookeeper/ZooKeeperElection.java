package io.infrakit.manager.zookeeper;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.LeadershipListener;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One manager's part in the election: a Curator {@link LeaderLatch} under {@code <path>/leader} with the
 * manager's name as participant ID, and a {@link CuratorCache} of the latch's nodes so that a follower
 * knows who leads (a latch only watches its predecessor).
 *
 * <p>The status is recomputed from three facts whenever one changes: the connection (any doubt is
 * {@link LeaderStatus.Role#UNKNOWN}), the latch (only it says {@link LeaderStatus.Role#LEADER}, and only
 * for a node of the current session) and the cached participants (the first one names the leader). A lost
 * connection or an expired session is reported synchronously on ZooKeeper's event thread, before Curator
 * reacts to it (see {@link ConnectionWatch}); latch and cache events from a thread of the election's own.
 * Every report happens under one lock, computed from the facts of that moment: one call at a time, never
 * out of date, never after {@link #close()}.
 */
final class ZooKeeperElection implements Election {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperElection.class);

    /** The node name prefix of LeaderLatch; its order is the sequence number after it. */
    private static final String LATCH_NODE = "latch-";

    private final String name;
    private final LeadershipListener listener;
    private final CuratorFramework client;
    private final String leaderPath;
    private final Supplier<String> connectionProblem;
    private final Consumer<ZooKeeperElection> onClose;
    private final LeaderLatch latch;
    private final CuratorCache participants;
    private final ExecutorService events;
    private final Executor onEvents;
    private final Object lock = new Object();

    private volatile LeaderStatus status;
    private volatile boolean viewReady;
    private boolean closed; // guarded by lock

    /**
     * Creates the election; {@link #start()} joins it.
     *
     * @param name the participant's name
     * @param listener told about every change of status
     * @param client the started Curator client
     * @param leaderPath the znode of the election
     * @param connectionProblem why the connection cannot be trusted now, or {@code null} when it can
     * @param onClose called once when the election is closed
     */
    ZooKeeperElection(String name, LeadershipListener listener, CuratorFramework client, String leaderPath,
            Supplier<String> connectionProblem, Consumer<ZooKeeperElection> onClose) {
        this.name = name;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.client = client;
        this.leaderPath = leaderPath;
        this.connectionProblem = connectionProblem;
        this.onClose = onClose;
        this.latch = new LeaderLatch(client, leaderPath, name, LeaderLatch.CloseMode.SILENT);
        this.participants = CuratorCache.build(client, leaderPath);
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "infrakit-zookeeper-election-" + name);
            t.setDaemon(true);
            return t;
        });
        this.onEvents = task -> {
            try {
                events.execute(task);
            } catch (RejectedExecutionException stopped) {
                // closed: nothing more to report (and never throw into Curator's threads)
            }
        };
    }

    /**
     * Joins: starts the cache and the latch (both wait for the connection in the background).
     *
     * @throws PluginException if Curator refuses to start them
     */
    void start() throws PluginException {
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                recompute();
            }

            @Override
            public void notLeader() {
                recompute();
            }
        }, onEvents);
        participants.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> recompute())
                .forInitialized(() -> {
                    viewReady = true;
                    recompute();
                })
                .build(), onEvents);
        try {
            participants.start();
            latch.start();
        } catch (Exception e) {
            close();
            throw new PluginException("Manager " + name + " cannot join the election at " + leaderPath + ": " + e.getMessage(), e);
        }
        changed();
    }

    /** The connection changed: report at once, on the caller's thread (ZooKeeper's or Curator's). */
    void changed() {
        recompute();
    }

    @Override
    public LeaderStatus status() {
        LeaderStatus s = status;
        return s != null ? s : LeaderStatus.unknown("joining the ZooKeeper election at " + leaderPath);
    }

    /** Reports the status if it changed. */
    private void recompute() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            LeaderStatus next = compute();
            if (next != null && !next.equals(status)) {
                report(next);
            }
        }
    }

    /** Under the lock. */
    private void report(LeaderStatus next) {
        status = next;
        LOG.debug("Manager {}: {}", name, next);
        try {
            listener.leadershipChanged(next);
        } catch (RuntimeException e) {
            LOG.error("The leadership listener of manager {} failed on {}", name, next, e);
        }
    }

    /**
     * The status from the current facts.
     *
     * @return the status, or {@code null} while it is not known yet (nothing is reported then)
     */
    private LeaderStatus compute() {
        String problem = connectionProblem.get();
        if (problem != null) {
            return LeaderStatus.unknown(problem);
        }
        if (latch.hasLeadership()) {
            // the latch learns of a new session only after Curator has dispatched it: confirm that its node
            // belongs to this session, so that a latch still holding on to an expired session never leads
            String ours = latch.getOurPath();
            Optional<ChildData> node = ours == null ? Optional.empty() : participants.get(ours);
            if (node.isPresent() && ownedByThisSession(node.get())) {
                return LeaderStatus.leader(name);
            }
            if (node.isEmpty() && viewReady && status != null && status.isLeader()) {
                // a leading latch does not watch its own node: if someone deleted it, the next participant
                // leads, and this one must stop
                return LeaderStatus.unknown("the election node of manager " + name + " was deleted from ZooKeeper; "
                        + "restart the manager to rejoin the election");
            }
            return null; // the cache has not seen our node yet
        }
        if (!viewReady) {
            return null;
        }
        Optional<ChildData> first = firstParticipant();
        if (first.isEmpty()) {
            return null; // our own node is on its way
        }
        ChildData node = first.get();
        if (node.getPath().equals(latch.getOurPath())) {
            return null; // ours: the latch takes the leadership at once and says so
        }
        String leader = participantName(node);
        if (name.equals(leader)) {
            if (ownedByThisSession(node)) {
                return null; // our node, being replaced by the latch
            }
            // after a session expiry: our old ephemeral node lives on in ZooKeeper until it expires there too
            return LeaderStatus.unknown("the previous ZooKeeper session of manager " + name
                    + " still holds the leadership until ZooKeeper expires it (within the session timeout)");
        }
        return LeaderStatus.follower(leader);
    }

    private Optional<ChildData> firstParticipant() {
        String prefix = leaderPath + "/";
        return participants.stream()
                .filter(d -> d.getPath().startsWith(prefix) && d.getPath().indexOf('/', prefix.length()) < 0)
                .filter(d -> d.getPath().contains(LATCH_NODE))
                .min(Comparator.comparing(d -> sequence(ZKPaths.getNodeFromPath(d.getPath()))));
    }

    /** The part LeaderLatch sorts by: what follows the last {@code latch-}. */
    static String sequence(String node) {
        int i = node.lastIndexOf(LATCH_NODE);
        return i < 0 ? node : node.substring(i + LATCH_NODE.length());
    }

    private static String participantName(ChildData node) {
        byte[] data = node.getData();
        return data == null || data.length == 0 ? null : new String(data, StandardCharsets.UTF_8);
    }

    private boolean ownedByThisSession(ChildData node) {
        try {
            return node.getStat() != null
                    && node.getStat().getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Reports a last {@link LeaderStatus.Role#UNKNOWN} and leaves: the backend stops, and this manager must
     * stop acting before its session (and so its leadership) is closed.
     *
     * @param detail why
     */
    void abandon(String detail) {
        synchronized (lock) {
            if (!closed) {
                report(LeaderStatus.unknown(detail));
            }
        }
        close();
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            // a report in progress has ended (it holds the lock), and none starts after this
            closed = true;
        }
        onClose.accept(this);
        try {
            latch.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | IllegalStateException e) {
            LOG.warn("Manager {}: leaving the ZooKeeper election failed: {}", name, e.toString());
        }
        participants.close();
        events.shutdown();
        LOG.info("Manager {} left the ZooKeeper election at {}", name, leaderPath);
    }

    /**
     * The participant's name.
     *
     * @return the name
     */
    String name() {
        return name;
    }
}
