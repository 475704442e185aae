package io.infrakit.group;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller does no harm: destroys finish through failures and restarts, a failed rollout creates no
 * churn and is not re-armed, groups are isolated from each other's plugins, bounds hold, and a fence stops
 * every action. Real threads, in-memory plugins.
 */
class ControllerSafetyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Fixture fx = new Fixture(20, 60_000);
    private final MemoryStates states = new MemoryStates();
    private final List<DefaultGroupPlugin> plugins = new ArrayList<>();

    @AfterEach
    void close() {
        plugins.forEach(DefaultGroupPlugin::close);
        fx.close();
    }

    private DefaultGroupPlugin plugin() {
        return plugin(null, 100_000);
    }

    private DefaultGroupPlugin plugin(io.infrakit.spi.group.Fence fence, long maxSize) {
        DefaultGroupPlugin p = fx.plugin(20, states, fence, maxSize);
        plugins.add(p);
        return p;
    }

    private String sha(GroupSpec spec) throws PluginException {
        return ConfigSha.of(GroupProperties.parse(spec.properties(), fx.json), fx.json);
    }

    private static void awaitConverged(DefaultGroupPlugin p, String id, int size) {
        await().atMost(WAIT).until(() -> {
            GroupDescription d = p.describeGroup(id);
            return d.converged() && d.instances().size() == size;
        });
    }

    /** Waits for {@code n} more loop cycles of the groups (each lists its members once). */
    private void awaitCycles(int n) {
        int from = fx.instances.describes.get();
        await().atMost(WAIT).until(() -> fx.instances.describes.get() >= from + n);
    }

    // 1. destroy never leaves orphans

    @Test
    void aDestroyGoesOnThroughFailingDestroysAndIsForgottenOnlyWhenNothingIsLeft() throws Exception {
        DefaultGroupPlugin p = plugin();
        p.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitConverged(p, "cattle", 3);
        fx.instances.failDestroy = true;

        p.destroyGroup("cattle"); // accepted although nothing can be destroyed yet
        GroupDescription d = p.describeGroup("cattle");
        assertEquals(GroupDescription.Status.DESTROYING, d.status());
        assertEquals("Destroying: 3 instances left", d.update());
        assertTrue(states.load("cattle").destroying(), "the intention is kept where a restart finds it");
        p.destroyGroup("cattle"); // again: accepted
        assertEquals("Group 'cattle' is being destroyed; commit it again once it is gone",
                assertThrows(PluginException.class, () -> p.commitGroup(Fixture.cattle(3, "1.0", null), false)).getMessage());
        await().atMost(WAIT).until(() -> String.valueOf(p.describeGroup("cattle").error()).contains("permission denied"));
        assertEquals(3, fx.instances.group("cattle").size());
        assertEquals(GroupDescription.Status.DESTROYING, p.describeGroup("cattle").status());

        fx.instances.failDestroy = false;
        await().atMost(WAIT).until(() -> p.inspectGroups().isEmpty());
        assertEquals(0, fx.instances.group("cattle").size());
        assertEquals(GroupState.NONE, states.load("cattle"), "forgotten once the listing is empty");
        assertEquals("Group 'cattle' is not being watched", assertThrows(PluginException.class, () -> p.describeGroup("cattle")).getMessage());
    }

    @Test
    void aDestroyInterruptedByARestartIsResumedByTheNextCommitOfTheStoredGroup() throws Exception {
        DefaultGroupPlugin first = plugin();
        GroupSpec spec = Fixture.cattle(4, "1.0", null);
        first.commitGroup(spec, false);
        awaitConverged(first, "cattle", 4);
        fx.instances.failDestroy = true;
        first.destroyGroup("cattle");
        first.close(); // the node goes away with 4 instances left and the tombstone stored
        fx.instances.failDestroy = false;
        assertEquals(4, fx.instances.group("cattle").size());

        DefaultGroupPlugin restarted = plugin();
        assertEquals("Destroying group cattle (resumed)", restarted.commitGroup(spec, false)); // as the manager resumes stored groups
        await().atMost(WAIT).until(() -> restarted.inspectGroups().isEmpty());
        assertEquals(0, fx.instances.group("cattle").size());
        assertEquals(4, fx.instances.provisions.get(), "nothing was created on the way");
        assertFalse(states.load("cattle").destroying());
    }

    // 2. a failed rollout does no further harm

    /** Commits a group of 3, then a configuration whose members are unhealthy, and waits for that rollout to fail. */
    private GroupSpec failedRollout(DefaultGroupPlugin p) throws Exception {
        p.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitConverged(p, "cattle", 3);
        GroupSpec v2 = Fixture.cattle(3, "2.0", "\"Update\":{\"UnhealthySeconds\":0}");
        String bad = sha(v2);
        fx.flavor.health = m -> bad.equals(m.tags().get(ConfigSha.TAG)) ? Health.UNHEALTHY : Health.HEALTHY;
        p.commitGroup(v2, false);
        await().atMost(WAIT).until(() -> GroupDescription.Status.FAILED.equals(p.describeGroup("cattle").status()));
        return v2;
    }

    @Test
    void aFailedRolloutCreatesNoMoreOfItsConfigurationAndARestartDoesNotReArmIt() throws Exception {
        DefaultGroupPlugin p = plugin();
        GroupSpec v2 = failedRollout(p);
        int provisions = fx.instances.provisions.get();
        int destroys = fx.instances.destroys.get();

        awaitCycles(30); // the unhealthy member of the failed configuration is not healed, over and over
        assertEquals(provisions, fx.instances.provisions.get());
        assertEquals(destroys, fx.instances.destroys.get());
        GroupDescription d = p.describeGroup("cattle");
        assertTrue(d.update().contains("failed") && d.update().contains("commit a changed configuration"), d.update());
        assertEquals(GroupState.Phase.FAILED, states.load("cattle").rollout().phase());

        assertTrue(p.commitGroup(v2, false).endsWith("is not retried; commit a changed configuration to roll again"));
        p.close();
        DefaultGroupPlugin restarted = plugin();
        restarted.commitGroup(v2, false);
        awaitCycles(30);
        assertEquals(provisions, fx.instances.provisions.get(), "a restart does not re-arm the failed rollout");
        assertEquals(GroupDescription.Status.FAILED, restarted.describeGroup("cattle").status());
    }

    @Test
    void aNewConfigurationAfterAFailedRolloutIsNotHeldBackByItsBackoff() throws Exception {
        DefaultGroupPlugin p = plugin();
        String bad = sha(failedRollout(p));
        // a member of the failed configuration vanishes: created again once, which arms a 10 s backoff
        String gone = fx.instances.group("cattle").stream().filter(m -> bad.equals(m.tags().get(ConfigSha.TAG))).findFirst().orElseThrow().id();
        int provisions = fx.instances.provisions.get();
        fx.instances.instances.remove(gone);
        await().atMost(WAIT).until(() -> fx.instances.provisions.get() == provisions + 1);
        GroupSpec v3 = Fixture.cattle(3, "3.0", null);
        p.commitGroup(v3, false);
        // the backoff of the failed configuration is 10 s: the new one rolls out well before that
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.instances.at(sha(v3)) == 3);
    }

    @Test
    void oneUnhealthyReadingDoesNotFailARollout() throws Exception {
        DefaultGroupPlugin p = plugin();
        p.commitGroup(Fixture.cattle(2, "1.0", null), false);
        awaitConverged(p, "cattle", 2);
        GroupSpec v2 = Fixture.cattle(2, "2.0", "\"Update\":{\"UnhealthySeconds\":60}");
        String next = sha(v2);
        AtomicInteger readings = new AtomicInteger();
        // every new member answers "not serving" a few times, as a ZooKeeper member does while its election runs
        fx.flavor.health = m -> next.equals(m.tags().get(ConfigSha.TAG)) && readings.incrementAndGet() % 10 < 3 ? Health.UNHEALTHY : Health.HEALTHY;
        p.commitGroup(v2, false);
        awaitConverged(p, "cattle", 2);
        assertEquals(2, fx.instances.at(next));
        assertEquals(GroupState.Phase.DONE, states.load("cattle").rollout().phase());
    }

    @Test
    void autoRollbackReturnsToTheLastConfigurationThatCompleted() throws Exception {
        DefaultGroupPlugin p = plugin();
        GroupSpec v1 = Fixture.cattle(3, "1.0", "\"Update\":{\"AutoRollback\":true,\"UnhealthySeconds\":0}");
        p.commitGroup(v1, false);
        awaitConverged(p, "cattle", 3);
        String good = sha(v1);
        GroupSpec v2 = Fixture.cattle(3, "2.0", "\"Update\":{\"AutoRollback\":true,\"UnhealthySeconds\":0}");
        String bad = sha(v2);
        fx.flavor.health = m -> bad.equals(m.tags().get(ConfigSha.TAG)) ? Health.UNHEALTHY : Health.HEALTHY;
        p.commitGroup(v2, false);
        await().atMost(WAIT).until(() -> GroupDescription.Status.ROLLED_BACK.equals(p.describeGroup("cattle").status())
                && p.describeGroup("cattle").converged());
        assertEquals(3, fx.instances.at(good));
        assertEquals(0, fx.instances.at(bad));
        GroupState s = states.load("cattle");
        assertEquals(GroupState.Phase.ROLLED_BACK, s.rollout().phase());
        assertEquals(v1, s.stable());
        int provisions = fx.instances.provisions.get();
        awaitCycles(20);
        assertEquals(provisions, fx.instances.provisions.get(), "rolled back and stays so");
    }

    // 3. surge without churn, and a plan that tells the truth

    @Test
    void aSurgedRollProvisionsAndDestroysEachMemberOnce() throws Exception {
        DefaultGroupPlugin p = plugin();
        p.commitGroup(Fixture.cattle(6, "1.0", null), false);
        awaitConverged(p, "cattle", 6);
        GroupSpec v2 = Fixture.cattle(6, "2.0", "\"Update\":{\"MaxUnavailable\":0,\"MaxSurge\":2}");
        p.commitGroup(v2, false);
        awaitConverged(p, "cattle", 6);
        assertEquals(6, fx.instances.at(sha(v2)));
        assertEquals(12, fx.instances.provisions.get(), "6 to create the group, 6 to roll it");
        assertEquals(6, fx.instances.destroys.get());
    }

    @Test
    void growingWithANewConfigurationAddsFirstThenRollsAsThePlanSays() throws Exception {
        DefaultGroupPlugin p = plugin();
        p.commitGroup(Fixture.cattle(5, "1.0", null), false);
        awaitConverged(p, "cattle", 5);
        int before = fx.instances.log.size();
        GroupSpec v2 = Fixture.cattle(10, "2.0", null);
        assertEquals("Adding 5 instances to increase the group size to 10, then performing a rolling update on 5 instances",
                p.commitGroup(v2, true));
        p.commitGroup(v2, false);
        awaitConverged(p, "cattle", 10);
        List<String> actions = fx.instances.log.subList(before, fx.instances.log.size());
        assertTrue(actions.subList(0, 5).stream().allMatch(a -> a.startsWith("+")), "five added before any removal: " + actions);
        assertEquals(5, actions.stream().filter(a -> a.startsWith("-")).count());
    }

    // 4. isolation

    @Test
    void groupsWhoseFlavorHangsDelayNoOtherGroupNorAnyApiCall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FlavorPlugin hanging = new HangingFlavor(release);
        fx.flavors.put("flavor-hang", hanging);
        DefaultGroupPlugin p = plugin();
        try {
            for (String id : List.of("h1", "h2", "h3")) {
                p.commitGroup(spec(id, 2, "flavor-hang"), false);
            }
            await().atMost(WAIT).until(() -> fx.instances.group("h3").size() == 2);
            // a commit stuck in a hanging Validate holds nothing another group needs
            ((HangingFlavor) hanging).hangValidate.set(true);
            CompletableFuture<String> stuck = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.commitGroup(spec("h4", 1, "flavor-hang"), false);
                } catch (PluginException e) {
                    return e.getMessage();
                }
            });
            p.commitGroup(Fixture.cattle(3, "1.0", null), false);
            awaitConverged(p, "cattle", 3);
            String lost = fx.instances.group("cattle").get(0).id();
            fx.instances.instances.remove(lost);
            await().atMost(Duration.ofSeconds(2)).until(() -> fx.instances.group("cattle").size() == 3);
            for (String id : List.of("cattle", "h1", "h2", "h3")) {
                long start = System.nanoTime();
                p.describeGroup(id);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 1000, "DescribeGroup " + id + " took " + millis + " ms");
            }
            assertFalse(stuck.isDone());
        } finally {
            release.countDown();
        }
    }

    // 5. bounded resources, loud failure

    @Test
    void sizesAboveTheLimitAndBadIdsAreRefusedAndChangeNothing() throws Exception {
        DefaultGroupPlugin p = plugin(null, 1000);
        assertEquals("Allocation.Size 1000000000 is above the limit of 1000 instances per group (the group plugin's max.size)",
                assertThrows(PluginException.class, () -> p.commitGroup(Fixture.cattle(1_000_000_000, "1.0", null), false)).getMessage());
        for (String id : List.of("bad\u0000id", "line\nbreak", "x".repeat(256), "é".repeat(128))) {
            GroupSpec spec = new GroupSpec(id, Fixture.cattle(1, "1.0", null).properties());
            assertThrows(PluginException.class, () -> p.commitGroup(spec, false), id);
        }
        assertEquals(List.of(), p.inspectGroups());
        assertEquals(0, fx.instances.provisions.get());
        p.commitGroup(new GroupSpec("x".repeat(255), Fixture.cattle(1, "1.0", null).properties()), false); // 255 bytes is fine
        awaitConverged(p, "x".repeat(255), 1);
    }

    @Test
    void anErrorInTheLoopIsShownAndTheLoopGoesOn() throws Exception {
        DefaultGroupPlugin p = plugin();
        p.commitGroup(Fixture.cattle(2, "1.0", null), false);
        awaitConverged(p, "cattle", 2);
        AtomicBoolean seen = new AtomicBoolean();
        fx.instances.throwOnProvision.set(new StackOverflowError("plugin bug"));
        fx.instances.instances.remove(fx.instances.group("cattle").get(0).id());
        await().atMost(WAIT).until(() -> {
            String e = p.describeGroup("cattle").error();
            seen.compareAndSet(false, e != null && e.contains("java.lang.StackOverflowError: plugin bug"));
            return seen.get();
        });
        awaitConverged(p, "cattle", 2);
        assertNull(p.describeGroup("cattle").error());
    }

    // 6. the fence

    @Test
    void aClosedFenceStopsEveryActionAndAnOpenOneLetsTheGroupConverge() throws Exception {
        AtomicBoolean leads = new AtomicBoolean(false);
        DefaultGroupPlugin p = plugin(() -> {
            if (!leads.get()) {
                throw new PluginException("this node does not lead");
            }
        }, 100_000);
        p.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitCycles(5);
        assertEquals(0, fx.instances.provisions.get());
        assertTrue(String.valueOf(p.describeGroup("cattle").error()).contains("this node does not lead"));
        leads.set(true);
        awaitConverged(p, "cattle", 3);
        leads.set(false);
        fx.instances.instances.remove(fx.instances.group("cattle").get(0).id());
        awaitCycles(5);
        assertEquals(3, fx.instances.provisions.get(), "no replacement while the fence is closed");
    }

    // 7. a member deleted right after it was created is replaced at the next poll

    @Test
    void aMemberDeletedBeforeTheLoopEverListedItIsReplacedWithoutWaitingForTheListingTimeout() throws Exception {
        DefaultGroupPlugin p = new DefaultGroupPlugin(Fixture.config(20, 60_000, 60_000), fx.registry, fx.json);
        plugins.add(p);
        p.commitGroup(Fixture.cattle(4, "1.0", null), false);
        awaitConverged(p, "cattle", 4); // the listing is consistent: learned
        fx.instances.loseNext.set(true); // the next creation is gone before any listing shows it
        fx.instances.instances.remove(fx.instances.group("cattle").get(0).id());
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.instances.group("cattle").size() == 4);
        assertEquals(6, fx.instances.provisions.get());
    }

    private static GroupSpec spec(String id, int size, String flavor) throws PluginException {
        return new WireJsonCodec().decode(new RawJson("{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-mem\"},\"Flavor\":{\"Plugin\":\"" + flavor + "\"}}}"), GroupSpec.class);
    }

    /** A flavor whose health checks (and, when asked, validations) hang until released. */
    private static final class HangingFlavor implements FlavorPlugin {
        final CountDownLatch release;
        final AtomicBoolean hangValidate = new AtomicBoolean();

        HangingFlavor(CountDownLatch release) {
            this.release = release;
        }

        private void hang() {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void validate(RawJson properties, Allocation allocation) {
            if (hangValidate.get()) {
                hang();
            }
        }

        @Override
        public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
            return spec;
        }

        @Override
        public Health healthy(RawJson properties, Description instance) {
            hang();
            return Health.HEALTHY;
        }

        @Override
        public void drain(RawJson properties, Description instance) {
        }
    }
}
