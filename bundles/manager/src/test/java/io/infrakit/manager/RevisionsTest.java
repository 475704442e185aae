package io.infrakit.manager;

import io.infrakit.flavor.vanilla.VanillaFlavorPlugin;
import io.infrakit.group.DefaultGroupPlugin;
import io.infrakit.group.FileGroupJournal;
import io.infrakit.instance.file.FileInstancePlugin;
import io.infrakit.manager.file.FileBackend;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Revisions, history and rollback through the manager, in front of the real default group plugin with the
 * file instance plugin and a vanilla flavor whose members of a "bad" configuration are unhealthy.
 */
class RevisionsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final WireJsonCodec json = new WireJsonCodec();
    private final List<AutoCloseable> open = new ArrayList<>();
    private GroupManager manager;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Vanilla, except that a member of a configuration whose Init says "bad" is unhealthy. */
    private FlavorPlugin flavor() {
        VanillaFlavorPlugin vanilla = new VanillaFlavorPlugin(json);
        return new FlavorPlugin() {
            @Override
            public void validate(RawJson properties, Allocation allocation) throws PluginException {
                vanilla.validate(properties, allocation);
            }

            @Override
            public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
                return vanilla.prepare(properties, spec, allocation);
            }

            @Override
            public Health healthy(RawJson properties, Description instance) {
                return properties.json().contains("bad") ? Health.UNHEALTHY : Health.HEALTHY;
            }

            @Override
            public void drain(RawJson properties, Description instance) {
            }
        };
    }

    private GroupManager start(int historyLimit) throws Exception {
        Files.writeString(dir.resolve("leader"), "node-a\n");
        Fakes.Registry registry = new Fakes.Registry();
        DefaultGroupPlugin groups = new DefaultGroupPlugin(Fakes.groupConfig(20), registry, json);
        groups.setJournal(new FileGroupJournal(dir.resolve("events"), 1000, json));
        registry.plugins.put("group-stateless", groups);
        registry.plugins.put("instance-file", new FileInstancePlugin(dir.resolve("instances"), json));
        registry.plugins.put("flavor-test", flavor());
        FileBackend backend = new FileBackend(dir.resolve("leader"), dir.resolve("configs"), 20, false);
        manager = new GroupManager(new GroupManager.Settings("node-a", "group-stateless", 10000, 100, historyLimit), backend, backend,
                registry, json);
        groups.setStates(manager);
        groups.setFence(manager);
        open.add(groups::close);
        open.add(backend::close);
        open.add(manager);
        manager.start();
        await().atMost(WAIT).until(manager::isLeader);
        return manager;
    }

    private GroupSpec cattle(int size, String init, String update) throws PluginException {
        return json.decode(new RawJson("""
                {"ID":"cattle","Properties":{"Allocation":{"Size":%d},%s
                 "Instance":{"Plugin":"instance-file","Properties":{"Note":"v"}},
                 "Flavor":{"Plugin":"flavor-test","Properties":{"Init":["%s"]}}}}""".formatted(size, update == null ? "" : "\"Update\":" + update + ",",
                init)), GroupSpec.class);
    }

    private GroupStatus status() throws PluginException {
        return manager.status("cattle").get(0);
    }

    private boolean at(int revision) throws PluginException {
        GroupStatus s = status();
        return s.revision() == revision && GroupDescription.Status.CONVERGED.equals(s.status()) && s.upToDate() == s.desired();
    }

    @Test
    void aChangedConfigurationIsARevisionAndARollbackIsANewOneWithAnEarlierSpec() throws Exception {
        start(10);
        manager.commit(cattle(2, "one", null), false, GroupControl.Source.SHELL);
        await().atMost(WAIT).until(() -> at(1));
        manager.commit(cattle(2, "one", null), false, GroupControl.Source.CLI); // the same again
        manager.commit(cattle(3, "one", null), false, GroupControl.Source.CLI); // a scale: the same configuration
        await().atMost(WAIT).until(() -> at(1) && status().current() == 3);
        assertEquals(List.of(1), manager.history("cattle").stream().map(Revision::revision).toList());

        manager.commit(cattle(3, "two", null), false, GroupControl.Source.CLI);
        await().atMost(WAIT).until(() -> at(2));
        List<Revision> history = manager.history("cattle");
        assertEquals(List.of(1, 2), history.stream().map(Revision::revision).toList());
        assertEquals(GroupControl.Source.SHELL, history.get(0).source());
        assertEquals(GroupControl.Source.CLI, history.get(1).source());
        assertNull(history.get(1).reason());

        String plan = manager.rollback("cattle", 0, GroupControl.Source.SHELL);
        assertTrue(plan.contains("rolling update"), plan);
        await().atMost(WAIT).until(() -> at(3));
        history = manager.history("cattle");
        Revision rollback = history.get(2);
        assertEquals(3, rollback.revision());
        assertEquals("rollback to revision 1", rollback.reason());
        assertEquals(history.get(0).configSHA(), rollback.configSHA());
        assertEquals(json.encode(cattle(2, "one", null)).json(), json.encode(rollback.spec()).json(), "revision 1's spec, its size too");
        await().atMost(WAIT).until(() -> status().current() == 2);

        List<GroupEvent> events = manager.events("cattle", 0, 1000, 0);
        GroupEvent started = events.stream().filter(e -> e.type().equals(GroupEvent.Type.ROLLOUT_STARTED)).reduce((a, b) -> b).orElseThrow();
        assertEquals(3, started.revision(), "events name the revision of their configuration");
        assertTrue(events.stream().anyMatch(e -> e.type().equals(GroupEvent.Type.COMMITTED) && GroupControl.Source.CLI.equals(e.source())));

        assertEquals("There is no revision 9; the revisions kept are 1 to 3",
                assertThrows(PluginException.class, () -> manager.rollback("cattle", 9, GroupControl.Source.CLI)).getMessage());
        assertEquals("Group 'nope' is not stored by this manager",
                assertThrows(PluginException.class, () -> manager.history("nope")).getMessage());
    }

    @Test
    void onlyTheLastRevisionsAreKeptAndTheirNumbersGoOn() throws Exception {
        start(3);
        for (String init : List.of("a", "b", "c", "d", "e")) {
            manager.commit(cattle(1, init, null), false, GroupControl.Source.CLI);
        }
        assertEquals(List.of(3, 4, 5), manager.history("cattle").stream().map(Revision::revision).toList());
        assertEquals("There is no revision 1; the revisions kept are 3 to 5",
                assertThrows(PluginException.class, () -> manager.rollback("cattle", 1, GroupControl.Source.CLI)).getMessage());
        manager.rollback("cattle", 3, GroupControl.Source.CLI);
        assertEquals(List.of(4, 5, 6), manager.history("cattle").stream().map(Revision::revision).toList());
    }

    @Test
    void anAutomaticRollbackIsARevisionWithItsReason() throws Exception {
        start(10);
        String update = "{\"AutoRollback\":true,\"UnhealthySeconds\":0}";
        manager.commit(cattle(2, "good", update), false, GroupControl.Source.CLI);
        await().atMost(WAIT).until(() -> at(1));
        manager.commit(cattle(2, "bad", update), false, GroupControl.Source.CLI);
        await().atMost(WAIT).until(() -> GroupDescription.Status.ROLLED_BACK.equals(status().status()));
        List<Revision> history = manager.history("cattle");
        assertEquals(List.of(1, 2, 3), history.stream().map(Revision::revision).toList());
        Revision auto = history.get(2);
        assertEquals(GroupControl.Source.CONTROLLER, auto.source());
        assertTrue(auto.reason().startsWith("automatic rollback to revision 1: Instance "), auto.reason());
        assertEquals(history.get(0).configSHA(), auto.configSHA());
        assertEquals(3, status().revision());
    }

    @Test
    void pauseAndResumeGoThroughTheManagerAndAreRefusedWhenItDoesNotLead() throws Exception {
        start(10);
        manager.commit(cattle(2, "one", null), false, GroupControl.Source.CLI);
        await().atMost(WAIT).until(() -> at(1));
        manager.pause("cattle", GroupControl.Source.CLI);
        assertEquals(GroupDescription.Status.PAUSED, status().status());
        manager.resume("cattle", GroupControl.Source.CLI);
        Files.writeString(dir.resolve("leader"), "node-b\n");
        await().atMost(WAIT).until(() -> !manager.isLeader());
        PluginException e = assertThrows(PluginException.class, () -> manager.pause("cattle", GroupControl.Source.CLI));
        assertTrue(e.getMessage().startsWith("Cannot pause group 'cattle': this manager (node-a) is not the leader"), e.getMessage());
        await().atMost(WAIT).until(() -> GroupDescription.Status.ERROR.equals(status().status()));
        assertEquals(1, status().revision(), "a stored group not run here still has its revision");
    }
}
