package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.rpc.wire.Spi;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * A failed rollout does no further harm, end to end on the distribution: groups of 3 instances of an
 * instance plugin the test serves over a socket ({@link MemoryInstancePlugin}, which counts every
 * Provision and every listing), with a flavor the test serves too ({@link TagHealthFlavor}: a
 * configuration whose flavor tags the instances {@code health=bad} makes unhealthy ones). A new
 * configuration that makes unhealthy instances is committed with {@code Update.UnhealthySeconds} 1, on a
 * group plugin whose {@code unhealthy.grace.ms} (how long any member may stay unhealthy before it is healed)
 * is 1 s:
 *
 * <ul>
 * <li>without AutoRollback, the rollout stops (RolloutFailed, the reason in Update and Error, persisted as
 * phase FAILED in {@code global.config}) after replacing one member, and that unhealthy member is not
 * healed: the failed configuration is provisioned once in all, not again when the rollout fails nor in the
 * 10 poll cycles after; after {@code kill -9} and a start the rollout is not re-armed (still FAILED, no
 * Provision over 10 cycles); committing the failed configuration again does not re-arm it either
 * ("... is not retried"); and a member of it that vanishes is created again once, not in a loop;</li>
 * <li>with AutoRollback, the group rolls back (RollingBack, then RolledBack, persisted as ROLLED_BACK) to
 * the configuration that completed last, every member at its hash, having provisioned the failed
 * configuration once.</li>
 * </ul>
 *
 * <p>(The group plugin before rollouts were persisted healed the unhealthy new member after the grace period,
 * provisioning the failed configuration again and again, had no AutoRollback, and a restart forgot the
 * failure.)
 *
 * <p>Poll cycles are counted by the listings (DescribeInstances) of the group's tag the instance plugin sees:
 * the group's loop lists once a cycle, and the test calls nothing that lists while it counts. One Karaf
 * process for the class; a plain JUnit 4 test ({@link KarafNode}).
 */
public class FailedRolloutIT {

    private static final long POLL_MS = 300;
    private static final int SIZE = 3;
    private static final int CYCLES = 10;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** 10 cycles of 300 ms on two busy cores. */
    private static final Duration CYCLES_WAIT = Duration.ofSeconds(40);

    private static final String GROUP_TAG = "infrakit.group";
    private static final String SHA_TAG = "infrakit.config_sha";

    private static KarafNode node;
    private static TestPluginHost plugins;
    private static final MemoryInstancePlugin INSTANCES = new MemoryInstancePlugin("mem-");
    private static final TagHealthFlavor FLAVOR = new TagHealthFlavor();

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @BeforeClass
    public static void startKaraf() throws Exception {
        node = new KarafNode("failed-rollout", POLL_MS);
        node.configure("io.infrakit.manager.file.cfg", "poll.interval.ms", "200");
        // short, so that healing an unhealthy member would happen well within the cycles counted
        node.configure("io.infrakit.group.cfg", "unhealthy.grace.ms", "1000");
        plugins = new TestPluginHost(node.plugins());
        plugins.serve(Spi.INSTANCE, "instance-memory", INSTANCES);
        plugins.serve(Spi.FLAVOR, "flavor-tagged", FLAVOR);
    }

    @AfterClass
    public static void stopKaraf() throws Exception {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (plugins != null) {
                plugins.close();
            }
        }
    }

    @Before
    public void running() throws Exception {
        if (!node.isAlive()) {
            node.start();
        }
    }

    @Test
    public void aFailedRolloutProvisionsNothingMoreAndStaysFailedAfterKillMinus9AndARecommit() throws Exception {
        String group = "canary";
        Map<String, String> members = Map.of(GROUP_TAG, group);
        String shaA = convergedAt(group, spec(group, "good", ""));

        // the new configuration makes unhealthy instances: the rollout replaces one member, then stops
        String failing = spec(group, "bad", "");
        assertEquals("Performing a rolling update on " + SIZE + " instances", node.commit(failing));
        Map<String, String> bad = Map.of(GROUP_TAG, group, TagHealthFlavor.HEALTH_TAG, "bad");
        Await.until(WAIT, "an instance of the new configuration is provisioned", () -> INSTANCES.provisioned(bad) >= 1);
        Await.until(WAIT, "DescribeGroup says RolloutFailed (or the failed configuration is provisioned again)",
                () -> "Failed".equals(node.describe(group).path("Status").asText()) || INSTANCES.provisioned(bad) > 1);
        long provisions = INSTANCES.provisioned(members);
        assertNoProvisionFor(group, CYCLES, "after the rollout failed", provisions);
        assertEquals("the failed configuration was provisioned once, for the first member it replaced: " + provisionedOf(group),
                1, INSTANCES.provisioned(bad));
        String shaB = INSTANCES.present(bad).get(0).tags().get(SHA_TAG);
        assertNotEquals(shaA, shaB);
        assertEquals("the unhealthy member is kept, not replaced", 1, INSTANCES.present(bad).size());
        assertEquals("two members of the old configuration are kept", 2, INSTANCES.present(Map.of(GROUP_TAG, group, SHA_TAG, shaA)).size());
        assertFailed(group, shaB);

        // kill -9 and start again: the failure is remembered, nothing is rolled out again
        node.killHard();
        node.start();
        Await.until(WAIT, "the restarted group plugin runs " + group + " from the store",
                () -> node.runningGroups().contains(group) && !"Starting".equals(node.describe(group).path("Status").asText()));
        assertNoProvisionFor(group, CYCLES, "after kill -9 and a start", provisions);
        assertFailed(group, shaB);

        // committing the failed configuration again does not re-arm it
        String plan = node.commit(failing);
        assertTrue("the plan says the failed rollout is not retried: " + plan, plan.contains("is not retried"));
        assertTrue("the plan names the failed configuration: " + plan, plan.contains(shaB));
        assertNoProvisionFor(group, CYCLES, "after the failed configuration was committed again", provisions);
        assertFailed(group, shaB);

        // a member of the failed configuration vanishes: it is created again once, not in a loop (the backoff is
        // 10 s; 6 cycles of 300 ms stay well within it even on a busy machine)
        INSTANCES.vanish(INSTANCES.present(bad).get(0).id());
        int listings = INSTANCES.listings(group);
        Await.until(CYCLES_WAIT, "6 poll cycles after a member vanished", () -> INSTANCES.listings(group) >= listings + 6);
        assertEquals("the vanished member was created again, once", provisions + 1, INSTANCES.provisioned(members));
        assertEquals(SIZE, INSTANCES.present(members).size());
        assertFailed(group, shaB);
    }

    @Test
    public void aFailedRolloutWithAutoRollbackRollsBackToTheConfigurationThatCompletedLast() throws Exception {
        String group = "revert";
        Map<String, String> members = Map.of(GROUP_TAG, group);
        String shaA = convergedAt(group, spec(group, "good", ""));

        assertEquals("Performing a rolling update on " + SIZE + " instances", node.commit(spec(group, "bad", ",\"AutoRollback\":true")));
        Set<String> statuses = new LinkedHashSet<>();
        Await.until(Duration.ofSeconds(60), "DescribeGroup says RolledBack, and Converged", () -> {
            JsonNode d = node.describe(group);
            statuses.add(d.path("Status").asText());
            return "RolledBack".equals(d.path("Status").asText()) && d.path("Converged").asBoolean();
        });
        assertTrue("the rollback was seen under way (RollingBack) before it ended: " + statuses, statuses.contains("RollingBack"));
        JsonNode described = node.describe(group);
        assertEquals(described.toString(), "RolledBack", described.path("Status").asText());
        assertTrue(described.toString(), described.path("Update").asText().contains("Rolled back to configuration " + shaA));
        Set<String> shas = new TreeSet<>();
        described.path("Instances").forEach(i -> shas.add(i.path("Tags").path(SHA_TAG).asText()));
        assertEquals("every member described at the old configuration: " + described, Set.of(shaA), shas);
        assertEquals(described.toString(), SIZE, described.path("Instances").size());
        List<io.infrakit.spi.instance.Description> now = INSTANCES.present(members);
        assertEquals(SIZE, now.size());
        assertTrue("every member is at " + shaA + ": " + now, now.stream().allMatch(d -> shaA.equals(d.tags().get(SHA_TAG))));
        Map<String, String> bad = Map.of(GROUP_TAG, group, TagHealthFlavor.HEALTH_TAG, "bad");
        assertEquals("one member of the failed configuration was made, then replaced: " + provisionedOf(group), 1, INSTANCES.provisioned(bad));
        assertEquals("3 members, 1 of the failed configuration, 1 to replace it", SIZE + 2, INSTANCES.provisioned(members));
        Await.until(WAIT, "global.config says the rollout was rolled back: " + node.stored(group).path("State"),
                () -> "ROLLED_BACK".equals(node.stored(group).path("State").path("Rollout").path("Phase").asText()));
    }

    /**
     * A group of {@link #SIZE} with a flavor tag {@code health} (and {@code UnhealthySeconds} 1).
     *
     * @param moreUpdate more {@code Update} fields, each preceded by a comma
     */
    private static String spec(String id, String health, String moreUpdate) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + SIZE + "},"
                + "\"Instance\":{\"Plugin\":\"instance-memory\",\"Properties\":{\"Note\":\"" + id + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-tagged\",\"Properties\":{\"Tags\":{\"" + TagHealthFlavor.HEALTH_TAG + "\":\"" + health + "\"}}},"
                + "\"Update\":{\"UnhealthySeconds\":1" + moreUpdate + "}}}";
    }

    /** Commits a new group and waits until its first rollout is done; returns its configuration hash. */
    private static String convergedAt(String group, String spec) throws Exception {
        assertEquals("Managing " + SIZE + " instances", node.commit(spec));
        Map<String, String> members = Map.of(GROUP_TAG, group);
        // converged: the first rollout is done, so its configuration is the one a rollback returns to
        Await.until(WAIT, group + " converged with " + SIZE + " members",
                () -> INSTANCES.present(members).size() == SIZE && node.describe(group).path("Converged").asBoolean());
        Set<String> shas = new TreeSet<>();
        INSTANCES.present(members).forEach(d -> shas.add(d.tags().get(SHA_TAG)));
        assertEquals("one configuration", 1, shas.size());
        assertEquals(SIZE, INSTANCES.provisioned(members));
        return shas.iterator().next();
    }

    /** Waits {@code cycles} listings of the group's loop, then checks that nothing was provisioned for the group meanwhile. */
    private static void assertNoProvisionFor(String group, int cycles, String when, long provisions) throws Exception {
        Map<String, String> members = Map.of(GROUP_TAG, group);
        int listings = INSTANCES.listings(group);
        Await.until(CYCLES_WAIT, cycles + " poll cycles " + when, () -> INSTANCES.listings(group) >= listings + cycles);
        assertEquals("instances of " + group + " provisioned over " + cycles + " poll cycles " + when + " (before: " + provisions
                + "); all of them: " + provisionedOf(group), provisions, INSTANCES.provisioned(members));
    }

    /** What was provisioned for a group, in order: ID, health tag and configuration hash. */
    private static List<String> provisionedOf(String group) {
        return INSTANCES.provisioned().stream().filter(d -> group.equals(d.tags().get(GROUP_TAG)))
                .map(d -> d.id() + " " + d.tags().get(TagHealthFlavor.HEALTH_TAG) + " " + d.tags().get(SHA_TAG)).toList();
    }

    /** DescribeGroup and global.config both say the rollout to {@code sha} failed. */
    private static void assertFailed(String group, String sha) throws Exception {
        JsonNode described = node.describe(group);
        assertEquals(described.toString(), "Failed", described.path("Status").asText());
        assertFalse(described.toString(), described.path("Converged").asBoolean());
        assertTrue("the reason in Update: " + described, described.path("Update").asText().contains("The rollout to configuration " + sha + " failed")
                && described.path("Update").asText().contains("stayed unhealthy"));
        assertTrue("the reason in Error: " + described, described.path("Error").asText().contains("stayed unhealthy"));
        JsonNode rollout = node.stored(group).path("State").path("Rollout");
        assertEquals("persisted: " + rollout, sha, rollout.path("Target").asText());
        assertEquals("persisted: " + rollout, "FAILED", rollout.path("Phase").asText());
    }
}
