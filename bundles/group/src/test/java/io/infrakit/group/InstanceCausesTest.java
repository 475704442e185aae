package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupEvent.Cause;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The events of created, destroyed and lost instances count them and say why in one word, over a group's life:
 * it grows, loses a member, has an unhealthy one replaced, rolls to a new configuration, scales down and is
 * destroyed. In-memory plugins, real threads, the file journal.
 */
class InstanceCausesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    /** Unhealthy members are replaced after 200 ms. */
    private final Fixture fx = new Fixture(20, 200);

    @BeforeEach
    void journal() {
        fx.plugin.setJournal(new FileGroupJournal(tmp.resolve("events"), 1000, fx.json));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private String sha(GroupSpec spec) throws PluginException {
        return ConfigSha.of(GroupProperties.parse(spec.properties(), fx.json), fx.json);
    }

    private GroupStatus status() throws PluginException {
        return fx.plugin.status("cattle").get(0);
    }

    /** Converged with {@code size} members at a configuration, by the loop's own verdict (no plugin is called). */
    private void awaitConverged(int size, String sha) {
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(status().status()) && status().current() == size
                && fx.instances.group("cattle").size() == size && fx.instances.at(sha) == size);
    }

    private List<GroupEvent> events(String type) throws PluginException {
        return fx.plugin.events("cattle", 0, 1000, 0).stream().filter(e -> e.type().equals(type)).toList();
    }

    /** The instances each cause concerned, added up over the events of a type. */
    private Map<String, Integer> counted(String type) throws PluginException {
        Map<String, Integer> sums = new TreeMap<>();
        events(type).forEach(e -> sums.merge(e.cause(), e.count(), Integer::sum));
        return sums;
    }

    @Test
    void everyCreationAndDestructionIsCountedUnderItsCause() throws Exception {
        GroupSpec v1 = Fixture.cattle(3, "1.0", null);
        fx.plugin.commitGroup(v1, false);
        awaitConverged(3, sha(v1));
        GroupEvent grown = events(GroupEvent.Type.INSTANCE_CREATED).get(0);
        assertEquals(3, grown.count(), grown.message());
        assertEquals(Cause.MISSING, grown.cause());
        assertTrue(grown.message().startsWith("Created 3 instances (the group has fewer than 3 members)"), grown.message());

        String lost = fx.instances.group("cattle").get(0).id();
        fx.instances.instances.remove(lost);
        await().atMost(WAIT).until(() -> fx.instances.provisions.get() == 4);
        awaitConverged(3, sha(v1));

        String sick = fx.instances.group("cattle").get(0).id();
        fx.flavor.health = d -> d.id().equals(sick) ? Health.UNHEALTHY : Health.HEALTHY;
        await().atMost(WAIT).until(() -> !fx.instances.instances.containsKey(sick));
        awaitConverged(3, sha(v1));

        GroupSpec v2 = Fixture.cattle(3, "2.0", null);
        fx.plugin.commitGroup(v2, false);
        awaitConverged(3, sha(v2));

        fx.plugin.commitGroup(Fixture.cattle(1, "2.0", null), false);
        awaitConverged(1, sha(v2));
        fx.plugin.destroyGroup("cattle");
        await().atMost(WAIT).until(() -> !events(GroupEvent.Type.DESTROYED).isEmpty());

        assertEquals(Map.of(Cause.MISSING, 4, Cause.UNHEALTHY, 1, Cause.ROLLING, 3), counted(GroupEvent.Type.INSTANCE_CREATED));
        assertEquals(Map.of(Cause.UNHEALTHY, 1, Cause.ROLLING, 3, Cause.SCALE, 2, Cause.DESTROY, 1), counted(GroupEvent.Type.INSTANCE_DESTROYED));
        assertEquals(Map.of(Cause.MISSING, 1), counted(GroupEvent.Type.INSTANCE_LOST));
        assertEquals(fx.instances.provisions.get(), counted(GroupEvent.Type.INSTANCE_CREATED).values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(fx.instances.destroys.get(), counted(GroupEvent.Type.INSTANCE_DESTROYED).values().stream().mapToInt(Integer::intValue).sum());

        GroupEvent replaced = events(GroupEvent.Type.INSTANCE_CREATED).stream().filter(e -> Cause.UNHEALTHY.equals(e.cause())).findFirst().orElseThrow();
        assertTrue(replaced.message().contains("replacing " + sick + ", unhealthy"), replaced.message());
        GroupEvent healed = events(GroupEvent.Type.INSTANCE_DESTROYED).stream().filter(e -> Cause.UNHEALTHY.equals(e.cause())).findFirst().orElseThrow();
        assertEquals(sick, healed.instance());
        GroupEvent scaled = events(GroupEvent.Type.INSTANCE_DESTROYED).stream().filter(e -> Cause.SCALE.equals(e.cause())).findFirst().orElseThrow();
        assertEquals(2, scaled.count(), "one event for the two members removed at once: " + scaled.message());
        GroupEvent gone = events(GroupEvent.Type.INSTANCE_LOST).get(0);
        assertEquals(lost, gone.instance());
        assertEquals(1, gone.count());
    }

    @Test
    void aQuorumsReplacementsTakeTheCauseOfTheMemberTheyReplace() throws Exception {
        GroupSpec zk = quorum("1.0");
        fx.plugin.commitGroup(zk, false);
        awaitQuorum(sha(zk));
        String sick = fx.instances.group("zk").stream().filter(d -> "10.0.0.2".equals(d.logicalID())).findFirst().orElseThrow().id();
        fx.flavor.health = d -> d.id().equals(sick) ? Health.UNHEALTHY : Health.HEALTHY;
        await().atMost(WAIT).until(() -> !fx.instances.instances.containsKey(sick));
        awaitQuorum(sha(zk));
        GroupSpec next = quorum("2.0");
        fx.plugin.commitGroup(next, false);
        awaitQuorum(sha(next));

        Map<String, Integer> created = new TreeMap<>();
        Map<String, Integer> destroyed = new TreeMap<>();
        for (GroupEvent e : fx.plugin.events("zk", 0, 1000, 0)) {
            if (e.type().equals(GroupEvent.Type.INSTANCE_CREATED)) {
                created.merge(e.cause(), e.count(), Integer::sum);
            } else if (e.type().equals(GroupEvent.Type.INSTANCE_DESTROYED)) {
                destroyed.merge(e.cause(), e.count(), Integer::sum);
            }
        }
        assertEquals(Map.of(Cause.MISSING, 3, Cause.UNHEALTHY, 1, Cause.ROLLING, 3), created);
        assertEquals(Map.of(Cause.UNHEALTHY, 1, Cause.ROLLING, 3), destroyed);
    }

    private GroupSpec quorum(String version) throws PluginException {
        return fx.json.decode(new io.infrakit.spi.RawJson("{\"ID\":\"zk\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\"10.0.0.1\",\"10.0.0.2\","
                + "\"10.0.0.3\"]},\"Instance\":{\"Plugin\":\"instance-mem\",\"Properties\":{\"Note\":\"" + version + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-test\"}}}"), GroupSpec.class);
    }

    private void awaitQuorum(String sha) {
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(fx.plugin.status("zk").get(0).status())
                && fx.instances.group("zk").size() == 3 && fx.instances.at(sha) == 3);
    }
}
