package io.infrakit.manager.zookeeper;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend against a real ZooKeeper server (curator-test): the store's versioned writes, the election's
 * statuses, and what a broken connection or an expired session reports.
 */
class ZooKeeperBackendTest {

    /** Short enough for quick tests, long enough for a loaded 2-core machine. */
    private static final int SESSION_MS = 1000;
    private static final Duration WAIT = Duration.ofSeconds(15);

    private TestingServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        // tickTime 100: the server grants sessions from 100 ms on (curator-test sets minSessionTimeout = tickTime)
        server = new TestingServer(new ServerSpecs().spec(-1), true);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        server.close();
    }

    private ZooKeeperBackend backend() {
        return backend(server.getConnectString());
    }

    private ZooKeeperBackend backend(String connect) {
        ZooKeeperBackend backend = new ZooKeeperBackend(ZooKeeperSettings.of(connect, "/infrakit").withSessionTimeout(SESSION_MS));
        open.add(backend);
        return backend;
    }

    private Election join(ZooKeeperBackend backend, String name, Recorder recorder) throws PluginException {
        Election election = backend.join(name, recorder);
        open.add(election);
        return election;
    }

    private CuratorFramework rawClient() {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        c.start();
        open.add(c);
        return c;
    }

    // ---- store

    @Test
    void theStoreKeepsTheTextAsItIsWithTheZnodeVersion() throws Exception {
        ZooKeeperBackend backend = backend();
        assertEquals(new StoredGroups(null, StoredGroups.NONE), backend.load());

        String first = "{\n    \"Groups\": {\"caf\u00e9\": {}}\n  }";
        assertEquals(0, backend.save(first, StoredGroups.NONE));
        assertEquals(new StoredGroups(first, 0), backend.load());
        assertEquals(first, new String(rawClient().getData().forPath("/infrakit/groups"), StandardCharsets.UTF_8),
                "the znode holds the UTF-8 text");

        String second = "{\"Groups\": {}}";
        assertEquals(1, backend.save(second, 0));
        assertEquals(new StoredGroups(second, 1), backend.load());
        assertEquals(new StoredGroups(second, 1), backend().load(), "another backend reads the same document");
    }

    @Test
    void aSaveAtAStaleVersionIsAConflictAndChangesNothing() throws Exception {
        ZooKeeperBackend a = backend();
        ZooKeeperBackend b = backend();
        a.save("{\"n\": 0}", StoredGroups.NONE);
        StoredGroups readByA = a.load();
        StoredGroups readByB = b.load();

        assertEquals(1, b.save("{\"n\": \"b\"}", readByB.version()));
        StoreConflictException conflict = assertThrows(StoreConflictException.class, () -> a.save("{\"n\": \"a\"}", readByA.version()));
        assertTrue(conflict.getMessage().contains("since version 0"), conflict.getMessage());
        assertEquals(new StoredGroups("{\"n\": \"b\"}", 1), a.load());
    }

    @Test
    void creatingWhatAnotherWriterCreatedMeanwhileIsAConflict() throws Exception {
        ZooKeeperBackend a = backend();
        ZooKeeperBackend b = backend();
        assertEquals(StoredGroups.NONE, a.load().version());
        assertEquals(StoredGroups.NONE, b.load().version());

        assertEquals(0, b.save("{\"by\": \"b\"}", StoredGroups.NONE));
        assertThrows(StoreConflictException.class, () -> a.save("{\"by\": \"a\"}", StoredGroups.NONE));
        assertEquals(new StoredGroups("{\"by\": \"b\"}", 0), a.load());
    }

    @Test
    void aRemovedDocumentIsAConflictForItsLastWriter() throws Exception {
        ZooKeeperBackend a = backend();
        a.save("{}", StoredGroups.NONE);
        rawClient().delete().forPath("/infrakit/groups");
        assertThrows(StoreConflictException.class, () -> a.save("{\"x\": 1}", 0));
        assertEquals(StoredGroups.NONE, a.load().version());
    }

    @Test
    void twoWritersIncrementingConcurrentlyLoseNoUpdate() throws Exception {
        ZooKeeperBackend a = backend();
        ZooKeeperBackend b = backend();
        a.save("{\"n\": 0}", StoredGroups.NONE);
        AtomicInteger conflicts = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (ZooKeeperBackend writer : List.of(a, b)) {
                done.add(pool.submit((Callable<Void>) () -> {
                    go.await();
                    for (int i = 0; i < 50; i++) {
                        while (true) {
                            StoredGroups read = writer.load();
                            try {
                                writer.save("{\"n\": " + (counter(read.json()) + 1) + "}", read.version());
                                break;
                            } catch (StoreConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<Void> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        StoredGroups end = a.load();
        assertEquals(100, counter(end.json()), "every increment is in the document (" + conflicts + " conflicts retried)");
        assertEquals(100, end.version(), "one write per increment");
    }

    private static int counter(String json) {
        Matcher m = Pattern.compile("\"n\": (\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aDocumentTooLargeForAZnodeIsRefusedBeforeItReachesZooKeeper() throws Exception {
        ZooKeeperBackend backend = backend();
        Recorder recorder = new Recorder();
        join(backend, "m1", recorder);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(recorder.last()));
        int before = recorder.events.size();

        PluginException e = assertThrows(PluginException.class,
                () -> backend.save("x".repeat(ZooKeeperStore.MAX_BYTES + 1), StoredGroups.NONE));
        assertTrue(e.getMessage().contains("jute.maxbuffer"), e.getMessage());
        assertEquals(StoredGroups.NONE, backend.load().version());
        assertEquals(before, recorder.events.size(), "the connection (and the leadership) survived");
    }

    // ---- configuration and connection

    @Test
    void nothingConnectsBeforeTheFirstUse() throws Exception {
        ZooKeeperBackend backend = backend();
        assertNull(backend.curator(), "activation alone creates no client");
        backend.load();
        assertNotNull(backend.curator());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        ZooKeeperSettings s = new ZooKeeperBackend(config(Map.of())).settings();
        assertEquals(new ZooKeeperSettings("localhost:2181", "/infrakit", 2000, 2000, 100, 2000, 20), s);
        assertEquals("/infrakit/leader", s.leaderPath());
        assertEquals("/infrakit/groups", s.groupsPath());
    }

    @Test
    void anInvalidConfigurationFailsJoinAndStoreNamingTheKey() {
        for (Map<String, Object> bad : List.of(Map.<String, Object>of("path", "infrakit"), Map.<String, Object>of("path", "/infrakit/"),
                Map.<String, Object>of("path", "/"), Map.<String, Object>of("connect", " "),
                Map.<String, Object>of("connect", "zk1:notaport"), Map.<String, Object>of("session_timeout_ms", 0))) {
            ZooKeeperBackend backend = new ZooKeeperBackend(config(bad));
            String key = bad.keySet().iterator().next().replace('_', '.');
            PluginException join = assertThrows(PluginException.class, () -> backend.join("m1", new Recorder()));
            assertTrue(join.getMessage().contains("'" + key + "'") && join.getMessage().contains(ZooKeeperBackend.PID), join.getMessage());
            PluginException load = assertThrows(PluginException.class, backend::load);
            assertEquals(join.getMessage(), load.getMessage());
            assertThrows(PluginException.class, () -> backend.save("{}", StoredGroups.NONE));
            backend.close();
        }
    }

    @Test
    void anUnreachableEnsembleIsReportedWithItsConnectString() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String connect = "127.0.0.1:" + port;
        ZooKeeperBackend backend = new ZooKeeperBackend(new ZooKeeperSettings(connect, "/infrakit", SESSION_MS, 500, 100, 200, 1));
        open.add(backend);

        Recorder recorder = new Recorder();
        join(backend, "m1", recorder);
        await().atMost(WAIT).until(() -> LeaderStatus.unknown("connecting to ZooKeeper at " + connect).equals(recorder.last()));

        PluginException e = assertThrows(PluginException.class, backend::load);
        assertTrue(e.getMessage().contains(connect) && e.getMessage().contains("'connect'"), e.getMessage());
    }

    // ---- election

    @Test
    void theFirstLeadsAndFollowersNameTheLeader() throws Exception {
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        Recorder r3 = new Recorder();
        Election e1 = join(backend(), "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));
        Election e2 = join(backend(), "m2", r2);
        Election e3 = join(backend(), "m3", r3);

        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r2.last()) && LeaderStatus.follower("m1").equals(r3.last()));
        assertEquals(LeaderStatus.leader("m1"), e1.status());
        assertEquals(LeaderStatus.follower("m1"), e2.status());
        assertEquals(LeaderStatus.follower("m1"), e3.status());
        for (Recorder r : List.of(r2, r3)) {
            assertTrue(r.events.stream().noneMatch(e -> e.status().isLeader()), "a follower never reported leadership: " + r.events);
        }
        assertTrue(r1.events.stream().noneMatch(e -> e.status().role() == LeaderStatus.Role.FOLLOWER), r1.events.toString());
    }

    @Test
    void leavingHandsTheLeadershipOverAndEveryFollowerLearnsTheNewLeader() throws Exception {
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        Recorder r3 = new Recorder();
        Election e1 = join(backend(), "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));
        join(backend(), "m2", r2);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r2.last()));
        join(backend(), "m3", r3);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r3.last()));
        int heardBy1 = r1.events.size();

        e1.close();

        await().atMost(WAIT).until(() -> LeaderStatus.leader("m2").equals(r2.last()));
        // m3's latch waits on m2's node, which did not move: only the watch on every participant tells it
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m2").equals(r3.last()));
        assertEquals(heardBy1, r1.events.size(), "no call after close()");
        assertEquals(LeaderStatus.leader("m1"), e1.status(), "the last status reported");
        assertTrue(rawClient().getChildren().forPath("/infrakit/leader").size() == 2, "m1's node is gone");
    }

    @Test
    void anExpiredSessionIsReportedUnknownBeforeAnyoneElseLeadsThenAValidStatus() throws Exception {
        ZooKeeperBackend b1 = backend();
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        join(b1, "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));
        join(backend(), "m2", r2);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r2.last()));

        long from = Recorder.now();
        b1.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

        await().atMost(WAIT).until(() -> LeaderStatus.leader("m2").equals(r2.last()));
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m2").equals(r1.last()));
        List<Recorder.Event> after = r1.since(from);
        assertEquals(LeaderStatus.unknown("ZooKeeper session expired (" + server.getConnectString() + ")"), after.get(0).status(),
                "the first report after the expiry: " + after);
        assertTrue(after.stream().noneMatch(e -> e.status().isLeader()), after.toString());
        assertTrue(after.get(0).seq() < r2.first(from, LeaderStatus.Role.LEADER).seq(), "m1 stopped before m2 started");
        assertTrue(!r1.overlapped && !r2.overlapped, "one call at a time");
    }

    @Test
    void anExpiryThatCuratorEndsOnTheServerIsReportedBeforeTheSessionEnds() throws Exception {
        ZooKeeperBackend b1 = backend();
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        join(b1, "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));
        join(backend(), "m2", r2);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r2.last()));

        // an Expired event while the handle is still connected: Curator closes the handle, which ends the
        // session on the server and deletes m1's node at once, and only then tells its listeners
        long from = Recorder.now();
        b1.curator().getZookeeperClient().getZooKeeper().getTestable()
                .queueEvent(new WatchedEvent(Watcher.Event.EventType.None, Watcher.Event.KeeperState.Expired, null));

        await().atMost(WAIT).until(() -> LeaderStatus.leader("m2").equals(r2.last()));
        Recorder.Event unknown = r1.first(from, LeaderStatus.Role.UNKNOWN);
        assertNotNull(unknown, r1.events.toString());
        assertTrue(unknown.seq() < r2.first(from, LeaderStatus.Role.LEADER).seq(), "m1 stopped before m2 started: " + r1.events + " " + r2.events);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m2").equals(r1.last()));
    }

    @Test
    void anExpiredSessionOfTheOnlyManagerComesBackAsLeader() throws Exception {
        ZooKeeperBackend b1 = backend();
        Recorder r1 = new Recorder();
        join(b1, "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));

        long from = Recorder.now();
        b1.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        await().atMost(WAIT).until(() -> r1.since(from).size() >= 2 && LeaderStatus.leader("m1").equals(r1.last()));
        List<Recorder.Event> after = r1.since(from);
        assertEquals(LeaderStatus.Role.UNKNOWN, after.get(0).status().role(), after.toString());
        // until ZooKeeper expires the old session on its side, its node still leads: m1 must wait for it
        assertTrue(after.stream().skip(1).limit(after.size() - 2L).allMatch(e -> e.status().role() == LeaderStatus.Role.UNKNOWN),
                after.toString());
    }

    @Test
    void aLostServerMakesEveryoneUnknownAndTheSessionsComeBack() throws Exception {
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        join(backend(), "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));
        join(backend(), "m2", r2);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r2.last()));

        long from = Recorder.now();
        server.stop();
        String suspended = "ZooKeeper connection suspended (" + server.getConnectString() + ")";
        await().atMost(WAIT).until(() -> LeaderStatus.unknown(suspended).equals(r1.last()) && LeaderStatus.unknown(suspended).equals(r2.last()));
        assertEquals(LeaderStatus.unknown(suspended), r1.since(from).get(0).status(), "the first report: " + r1.since(from));
        assertEquals(LeaderStatus.unknown(suspended), r2.since(from).get(0).status(), "the first report: " + r2.since(from));
        server.restart();

        await().atMost(WAIT).until(() -> r1.last().role() != LeaderStatus.Role.UNKNOWN && r2.last().role() != LeaderStatus.Role.UNKNOWN
                && r1.last().isLeader() != r2.last().isLeader());
        String leader = r1.last().isLeader() ? "m1" : "m2";
        assertEquals(LeaderStatus.follower(leader), (leader.equals("m1") ? r2 : r1).last());
    }

    @Test
    void aLeaderWhoseNodeIsDeletedStopsLeading() throws Exception {
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        Election e1 = join(backend(), "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));
        join(backend(), "m2", r2);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r2.last()));

        String node = rawClient().getChildren().forPath("/infrakit/leader").stream().sorted(Comparator.comparing(ZooKeeperElection::sequence))
                .findFirst().orElseThrow();
        rawClient().delete().forPath("/infrakit/leader/" + node);   // an operator cleaning up, say

        await().atMost(WAIT).until(() -> LeaderStatus.leader("m2").equals(r2.last()));
        await().atMost(WAIT).until(() -> r1.last().role() == LeaderStatus.Role.UNKNOWN);
        assertTrue(r1.last().detail().contains("deleted"), r1.last().toString());
        assertEquals(LeaderStatus.Role.UNKNOWN, e1.status().role());
    }

    @Test
    void stoppingTheBackendTellsItsManagersFirstAndFreesTheLeadershipAtOnce() throws Exception {
        ZooKeeperBackend b1 = backend();
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        join(b1, "m1", r1);
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m1").equals(r1.last()));
        join(backend(), "m2", r2);
        await().atMost(WAIT).until(() -> LeaderStatus.follower("m1").equals(r2.last()));

        long from = Recorder.now();
        b1.close();
        assertEquals(LeaderStatus.unknown("the ZooKeeper backend stopped"), r1.last());
        await().atMost(WAIT).until(() -> LeaderStatus.leader("m2").equals(r2.last()));
        assertTrue(r1.first(from, LeaderStatus.Role.UNKNOWN).seq() < r2.first(from, LeaderStatus.Role.LEADER).seq());
        assertThrows(PluginException.class, () -> b1.join("m1", new Recorder()));
        assertThrows(PluginException.class, b1::load);
    }

    /** A configuration as DS builds it: the annotation's defaults, with some values replaced. */
    static ZooKeeperBackend.Config config(Map<String, Object> values) {
        return (ZooKeeperBackend.Config) Proxy.newProxyInstance(ZooKeeperBackend.Config.class.getClassLoader(),
                new Class<?>[] {ZooKeeperBackend.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return ZooKeeperBackend.Config.class;
                    }
                    return values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
                });
    }
}
