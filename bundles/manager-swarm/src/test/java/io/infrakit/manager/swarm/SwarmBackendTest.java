package io.infrakit.manager.swarm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.LeadershipListener;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Inflater;

/** The swarm backend against an engine in memory: leadership from the node's manager status, the groups in the swarm label. */
class SwarmBackendTest {

    private static final String HOST = "unix:///fake.sock";

    /**
     * A swarm spec as Docker 20.10 writes it, plus fields no engine has yet: 64-bit and larger numbers,
     * number spellings Java would change, escapes, nulls. All must go back as they came.
     */
    static final String SPEC = "{\"Name\":\"default\",\"Labels\":{\"com.example.owner\":\"ops <team> & co\",\"empty\":\"\"},"
            + "\"Orchestration\":{\"TaskHistoryRetentionLimit\":5},"
            + "\"Raft\":{\"SnapshotInterval\":10000,\"KeepOldSnapshots\":0,\"LogEntriesForSlowFollowers\":500,\"ElectionTick\":10,\"HeartbeatTick\":1},"
            + "\"Dispatcher\":{\"HeartbeatPeriod\":5000000000},\"CAConfig\":{\"NodeCertExpiry\":7776000000000000,\"ExternalCAs\":null},"
            + "\"TaskDefaults\":{\"LogDriver\":{\"Name\":\"json-file\",\"Options\":{\"max-size\":\"10m\"}}},"
            + "\"EncryptionConfig\":{\"AutoLockManagers\":false},"
            + "\"Future\":{\"Huge\":18446744073709551615,\"Min\":-9223372036854775808,\"Exp\":1e+21,\"Ratio\":0.10,\"Three\":3.0,"
            + "\"Text\":\"caf\\u00e9 \\\"quoted\\\" \\\\ \\u003c/script\\u003e\",\"Nothing\":null,\"List\":[1,{\"A\":[]},\"x\"]}}";

    /** The original's store format (MarshalIndent of the groups), as the manager writes it. */
    static final String GROUPS = "{\n    \"Groups\": {\n      \"cattle\": {\n        \"Plugin\": \"group-stateless\",\n        \"Properties\": {\n"
            + "          \"ID\": \"cattle\",\n          \"Properties\": {\n            \"Allocation\": {\n              \"Size\": 5\n            }\n"
            + "          }\n        }\n      }\n    }\n  }";

    /** {@link #GROUPS} encoded by another implementation (Python's zlib, level 6, and base64), not by this bundle. */
    static final String GROUPS_LABEL_FROM_ELSEWHERE = "eJyr5lIAAiX3ovzSgmIlK4VqMB8okpxYUpKTiiQCFAvIKU3PzAOKKaWD1OsWlySWpOakFhcr6SApKsovSC0qyUwtRtEMlPF0AWmFGqyDLINTD1DOMScnH6gnMz8PQw4oG5xZBXKkKYp4LRc2NowFoUFkLQDuGTlF";

    private final FakeEngine engine = new FakeEngine(SPEC);
    private final List<SwarmBackend> backends = new ArrayList<>();

    @AfterEach
    void stop() {
        backends.forEach(SwarmBackend::close);
    }

    // --- leadership ---

    @Test
    void leadsWhileThisNodeIsTheSwarmsLeader() throws Exception {
        Recorder a = new Recorder();
        Election election = backend(20).join("manager-a", a);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 1);
        assertEquals(LeaderStatus.leader("manager-a"), a.statuses.get(0));
        assertEquals(LeaderStatus.leader("manager-a"), election.status());
        assertTrue(engine.calls.contains("GET /info") && engine.calls.contains("GET /nodes/n1"), engine.calls.toString());
    }

    @Test
    void aFollowerIsToldTheLeadersHostnameAndHearsEveryChange() throws Exception {
        synchronized (engine) {
            engine.nodes.put("n1", new FakeEngine.Node("host-1", true, true));
            engine.nodes.put("n2", new FakeEngine.Node("host-2", true, false));
            engine.nodes.put("n9", new FakeEngine.Node("worker-9", false, false));
            engine.self = "n2";
        }
        Recorder b = new Recorder();
        backend(20).join("manager-b", b);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.statuses.size() == 1);
        assertEquals(LeaderStatus.follower("host-1"), b.statuses.get(0));

        synchronized (engine) {
            engine.nodes.put("n1", new FakeEngine.Node("host-1", true, false));
            engine.nodes.put("n2", new FakeEngine.Node("host-2", true, true));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> b.statuses.size() == 2);
        synchronized (engine) {
            engine.nodes.put("n2", new FakeEngine.Node("host-2", true, false));
            engine.nodes.put("n1", new FakeEngine.Node("host-1", true, true));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> b.statuses.size() == 3);
        assertEquals(List.of(LeaderStatus.follower("host-1"), LeaderStatus.leader("manager-b"), LeaderStatus.follower("host-1")), b.statuses);
        b.assertOneCallAtATime();
    }

    @Test
    void anEngineThatGoesDownIsUnknownAtOnceAndLeadsAgainWhenBack() throws Exception {
        Recorder a = new Recorder();
        backend(20).join("manager-a", a);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 1);

        engine.down = true;
        long downAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 2);
        long tookMillis = (System.nanoTime() - downAt) / 1_000_000;
        assertEquals(LeaderStatus.unknown(FakeEngine.DOWN), a.statuses.get(1));
        // at the next poll (20 ms), not after some grace period
        assertTrue(tookMillis < 1000, "UNKNOWN took " + tookMillis + " ms");

        engine.down = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 3);
        assertEquals(List.of(LeaderStatus.leader("manager-a"), LeaderStatus.unknown(FakeEngine.DOWN), LeaderStatus.leader("manager-a")), a.statuses);
    }

    @Test
    void anEngineOutsideASwarmOrAWorkerIsUnknownWithTheReason() throws Exception {
        engine.self = "";
        Recorder a = new Recorder();
        backend(20).join("manager-a", a);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 1);
        assertEquals(LeaderStatus.unknown("The Docker engine at " + HOST + " is not part of a swarm (LocalNodeState inactive)"), a.statuses.get(0));

        synchronized (engine) {
            engine.nodes.put("n3", new FakeEngine.Node("worker-3", false, false));
            engine.self = "n3";
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 2);
        assertEquals(LeaderStatus.unknown(FakeEngine.WORKER), a.statuses.get(1));
    }

    @Test
    void theEngineIsPolledOnlyWhileSomeoneTakesPart() throws Exception {
        SwarmBackend backend = backend(20);
        assertQuietFor(Duration.ofMillis(300));
        assertEquals(0, engine.callCount());

        Recorder a = new Recorder();
        Election election = backend.join("manager-a", a);
        int before = engine.callCount();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.callCount() > before + 10);

        election.close();
        assertQuietFor(Duration.ofMillis(300));
        int statuses = a.statuses.size();

        Recorder again = new Recorder();
        backend.join("manager-a", again);
        await().atMost(Duration.ofSeconds(5)).until(() -> again.statuses.size() == 1);
        engine.down = true;
        await().atMost(Duration.ofSeconds(5)).until(() -> again.statuses.size() == 2);
        assertEquals(statuses, a.statuses.size(), "a closed election's listener was called");
    }

    @Test
    void aNewcomerHearsItsStatusAtOnceAndAFailingListenerStopsNothing() throws Exception {
        SwarmBackend backend = backend(60_000);
        Recorder first = new Recorder();
        backend.join("manager-a", first);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.statuses.size() == 1);
        // the next poll is a minute away: the second one must not wait for it
        Recorder second = new Recorder();
        backend.join("manager-b", second);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.statuses.size() == 1);
        assertEquals(LeaderStatus.leader("manager-b"), second.statuses.get(0));
        assertEquals(1, first.statuses.size(), "no change, so no second call");

        SwarmBackend quick = backend(20);
        AtomicInteger thrown = new AtomicInteger();
        Recorder failing = new Recorder() {
            @Override
            public void leadershipChanged(LeaderStatus status) {
                super.leadershipChanged(status);
                thrown.incrementAndGet();
                throw new IllegalStateException("listener bug");
            }
        };
        quick.join("manager-c", failing);
        await().atMost(Duration.ofSeconds(5)).until(() -> failing.statuses.size() == 1);
        engine.down = true;
        await().atMost(Duration.ofSeconds(5)).until(() -> failing.statuses.size() == 2);
        assertEquals(2, thrown.get());
    }

    @Test
    void stoppingTheBackendTellsItsParticipantsTheStatusIsUnknown() throws Exception {
        SwarmBackend backend = backend(20);
        Recorder a = new Recorder();
        backend.join("manager-a", a);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 1);
        backend.close();
        assertEquals(List.of(LeaderStatus.leader("manager-a"), LeaderStatus.unknown("The swarm backend stopped")), a.statuses);
        PluginException e = assertThrows(PluginException.class, () -> backend.join("manager-b", new Recorder()));
        assertEquals("The swarm backend is stopped", e.getMessage());
    }

    @Test
    void withoutTheDockerServiceTheStatusIsUnknownUntilItComes() throws Exception {
        SwarmBackend backend = new SwarmBackend(HOST, 20, "", Map.of(), null, new WireJsonCodec());
        backends.add(backend);
        Recorder a = new Recorder();
        backend.join("manager-a", a);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 1);
        assertEquals(LeaderStatus.unknown("No Docker Engine service (the infrakit rpc bundle is not active)"), a.statuses.get(0));
        PluginException load = assertThrows(PluginException.class, backend::load);
        assertTrue(load.getMessage().endsWith("No Docker Engine service (the infrakit rpc bundle is not active)"), load.getMessage());

        backend.setEngine(engine);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 2);
        assertEquals(LeaderStatus.leader("manager-a"), a.statuses.get(1));
        backend.unsetEngine(engine);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 3);
        assertEquals(LeaderStatus.Role.UNKNOWN, a.statuses.get(2).role());
    }

    // --- configuration ---

    @Test
    void withoutAHostTheBackendUsesTheUsualSocketWhenDockerHostIsNoUnixSocket() {
        SwarmBackend backend = new SwarmBackend("", 1000, "", Map.of("DOCKER_HOST", "ssh://me@host"), engine, new WireJsonCodec());
        backends.add(backend);
        assertEquals("swarm backend (Docker engine at " + DockerEngine.DEFAULT_HOST + ")", backend.toString());
    }

    @Test
    void anUnsupportedHostOrApiVersionFailsClearly() {
        SwarmBackend tcp = new SwarmBackend("tcp://10.0.0.1:2376", 1000, "", Map.of(), engine, new WireJsonCodec());
        backends.add(tcp);
        PluginException join = assertThrows(PluginException.class, () -> tcp.join("manager-a", new Recorder()));
        assertEquals("The swarm backend's Docker host tcp://10.0.0.1:2376 is not supported: only unix:// addresses are "
                + "(set host in etc/io.infrakit.manager.swarm.cfg)", join.getMessage());
        assertThrows(PluginException.class, tcp::load);
        assertThrows(PluginException.class, () -> tcp.save("{}", StoredGroups.NONE));

        SwarmBackend badVersion = new SwarmBackend(HOST, 1000, "v1.41", Map.of(), engine, new WireJsonCodec());
        backends.add(badVersion);
        PluginException version = assertThrows(PluginException.class, badVersion::load);
        assertTrue(version.getMessage().startsWith("The swarm backend's api.version v1.41 is not an API version such as 1.41"), version.getMessage());
        assertEquals(0, engine.callCount());
    }

    @Test
    void anApiVersionPrefixesEveryPath() throws Exception {
        SwarmBackend backend = new SwarmBackend(HOST, 20, "1.41", Map.of(), engine, new WireJsonCodec());
        backends.add(backend);
        Recorder a = new Recorder();
        backend.join("manager-a", a);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statuses.size() == 1);
        assertEquals(LeaderStatus.leader("manager-a"), a.statuses.get(0));
        long version = backend.save(GROUPS, StoredGroups.NONE);
        assertEquals(new StoredGroups(GROUPS, version), backend.load());
        assertTrue(engine.calls.stream().allMatch(c -> c.startsWith("GET /v1.41/") || c.startsWith("POST /v1.41/")), engine.calls.toString());
        assertTrue(engine.calls.contains("POST /v1.41/swarm/update?version=10"), engine.calls.toString());
    }

    // --- store ---

    @Test
    void nothingStoredLoadsAsNone() throws Exception {
        assertEquals(new StoredGroups(null, StoredGroups.NONE), backend(1000).load());
    }

    @Test
    void savedGroupsAreTheSwarmLabelInTheOriginalsEncoding() throws Exception {
        SwarmBackend backend = backend(1000);
        long version = backend.save(GROUPS, StoredGroups.NONE);
        assertEquals(13, version, "the swarm's Version.Index after the update");
        assertEquals(List.of("GET /swarm", "POST /swarm/update?version=10", "GET /swarm"), engine.calls);

        String label = labels(engine.spec).get("infrakit").asText();
        assertTrue(label.matches("[A-Za-z0-9+/]+={0,2}"), "standard base64 with padding: " + label);
        byte[] zlib = Base64.getDecoder().decode(label);
        assertEquals(0x78, zlib[0] & 0xff, "a zlib header (deflate, 32 KiB window)");
        assertEquals(0, ((zlib[0] & 0xff) * 256 + (zlib[1] & 0xff)) % 31, "a valid zlib header check");
        assertEquals(GROUPS, inflate(zlib));

        assertEquals(new StoredGroups(GROUPS, 13), backend.load());
    }

    @Test
    void aLabelWrittenByAnotherImplementationLoads() throws Exception {
        engine.spec = SPEC.replace("\"empty\":\"\"", "\"empty\":\"\",\"infrakit\":\"" + GROUPS_LABEL_FROM_ELSEWHERE + "\"");
        assertEquals(new StoredGroups(GROUPS, 10), backend(1000).load());
    }

    @Test
    void everyOtherFieldOfTheSpecGoesBackExactlyAsTheEngineGaveIt() throws Exception {
        backend(1000).save(GROUPS, StoredGroups.NONE);
        String posted = engine.updates.get(0);
        // numbers keep their spelling: no double or long conversion on the way
        for (String field : new String[] {"\"HeartbeatPeriod\":5000000000", "\"NodeCertExpiry\":7776000000000000", "\"Huge\":18446744073709551615",
                "\"Min\":-9223372036854775808", "\"Exp\":1e+21", "\"Ratio\":0.10", "\"Three\":3.0", "\"ExternalCAs\":null",
                "\"Text\":\"caf\\u00e9 \\\"quoted\\\" \\\\ \\u003c/script\\u003e\"", "\"List\":[1,{\"A\":[]},\"x\"]"}) {
            assertTrue(posted.contains(field), field + " in " + posted);
        }
        ObjectNode sent = (ObjectNode) Json.mapper().readTree(posted);
        ObjectNode sentLabels = (ObjectNode) sent.get("Labels");
        assertTrue(sentLabels.has("infrakit"));
        sentLabels.remove("infrakit");
        assertEquals(Json.mapper().readTree(SPEC), sent, "only Labels.infrakit may differ");
        assertEquals(Set.of("com.example.owner", "empty"), Set.copyOf(iterable(sentLabels.fieldNames())));
    }

    @Test
    void aSaveFromAStaleVersionIsAConflictAndChangesNothing() throws Exception {
        SwarmBackend backend = backend(1000);
        long v1 = backend.save(GROUPS, StoredGroups.NONE);
        String ours = engine.spec;
        // another manager saves its groups
        engine.otherWriter(ours.replace(labels(ours).get("infrakit").asText(), LabelCodec.encode("{\"Groups\":{}}")));
        String theirs = engine.spec;
        StoreConflictException stale = assertThrows(StoreConflictException.class, () -> backend.save(GROUPS.replace("5", "6"), v1));
        assertEquals("The groups stored in the swarm changed since version 13 (now 15): load them again", stale.getMessage());
        assertThrows(StoreConflictException.class, () -> backend.save(GROUPS, StoredGroups.NONE), "something is stored now");
        assertEquals(theirs, engine.spec);
        assertEquals(1, engine.updates.size());
        assertEquals(new StoredGroups("{\"Groups\":{}}", 15), backend.load());

        // a change of another part of the swarm also moves its version: load again, then the save goes through
        engine.otherWriter(engine.spec.replace("\"TaskHistoryRetentionLimit\":5", "\"TaskHistoryRetentionLimit\":7"));
        assertThrows(StoreConflictException.class, () -> backend.save(GROUPS, 15));
        StoredGroups now = backend.load();
        assertEquals(17, now.version());
        assertEquals(20, backend.save(GROUPS, now.version()));
        assertTrue(engine.spec.contains("\"TaskHistoryRetentionLimit\":7"), engine.spec);
    }

    @Test
    void anUpdateTheEngineFindsOutOfSequenceIsAConflict() throws Exception {
        SwarmBackend backend = backend(1000);
        String theirs = SPEC.replace("\"empty\":\"\"", "\"empty\":\"\",\"infrakit\":\"" + GROUPS_LABEL_FROM_ELSEWHERE + "\"");
        // another writer gets in between this save's read and its update
        engine.beforeUpdate = () -> engine.otherWriter(theirs);
        StoreConflictException e = assertThrows(StoreConflictException.class, () -> backend.save("{\"Groups\":{}}", StoredGroups.NONE));
        assertEquals("The swarm changed while the groups were saved (from version 10): load them again", e.getMessage());
        assertEquals(theirs, engine.spec);
        assertEquals(new StoredGroups(GROUPS, 12), backend.load());
    }

    @Test
    void aSaveOvertakenBeforeItsVersionIsReadBackAnswersAVersionTheNextSaveFindsStale() throws Exception {
        SwarmBackend backend = backend(1000);
        String theirs = SPEC.replace("\"empty\":\"\"", "\"empty\":\"\",\"infrakit\":\"" + GROUPS_LABEL_FROM_ELSEWHERE + "\"");
        engine.afterUpdate = () -> engine.otherWriter(theirs);
        long version = backend.save("{\"Groups\":{}}", StoredGroups.NONE);
        assertEquals(10, version, "not the other writer's version 15");
        assertThrows(StoreConflictException.class, () -> backend.save("{\"Groups\":{\"mine\":{}}}", version));
        assertEquals(theirs, engine.spec, "the other writer's groups were not overwritten unseen");
    }

    @Test
    void aLabelThatIsNotOursAndAnEngineThatIsDownFailClearly() throws Exception {
        SwarmBackend backend = backend(1000);
        engine.spec = SPEC.replace("\"empty\":\"\"", "\"empty\":\"\",\"infrakit\":\"not base64!\"");
        PluginException garbage = assertThrows(PluginException.class, backend::load);
        assertTrue(garbage.getMessage().startsWith("The swarm label infrakit does not hold groups stored by InfraKit (base64 of zlib-compressed JSON): not base64"),
                garbage.getMessage());
        engine.spec = SPEC.replace("\"empty\":\"\"", "\"empty\":\"\",\"infrakit\":\"" + Base64.getEncoder().encodeToString("plain".getBytes()) + "\"");
        PluginException notZlib = assertThrows(PluginException.class, backend::load);
        assertTrue(notZlib.getMessage().contains("not zlib data"), notZlib.getMessage());

        engine.down = true;
        PluginException down = assertThrows(PluginException.class, backend::load);
        assertEquals("Cannot read the groups from the swarm (Docker engine at " + HOST + "): " + FakeEngine.DOWN, down.getMessage());
        PluginException save = assertThrows(PluginException.class, () -> backend.save(GROUPS, StoredGroups.NONE));
        assertEquals("Cannot save the groups in the swarm (Docker engine at " + HOST + "): " + FakeEngine.DOWN, save.getMessage());
    }

    @Test
    void theLabelEncodingRoundTripsAnyText() {
        for (String text : new String[] {"{}", GROUPS, "{\"Groups\":{\"caf\u00e9 \u2713\":{\"x\":\"" + "y".repeat(100_000) + "\"}}}"}) {
            assertEquals(text, LabelCodec.decode(LabelCodec.encode(text)));
        }
        String label = LabelCodec.encode(GROUPS);
        assertThrows(IllegalArgumentException.class, () -> LabelCodec.decode(label.substring(0, label.length() - 8)), "truncated");
    }

    // --- helpers ---

    private SwarmBackend backend(long pollMillis) {
        SwarmBackend backend = new SwarmBackend(HOST, pollMillis, "", Map.of(), engine, new WireJsonCodec());
        backends.add(backend);
        return backend;
    }

    /** Fails unless the engine gets no call for the whole duration (polled often, so a periodic poll is seen). */
    private void assertQuietFor(Duration quiet) {
        AtomicInteger last = new AtomicInteger(engine.callCount());
        await().during(quiet).atMost(quiet.multipliedBy(4)).pollInterval(Duration.ofMillis(5))
                .until(() -> engine.callCount() == last.getAndSet(engine.callCount()));
    }

    static JsonNode labels(String spec) throws IOException {
        return Json.mapper().readTree(spec).get("Labels");
    }

    static String inflate(byte[] zlib) throws Exception {
        Inflater inflater = new Inflater();
        inflater.setInput(zlib);
        byte[] out = new byte[1 << 20];
        int n = inflater.inflate(out);
        assertTrue(inflater.finished());
        inflater.end();
        return new String(out, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    /** Records the statuses a listener hears, and whether two calls ever overlapped. */
    static class Recorder implements LeadershipListener {
        final List<LeaderStatus> statuses = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        private final AtomicInteger inside = new AtomicInteger();
        private volatile boolean overlapped;

        @Override
        public void leadershipChanged(LeaderStatus status) {
            if (inside.incrementAndGet() > 1) {
                overlapped = true;
            }
            threads.add(Thread.currentThread().getName());
            statuses.add(status);
            inside.decrementAndGet();
        }

        void assertOneCallAtATime() {
            assertTrue(!overlapped, "two calls overlapped");
            assertEquals(1, threads.size(), threads.toString());
        }
    }
}
