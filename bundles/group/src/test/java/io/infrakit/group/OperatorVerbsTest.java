package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status, events, pause, resume and stop of the default group plugin, on in-memory plugins. */
class OperatorVerbsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final Fixture fx = new Fixture(20, 60_000);
    private FileGroupJournal journal;

    @BeforeEach
    void journal() {
        journal = new FileGroupJournal(tmp.resolve("events"), 1000, fx.json);
        fx.plugin.setJournal(journal);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private String sha(GroupSpec spec) throws PluginException {
        return ConfigSha.of(GroupProperties.parse(spec.properties(), fx.json), fx.json);
    }

    private long at(String sha) {
        return fx.instances.group("cattle").stream().filter(m -> sha.equals(m.tags().get(ConfigSha.TAG))).count();
    }

    private GroupStatus status() throws PluginException {
        return fx.plugin.status("cattle").get(0);
    }

    private List<String> types() throws PluginException {
        return fx.plugin.events("cattle", 0, 1000, 0).stream().map(GroupEvent::type).toList();
    }

    @Test
    void aPausedRolloutReplacesNothingHealsWithTheConfigurationMembersHadAndMovesOnOnceResumed() throws Exception {
        GroupSpec v1 = Fixture.cattle(4, "1.0", null);
        GroupSpec v2 = Fixture.cattle(4, "2.0", null);
        String s1 = sha(v1);
        String s2 = sha(v2);
        fx.plugin.commit(v1, false, GroupControl.Source.SHELL);
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(status().status()));
        assertEquals(new GroupStatus("cattle", 4, 4, 4, 4, "Converged", 0, s1, null, null, null), status().withoutMembers());

        // new members never become healthy: the rollout replaces one and waits for it
        fx.flavor.health = d -> s2.equals(d.tags().get(ConfigSha.TAG)) ? Health.UNKNOWN : Health.HEALTHY;
        fx.plugin.commit(v2, false, GroupControl.Source.CLI);
        await().atMost(WAIT).until(() -> at(s2) == 1 && status().current() == 4);
        assertEquals(GroupDescription.Status.ROLLING, status().status());

        assertEquals("Paused: no member is replaced until the rollout is resumed", fx.plugin.pause("cattle", GroupControl.Source.SHELL));
        assertEquals("Cannot pause group cattle: it is paused already",
                assertThrows(PluginException.class, () -> fx.plugin.pause("cattle", GroupControl.Source.SHELL)).getMessage());
        await().atMost(WAIT).until(() -> GroupDescription.Status.PAUSED.equals(status().status()));
        fx.flavor.health = d -> Health.HEALTHY; // healthy now: a running rollout would go on
        int provisions = fx.instances.provisions.get();
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> fx.instances.provisions.get() == provisions && at(s2) == 1);

        // a v1 and the v2 member are lost: they come back with the configurations they had
        Description newOne = fx.instances.group("cattle").stream().filter(m -> s2.equals(m.tags().get(ConfigSha.TAG))).findFirst().orElseThrow();
        Description oldOne = fx.instances.group("cattle").stream().filter(m -> s1.equals(m.tags().get(ConfigSha.TAG))).findFirst().orElseThrow();
        fx.instances.instances.remove(newOne.id());
        fx.instances.instances.remove(oldOne.id());
        await().atMost(WAIT).until(() -> fx.instances.group("cattle").size() == 4);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> at(s1) == 3 && at(s2) == 1);
        GroupStatus paused = status();
        assertEquals(4, paused.members().size());
        assertEquals(1, paused.upToDate());
        assertTrue(paused.update().startsWith("Paused: 1 of 4 instances have configuration " + s2), paused.update());

        assertEquals("Resumed the rollout", fx.plugin.resume("cattle", GroupControl.Source.CLI));
        await().atMost(WAIT).until(() -> at(s2) == 4 && GroupDescription.Status.CONVERGED.equals(status().status()));
        List<String> types = types();
        for (String expected : List.of(GroupEvent.Type.COMMITTED, GroupEvent.Type.INSTANCE_CREATED, GroupEvent.Type.CONVERGED,
                GroupEvent.Type.ROLLOUT_STARTED, GroupEvent.Type.ROLLOUT_PAUSED, GroupEvent.Type.INSTANCE_LOST,
                GroupEvent.Type.ROLLOUT_RESUMED, GroupEvent.Type.ROLLOUT_PROGRESSED, GroupEvent.Type.ROLLOUT_COMPLETED)) {
            assertTrue(types.contains(expected), expected + " in " + types);
        }
        assertTrue(types.indexOf(GroupEvent.Type.ROLLOUT_PAUSED) < types.indexOf(GroupEvent.Type.INSTANCE_LOST));
        assertTrue(types.indexOf(GroupEvent.Type.ROLLOUT_RESUMED) < types.lastIndexOf(GroupEvent.Type.ROLLOUT_COMPLETED));
        List<GroupEvent> events = fx.plugin.events("cattle", 0, 1000, 0);
        GroupEvent paused0 = events.stream().filter(e -> e.type().equals(GroupEvent.Type.ROLLOUT_PAUSED)).findFirst().orElseThrow();
        assertEquals(GroupControl.Source.SHELL, paused0.source());
        GroupEvent healed = events.stream().filter(e -> e.type().equals(GroupEvent.Type.INSTANCE_CREATED)
                && e.message().contains("with the configuration it had (" + s1 + ")")).findFirst().orElseThrow();
        assertTrue(healed.message().contains("replacing"), healed.message());
        GroupEvent lost = events.stream().filter(e -> e.type().equals(GroupEvent.Type.INSTANCE_LOST)).findFirst().orElseThrow();
        assertTrue(lost.message().contains(newOne.id()) && lost.message().contains(oldOne.id()), lost.message());
    }

    @Test
    void aStoppedRolloutKeepsTheMixCountsAsConvergedAndResumesOnRequest() throws Exception {
        GroupSpec v1 = Fixture.cattle(3, "1.0", null);
        GroupSpec v2 = Fixture.cattle(3, "2.0", null);
        String s2 = sha(v2);
        fx.plugin.commit(v1, false, GroupControl.Source.SHELL);
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(status().status()));
        assertEquals("Cannot stop group cattle: no rollout is running",
                assertThrows(PluginException.class, () -> fx.plugin.stop("cattle", GroupControl.Source.SHELL)).getMessage());
        fx.flavor.health = d -> s2.equals(d.tags().get(ConfigSha.TAG)) ? Health.UNKNOWN : Health.HEALTHY;
        fx.plugin.commit(v2, false, GroupControl.Source.SHELL);
        await().atMost(WAIT).until(() -> at(s2) == 1 && status().current() == 3);
        fx.plugin.stop("cattle", GroupControl.Source.SHELL);
        fx.flavor.health = d -> Health.HEALTHY;
        await().atMost(WAIT).until(() -> GroupDescription.Status.STOPPED.equals(status().status()));
        await().atMost(WAIT).until(() -> fx.plugin.describeGroup("cattle").converged());
        int provisions = fx.instances.provisions.get();
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> fx.instances.provisions.get() == provisions);
        assertEquals(1, at(s2), "the mix is kept");
        fx.plugin.commit(v2, false, GroupControl.Source.SHELL); // the same configuration again does not re-arm it
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> fx.instances.provisions.get() == provisions);
        fx.plugin.resume("cattle", GroupControl.Source.SHELL);
        await().atMost(WAIT).until(() -> at(s2) == 3 && GroupDescription.Status.CONVERGED.equals(status().status()));
    }

    @Test
    void statusListsEveryGroupWithoutMembersAndAnUnknownGroupIsAnError() throws Exception {
        fx.plugin.commit(Fixture.cattle(2, "1.0", null), false, GroupControl.Source.SHELL);
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(status().status()));
        List<GroupStatus> all = fx.plugin.status(null);
        assertEquals(1, all.size());
        assertEquals(null, all.get(0).members());
        assertEquals(2, status().members().size());
        assertEquals("Healthy", status().members().get(0).health());
        assertEquals("Group 'nope' is not being watched", assertThrows(PluginException.class, () -> fx.plugin.status("nope")).getMessage());
        fx.plugin.destroyGroup("cattle");
        assertTrue(types().contains(GroupEvent.Type.DESTROYED) || types().contains(GroupEvent.Type.DESTROYING));
        GroupEvent committed = fx.plugin.events("cattle", 0, 0, 0).get(0);
        assertEquals(GroupEvent.Type.COMMITTED, committed.type());
        assertEquals(GroupControl.Source.SHELL, committed.source());
        assertEquals(1, committed.seq());
    }

    @Test
    void aStoredSpecWithAKeyThisVersionDoesNotKnowIsResumedButANewCommitOfItIsRefused() throws Exception {
        GroupSpec stored = Fixture.cattle(2, "1.0", "\"Colour\":\"blue\"");
        PluginException refused = assertThrows(PluginException.class, () -> fx.plugin.commit(stored, false, GroupControl.Source.CLI));
        assertTrue(refused.getMessage().startsWith("unknown key Properties.Colour"), refused.getMessage());
        assertEquals("Managing 2 instances", fx.plugin.commit(stored, false, GroupControl.Source.LEADER));
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(status().status()) && status().current() == 2);
    }

    @Test
    void revisionsAreTheManagersAndTheStatelessPluginSaysSo() {
        PluginException e = assertThrows(PluginException.class, () -> fx.plugin.history("cattle"));
        assertTrue(e.getMessage().startsWith("Revisions are kept by the manager"), e.getMessage());
    }
}
