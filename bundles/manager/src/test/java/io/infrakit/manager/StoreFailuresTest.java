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
import io.infrakit.spi.observe.ControllerObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every load and save of the store that fails is told to the observers, once; a conflict that is retried is no failure. */
class StoreFailuresTest {

    /** One failure told. */
    private record Failure(String operation, String detail) {
    }

    private final WireJsonCodec json = new WireJsonCodec();
    private final StatelessGroups proxy = new StatelessGroups();
    private final Registry registry = new Registry();
    private final MemoryStore store = new MemoryStore();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final List<ControllerObserver> observers = new CopyOnWriteArrayList<>();
    private GroupManager manager;

    @BeforeEach
    void start() throws PluginException {
        registry.plugins.put("group-stateless", proxy);
        observers.add(new ControllerObserver() {
            @Override
            public void storeFailed(String operation, String detail) {
                throw new IllegalStateException("a broken observer");
            }
        });
        observers.add(new ControllerObserver() {
            @Override
            public void storeFailed(String operation, String detail) {
                failures.add(new Failure(operation, detail));
            }
        });
        manager = new GroupManager(new GroupManager.Settings("node-a", "group-stateless", 5000, 50), new ManualLeadership(LeaderStatus.leader("node-a")),
                store, () -> registry, () -> json, observers);
        manager.start();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private GroupSpec spec(String id) throws PluginException {
        return json.decode(new RawJson("{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":1}}}"), GroupSpec.class);
    }

    @Test
    void aSaveThatFailsIsToldOncePerFailedSave() throws PluginException {
        store.refuseSaves = "No space left on device";
        for (String id : List.of("a", "b")) {
            PluginException e = assertThrows(PluginException.class, () -> manager.commitGroup(spec(id), false));
            assertEquals("No space left on device", e.getMessage(), "the caller's error is the store's, whatever the observers do");
        }
        assertEquals(List.of(new Failure("save", "No space left on device"), new Failure("save", "No space left on device")), failures);

        store.refuseSaves = null;
        assertEquals("Managing 3 instances", manager.commitGroup(spec("a"), false));
        assertEquals(2, failures.size(), "a save that works is no failure");
    }

    @Test
    void aConflictThatIsRetriedIsNoFailureButOneThatNeverEndsIs() throws PluginException {
        store.conflicts.set(3);
        manager.commitGroup(spec("a"), false);
        assertEquals(List.of(), failures);

        store.conflicts.set(1_000);
        PluginException e = assertThrows(PluginException.class, () -> manager.commitGroup(spec("b"), false));
        assertTrue(e.getMessage().startsWith("The store kept changing under this manager (50 attempts)"), e.getMessage());
        assertEquals(List.of(new Failure("save", e.getMessage())), failures);
    }

    @Test
    void aStoreThatCannotBeReadIsToldAsALoadThatFailed() throws PluginException {
        store.down = "connection refused";
        assertThrows(PluginException.class, () -> manager.commitGroup(spec("a"), false));
        await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() >= 2); // the leader's resync reads it too
        assertTrue(failures.stream().allMatch(f -> f.equals(new Failure("load", "connection refused"))), failures.toString());
    }

    @Test
    void storedTextThatIsNotAGroupsDocumentIsALoadThatFailed() throws PluginException {
        manager.close();
        failures.clear();
        MemoryStore garbled = new MemoryStore("{\"Groups\":{\"a\":{}}}");
        manager = new GroupManager(new GroupManager.Settings("node-a", "group-stateless", 5000, 50), new ManualLeadership(LeaderStatus.leader("node-a")),
                garbled, () -> registry, () -> json, observers);
        manager.start();
        PluginException e = assertThrows(PluginException.class, () -> manager.history("a"));
        assertEquals(new Failure("load", e.getMessage()), failures.get(0));
    }
}
