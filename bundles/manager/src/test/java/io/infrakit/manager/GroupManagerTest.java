package io.infrakit.manager;

import io.infrakit.manager.Fakes.ManualLeadership;
import io.infrakit.manager.Fakes.MemoryStore;
import io.infrakit.manager.Fakes.Registry;
import io.infrakit.manager.Fakes.StatelessGroups;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.LeaderStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupManagerTest {

    private final WireJsonCodec json = new WireJsonCodec();
    private final StatelessGroups proxy = new StatelessGroups();
    private final Registry registry = new Registry();
    private MemoryStore store = new MemoryStore();
    private ManualLeadership leadership;
    private GroupManager manager;

    @BeforeEach
    void proxyIsThere() {
        registry.plugins.put("group-stateless", proxy);
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private GroupManager start(LeaderStatus initial) throws PluginException {
        leadership = new ManualLeadership(initial);
        manager = new GroupManager(new GroupManager.Settings("node-a", "group-stateless", 5000, 50), leadership, store, registry, json);
        manager.start();
        return manager;
    }

    private GroupSpec spec(String id, int size) throws PluginException {
        return json.decode(new RawJson("""
                {"ID":"%s","Properties":{"Allocation":{"Size":%d},
                 "Instance":{"Plugin":"instance-file","Properties":{"Note":"v1"}},
                 "Flavor":{"Plugin":"flavor-vanilla","Properties":{"Init":["echo hi"]}}}}""".formatted(id, size)), GroupSpec.class);
    }

    private GroupsDocument stored() throws PluginException {
        return GroupsDocument.parse(store.json(), json);
    }

    private static String stored(GroupsDocument document, String id) {
        return document.groups().get(id).properties().properties().json().replaceAll("\\s", "");
    }

    private MemoryStore storeWith(String... ids) throws PluginException {
        GroupsDocument document = GroupsDocument.EMPTY;
        for (String id : ids) {
            document = document.with(id, new GroupsDocument.Entry("group-stateless", spec(id, 2)));
        }
        return new MemoryStore(document.format(json));
    }

    @Test
    void aLeadersCommitIsPersistedBeforeItIsForwarded() throws PluginException {
        start(LeaderStatus.leader("node-a"));
        AtomicReference<String> storeAtForward = new AtomicReference<>();
        proxy.onCommit = spec -> storeAtForward.set(store.json());

        assertEquals("Managing 3 instances", manager.commitGroup(spec("cattle", 3), false));

        assertTrue(storeAtForward.get() != null && storeAtForward.get().contains("\"cattle\""), "stored before it was forwarded");
        GroupsDocument.Entry entry = stored().groups().get("cattle");
        assertEquals("group-stateless", entry.plugin());
        assertEquals("{\"Allocation\":{\"Size\":3},\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"v1\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echohi\"]}}}", stored(stored(), "cattle"));
        assertEquals(Set.of("cattle"), proxy.watched.keySet());
        assertTrue(manager.isLeader());
    }

    @Test
    void aCommitRightAfterStartWaitsForTheBackendsFirstAnswerInsteadOfFailing() throws Exception {
        start(null);
        CompletableFuture<String> commit = CompletableFuture.supplyAsync(() -> {
            try {
                return manager.commitGroup(spec("cattle", 3), false);
            } catch (PluginException e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().values().stream()
                .anyMatch(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getMethodName().equals("awaitFirstStatus"))
                        && Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(CountDownLatch.class.getName()))));

        leadership.set(LeaderStatus.leader("node-a"));

        assertEquals("Managing 3 instances", commit.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aPretendCommitIsForwardedButNotPersisted() throws PluginException {
        start(LeaderStatus.leader("node-a"));

        assertEquals("Managing 3 instances", manager.commitGroup(spec("cattle", 3), true));

        assertEquals(List.of("pretend cattle"), proxy.calls);
        assertEquals(0, store.saves.get());
        assertTrue(proxy.watched.isEmpty());
    }

    @Test
    void aCommitTheGroupPluginRejectsLeavesTheStoreAsItWas() throws PluginException {
        start(LeaderStatus.leader("node-a"));
        manager.commitGroup(spec("cattle", 3), false);
        proxy.rejectCommits = "Failed to find Instance plugin 'instance-file'";

        PluginException update = assertThrows(PluginException.class, () -> manager.commitGroup(spec("cattle", 9), false));
        PluginException created = assertThrows(PluginException.class, () -> manager.commitGroup(spec("pets", 2), false));

        assertEquals("Failed to find Instance plugin 'instance-file'", update.getMessage());
        assertEquals(update.getMessage(), created.getMessage());
        assertEquals(Set.of("cattle"), stored().groups().keySet());
        assertTrue(stored(stored(), "cattle").contains("\"Size\":3"), stored(stored(), "cattle"));
    }

    @Test
    void aFollowerRefusesChangesAtOnceAndNamesTheLeader() throws PluginException {
        store = storeWith("cattle");
        start(LeaderStatus.follower("node-b"));
        proxy.watched.put("other", spec("other", 1));

        for (PluginException e : List.of(
                assertThrows(PluginException.class, () -> manager.commitGroup(spec("cattle", 3), false)),
                assertThrows(PluginException.class, () -> manager.commitGroup(spec("cattle", 3), true)),
                assertThrows(PluginException.class, () -> manager.freeGroup("cattle")),
                assertThrows(PluginException.class, () -> manager.destroyGroup("cattle")))) {
            assertTrue(e.getMessage().contains("this manager (node-a) is not the leader; the leader is node-b"), e.getMessage());
        }
        assertEquals(List.of(), proxy.calls);
        assertEquals(0, store.saves.get());
        assertEquals(Set.of("cattle"), stored().groups().keySet());
        assertFalse(manager.isLeader());
        // reading still works
        assertEquals(List.of("other"), manager.inspectGroups().stream().map(GroupSpec::id).toList());
        assertTrue(manager.describeGroup("other").converged());
    }

    @Test
    void aManagerThatCannotTellWhoLeadsChangesNothingAndSaysWhy() throws PluginException {
        start(LeaderStatus.unknown("ZooKeeper session expired"));

        PluginException e = assertThrows(PluginException.class, () -> manager.commitGroup(spec("cattle", 3), false));

        assertTrue(e.getMessage().contains("cannot tell whether it leads (ZooKeeper session expired)"), e.getMessage());
        assertEquals(List.of(), proxy.calls);
        assertNull(store.json());
    }

    @Test
    void gainingLeadershipCommitsTheStoredGroupsAndLosingItFreesThemAndKeepsTheStore() throws PluginException {
        store = storeWith("cattle", "pets");
        start(LeaderStatus.follower("node-b"));
        assertTrue(proxy.watched.isEmpty());

        leadership.set(LeaderStatus.leader("node-a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.watched.keySet().equals(Set.of("cattle", "pets")));

        leadership.set(LeaderStatus.follower("node-b"));
        await().atMost(Duration.ofSeconds(5)).until(proxy.watched::isEmpty);
        assertTrue(proxy.calls.containsAll(List.of("free cattle", "free pets")), proxy.calls.toString());
        assertEquals(Set.of("cattle", "pets"), stored().groups().keySet());
        assertEquals(0, store.saves.get());
    }

    @Test
    void freeAndDestroyTakeTheGroupOutOfTheStoreSoItDoesNotComeBack() throws PluginException {
        start(LeaderStatus.leader("node-a"));
        manager.commitGroup(spec("cattle", 3), false);
        manager.commitGroup(spec("pets", 2), false);

        manager.freeGroup("cattle");
        manager.destroyGroup("pets");

        assertEquals(Set.of(), stored().groups().keySet());
        assertTrue(proxy.calls.containsAll(List.of("free cattle", "destroy pets")), proxy.calls.toString());
        PluginException unknown = assertThrows(PluginException.class, () -> manager.freeGroup("cattle"));
        assertEquals("Group 'cattle' is not being watched", unknown.getMessage());

        leadership.set(LeaderStatus.follower("node-b"));
        leadership.set(LeaderStatus.leader("node-a"));
        PluginException stillGone = assertThrows(PluginException.class, () -> manager.destroyGroup("pets"));
        assertEquals("Group 'pets' is not being watched", stillGone.getMessage());
        assertTrue(proxy.watched.isEmpty());
        assertEquals(2, proxy.calls.stream().filter(c -> c.startsWith("commit ")).count(), proxy.calls.toString());
    }

    @Test
    void aGroupTheGroupPluginLostIsCommittedAgain() throws PluginException {
        start(LeaderStatus.leader("node-a"));
        manager.commitGroup(spec("cattle", 3), false);

        proxy.watched.clear(); // the group plugin was restarted: it keeps no state

        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.watched.containsKey("cattle"));
        assertEquals(2, proxy.calls.stream().filter("commit cattle"::equals).count());
    }

    @Test
    void storedGroupsAndACommitWaitForTheGroupPluginToAppear() throws Exception {
        store = storeWith("cattle");
        registry.plugins.clear();
        start(LeaderStatus.leader("node-a"));
        CompletableFuture<String> commit = CompletableFuture.supplyAsync(() -> {
            try {
                return manager.commitGroup(spec("pets", 1), false);
            } catch (PluginException e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().values().stream()
                .anyMatch(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getMethodName().equals("awaitProxy"))));

        registry.plugins.put("group-stateless", proxy);

        assertEquals("Managing 3 instances", commit.get(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.watched.keySet().equals(Set.of("cattle", "pets")));
    }

    @Test
    void aCommitFailsClearlyWhenTheGroupPluginNeverAppears() throws PluginException {
        registry.plugins.clear();
        leadership = new ManualLeadership(LeaderStatus.leader("node-a"));
        manager = new GroupManager(new GroupManager.Settings("node-a", "group-stateless", 400, 50), leadership, store, registry, json);
        manager.start();

        PluginException e = assertThrows(PluginException.class, () -> manager.commitGroup(spec("pets", 1), false));

        assertTrue(e.getMessage().startsWith("The group plugin group-stateless this manager forwards to is not available"), e.getMessage());
        assertNull(store.json());
    }

    @Test
    void aWriteThatRacesAnotherWriterIsRetried() throws PluginException {
        start(LeaderStatus.leader("node-a"));
        store.conflicts.set(3);

        manager.commitGroup(spec("cattle", 3), false);

        assertEquals(2, store.saves.get(), "the spec, then its revision; each written once after the conflicts");
        assertEquals(Set.of("cattle"), stored().groups().keySet());
    }

    @Test
    void aStoreThatCannotBeWrittenRefusesTheCommitBeforeAnythingRuns() throws PluginException {
        start(LeaderStatus.leader("node-a"));
        store.down = "No space left on device";

        PluginException e = assertThrows(PluginException.class, () -> manager.commitGroup(spec("cattle", 3), false));

        assertEquals("No space left on device", e.getMessage());
        assertTrue(proxy.calls.stream().noneMatch(c -> c.startsWith("commit")), proxy.calls.toString());
    }

    @Test
    void losingLeadershipWhileResumingLeavesNoGroupRunning() throws PluginException {
        store = storeWith("a", "b", "c");
        proxy.onCommit = spec -> {
            if (spec.id().equals("a")) {
                leadership.set(LeaderStatus.follower("node-b"));
            }
        };
        start(LeaderStatus.leader("node-a"));

        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.calls.contains("free a") && proxy.watched.isEmpty());
        for (String id : List.of("b", "c")) {
            // each group is resumed on a thread of its own: one already committed when leadership went is freed too
            assertEquals(proxy.calls.contains("commit " + id), proxy.calls.contains("free " + id), proxy.calls.toString());
        }
    }

    @Test
    void closingTheLeaderFreesItsGroupsThenLeavesTheElection() throws PluginException {
        start(LeaderStatus.leader("node-a"));
        manager.commitGroup(spec("cattle", 3), false);

        manager.close();
        manager = null;

        assertTrue(proxy.watched.isEmpty());
        assertTrue(proxy.calls.contains("free cattle"));
        assertEquals(1, leadership.closed.get());
        assertEquals(Set.of("cattle"), stored().groups().keySet());
    }

    @Test
    void aDestroyIsATombstoneUntilTheGroupPluginSaysTheGroupIsGone() throws Exception {
        start(LeaderStatus.leader("node-a"));
        manager.commitGroup(spec("cattle", 3), false);
        AtomicReference<String> storeAtForward = new AtomicReference<>();
        proxy.onDestroy = id -> {
            storeAtForward.set(store.json());
            return false; // the group plugin goes on destroying after it answered
        };

        manager.destroyGroup("cattle");

        assertTrue(storeAtForward.get().contains("\"Destroying\": true"), "the tombstone is written before the destroy is forwarded");
        assertTrue(stored().groups().get("cattle").destroying());
        manager.destroyGroup("cattle"); // accepted again
        PluginException refused = assertThrows(PluginException.class, () -> manager.commitGroup(spec("cattle", 3), false));
        assertEquals("Group 'cattle' is being destroyed; commit it again once it is gone", refused.getMessage());
        manager.save("cattle", io.infrakit.spi.group.GroupState.NONE); // a loop that has not heard of it yet
        assertTrue(stored().groups().get("cattle").destroying(), "the tombstone stays, whatever a loop writes");

        manager.destroyed("cattle");
        assertEquals(Set.of(), stored().groups().keySet());
    }

    @Test
    void aTombstonedGroupIsResumedByANewLeaderWithItsState() throws Exception {
        GroupsDocument document = GroupsDocument.EMPTY.with("cattle", new GroupsDocument.Entry("group-stateless", spec("cattle", 2),
                io.infrakit.spi.group.GroupState.NONE.toDestroy(), null));
        store = new MemoryStore(document.format(json));
        start(LeaderStatus.leader("node-a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.watched.containsKey("cattle"));
        assertTrue(manager.load("cattle").destroying(), "the group plugin reads the tombstone when it takes the group up");
    }

    @Test
    void onlyTheLeaderKeepsStateAndTheFenceClosesTheMomentLeadershipIsInDoubt() throws Exception {
        start(LeaderStatus.leader("node-a"));
        manager.commitGroup(spec("cattle", 3), false);
        manager.check();
        io.infrakit.spi.group.GroupState failed = new io.infrakit.spi.group.GroupState(new io.infrakit.spi.group.GroupState.Rollout("sha2", "sha1",
                1000, io.infrakit.spi.group.GroupState.Phase.FAILED, "Instance i stayed unhealthy for 10 s"), null, false);
        manager.save("cattle", failed);
        assertEquals(failed, manager.load("cattle"));
        assertTrue(store.json().contains("\"Phase\": \"FAILED\""), store.json());

        leadership.set(LeaderStatus.unknown("ZooKeeper session suspended"));

        assertEquals("This node does not act: the manager node-a is leadership unknown (ZooKeeper session suspended)",
                assertThrows(PluginException.class, manager::check).getMessage());
        assertThrows(PluginException.class, () -> manager.save("cattle", io.infrakit.spi.group.GroupState.NONE));
        assertEquals(failed, manager.load("cattle"));
    }

    @Test
    void aStoredGroupNotTakenUpYetIsDescribedAsStarting() throws Exception {
        proxy.rejectCommits = "Failed to find Instance plugin 'instance-file'";
        store = storeWith("cattle");
        start(LeaderStatus.leader("node-a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.calls.contains("commit cattle"));
        io.infrakit.spi.group.GroupDescription d = manager.describeGroup("cattle");
        assertEquals(io.infrakit.spi.group.GroupDescription.Status.STARTING, d.status());
        assertFalse(d.converged());
        assertEquals("Group 'nope' is not being watched", assertThrows(PluginException.class, () -> manager.describeGroup("nope")).getMessage());
    }

    @Test
    void beforeTheBackendsFirstAnswerAStoredGroupIsStartingAndAFollowerNamesTheLeader() throws Exception {
        store = storeWith("cattle");
        start(null);
        assertEquals(io.infrakit.spi.group.GroupDescription.Status.STARTING, manager.describeGroup("cattle").status());
        leadership.set(LeaderStatus.unknown("ZooKeeper session lost"));
        assertEquals(io.infrakit.spi.group.GroupDescription.Status.ERROR, manager.describeGroup("cattle").status());
        leadership.set(LeaderStatus.follower("node-b"));
        assertEquals("Group 'cattle' is not run by this manager (node-a): follower (the leader is node-b)",
                assertThrows(PluginException.class, () -> manager.describeGroup("cattle")).getMessage());
    }

    @Test
    void aCommitStuckInTheGroupPluginDelaysNoOtherGroup() throws Exception {
        start(LeaderStatus.leader("node-a"));
        CountDownLatch release = new CountDownLatch(1);
        proxy.onCommit = spec -> {
            if (spec.id().equals("stuck")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CompletableFuture<String> stuck = CompletableFuture.supplyAsync(() -> {
            try {
                return manager.commitGroup(spec("stuck", 1), false);
            } catch (PluginException e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.calls.contains("pretend stuck")); // the dry run before storing
        try {
            assertEquals("Managing 3 instances", manager.commitGroup(spec("cattle", 3), false));
            manager.destroyGroup("cattle");
            assertFalse(stuck.isDone());
        } finally {
            release.countDown();
        }
        assertEquals("Managing 3 instances", stuck.get(5, TimeUnit.SECONDS));
    }
}
