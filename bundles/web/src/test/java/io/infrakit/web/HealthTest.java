package io.infrakit.web;

import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.manager.LeaderStatus;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code /health} says, on a virtual clock. */
class HealthTest {

    private final FakeGroups fake = new FakeGroups();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Groups groups = new Groups(() -> fake, "group");
    private final Metrics metrics = new Metrics(groups, now::get);
    private final Health health = new Health(groups, metrics, now::get, 60);

    private void group(String id, String status, String error) {
        fake.statuses.put(id, new GroupStatus(id, 2, 2, 2, 2, status, 1, "sha", null, error, null));
    }

    private void later(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void aLeaderWhoseGroupsCycleIsHealthyUntilALoopStalls() {
        group("a", GroupDescription.Status.CONVERGED, null);
        group("b", GroupDescription.Status.ROLLING, null);
        assertEquals("ok", health.report().status(), "a loop not seen yet has the endpoint's start as its last cycle");
        later(50);
        metrics.cycleEnded("a", 1, false);
        metrics.cycleEnded("b", 1, true);
        later(50);
        Health.Report r = health.report();
        assertEquals("ok", r.status(), r.toString());
        later(11);
        metrics.cycleEnded("a", 1, false);
        r = health.report();
        assertEquals("failing", r.status());
        Health.Check loops = r.checks().stream().filter(c -> c.name().equals("loops")).findFirst().orElseThrow();
        assertEquals("stalled: b (no cycle for 61 s)", loops.detail());
    }

    @Test
    void aStoredGroupThatNoControllerRunsOrAMissingPluginFailsIt() {
        group("a", GroupDescription.Status.CONVERGED, null);
        fake.statuses.put("lost", new GroupStatus("lost", 0, 0, 0, 0, GroupDescription.Status.ERROR, 0, "sha", null,
                "this manager (n1) does not run it", null));
        Health.Report r = health.report();
        assertEquals("failing", r.status());
        assertEquals("not managed: lost (this manager (n1) does not run it)", r.checks().get(1).detail());
        fake.statuses.remove("lost");
        group("waiting", GroupDescription.Status.WAITING_FOR_PLUGIN, "Failed to find Instance plugin 'instance-gone'");
        r = health.report();
        assertEquals("failing", r.status());
        assertEquals("waiting for a plugin: waiting (Failed to find Instance plugin 'instance-gone')", r.checks().get(2).detail());
    }

    @Test
    void aFollowerStandsByAndAnUnknownLeaderFails() {
        group("a", GroupDescription.Status.ERROR, "not run here");
        fake.leader = LeaderStatus.follower("node-2");
        Health.Report r = health.report();
        assertEquals("standby", r.status());
        assertEquals("follower; the leader is node-2", r.checks().get(0).detail());
        fake.leader = LeaderStatus.unknown("ZooKeeper session expired");
        r = health.report();
        assertEquals("failing", r.status());
        assertEquals("the leader is not known: ZooKeeper session expired", r.checks().get(0).detail());
    }

    @Test
    void withoutAManagerTheGroupPluginsGroupsAreChecked() {
        fake.manager = false;
        group("a", GroupDescription.Status.CONVERGED, null);
        Health.Report r = health.report();
        assertEquals("ok", r.status());
        assertTrue(r.checks().get(0).detail().startsWith("no manager"), r.checks().get(0).detail());
    }

    @Test
    void withoutTheRegistryItFails() {
        Health h = new Health(new Groups(() -> null, "group"), metrics, now::get, 60);
        Health.Report r = h.report();
        assertEquals("failing", r.status());
        assertTrue(r.checks().get(0).detail().contains("plugin registry is not available"), r.checks().get(0).detail());
    }
}
