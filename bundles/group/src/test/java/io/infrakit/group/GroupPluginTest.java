package io.infrakit.group;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupPluginTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private Fixture fx = new Fixture(20, 60_000);

    @AfterEach
    void close() {
        fx.close();
    }

    private String sha(GroupSpec spec) throws PluginException {
        return ConfigSha.of(GroupProperties.parse(spec.properties(), fx.json), fx.json);
    }

    private void awaitConverged(String id, int size) {
        await().atMost(WAIT).until(() -> {
            GroupDescription d = fx.plugin.describeGroup(id);
            return d.converged() && d.instances().size() == size;
        });
    }

    @Test
    void theGoldenConfigHashesComeOutOfTheTutorialFiles() throws Exception {
        String cattle = """
                {"ID":"cattle","Properties":{"Allocation":{"Size":5},
                 "Instance":{"Plugin":"instance-file","Properties":{"Note":"Instance properties version 1.0"}},
                 "Flavor":{"Plugin":"flavor-vanilla","Properties":{"Init":["docker pull nginx:alpine","docker run -d -p 80:80 nginx-alpine"],
                           "Tags":{"tier":"web","project":"infrakit"}}}}}""";
        WireJsonCodec json = new WireJsonCodec();
        GroupSpec one = json.decode(new RawJson(cattle), GroupSpec.class);
        GroupSpec two = json.decode(new RawJson(cattle.replace("\"Size\":5", "\"Size\":10").replace("version 1.0", "version 2.0")), GroupSpec.class);
        assertEquals("006438mMXW8gXeYtUxgf9Zbg94Y=", ConfigSha.of(GroupProperties.parse(one.properties(), json), json));
        assertEquals("eB2JuP0c5Sf41X5e2vc2gJ4ZTVg=", ConfigSha.of(GroupProperties.parse(two.properties(), json), json));
    }

    @Test
    void invalidCommitsGetTheOriginalsMessagesAndChangeNothing() throws Exception {
        assertEquals("Group ID must not be blank", assertThrows(PluginException.class,
                () -> fx.plugin.commitGroup(new GroupSpec("", null), false)).getMessage());
        assertEquals("Allocation must not be blank", assertThrows(PluginException.class,
                () -> fx.plugin.commitGroup(new GroupSpec("g", new RawJson("{\"Allocation\":{}}")), false)).getMessage());
        assertEquals("Only one Allocation method may be used", assertThrows(PluginException.class,
                () -> fx.plugin.commitGroup(new GroupSpec("g", new RawJson("{\"Allocation\":{\"Size\":1,\"LogicalIDs\":[\"a\"]}}")), false)).getMessage());
        assertEquals("Properties.Allocation.Size: expected a whole number, got \"x\"", assertThrows(PluginException.class,
                () -> fx.plugin.commitGroup(new GroupSpec("g", new RawJson("{\"Allocation\":{\"Size\":\"x\"}}")), false)).getMessage());
        String missing = assertThrows(PluginException.class, () -> fx.plugin.commitGroup(new GroupSpec("g",
                new RawJson("{\"Allocation\":{\"Size\":1},\"Flavor\":{\"Plugin\":\"flavor-nope\"},\"Instance\":{\"Plugin\":\"instance-mem\"}}")), false)).getMessage();
        assertEquals("Failed to find Flavor plugin 'flavor-nope':Plugin not found: flavor-nope (looked up using a test registry)", missing);
        assertEquals("instance properties are invalid", assertThrows(PluginException.class, () -> fx.plugin.commitGroup(new GroupSpec("g",
                new RawJson("{\"Allocation\":{\"Size\":1},\"Flavor\":{\"Plugin\":\"flavor-test\"},\"Instance\":{\"Plugin\":\"instance-mem\",\"Properties\":{\"invalid\":1}}}")), false))
                .getMessage());
        assertEquals(List.of(), fx.plugin.inspectGroups());
        assertEquals(0, fx.instances.provisions.get());
    }

    @Test
    void pretendShowsThePlanAndChangesNothing() throws Exception {
        assertEquals("Managing 5 instances", fx.plugin.commitGroup(Fixture.cattle(5, "1.0", null), true));
        assertEquals(List.of(), fx.plugin.inspectGroups());
        assertEquals("Group 'cattle' is not being watched", assertThrows(PluginException.class, () -> fx.plugin.describeGroup("cattle")).getMessage());
        assertEquals(0, fx.instances.provisions.get());
    }

    @Test
    void aCommittedGroupConvergesAndHealsALostInstance() throws Exception {
        GroupSpec spec = Fixture.cattle(5, "1.0", null);
        assertEquals("Managing 5 instances", fx.plugin.commitGroup(spec, false));
        awaitConverged("cattle", 5);
        for (Description d : fx.instances.group("cattle")) {
            assertEquals(Map.of("infrakit.group", "cattle", "infrakit.config_sha", sha(spec), "tier", "web", "project", "infrakit"), d.tags());
        }
        assertEquals(List.of(spec), fx.plugin.inspectGroups());
        String lost = fx.instances.group("cattle").get(0).id();
        fx.instances.instances.remove(lost);
        await().atMost(WAIT).until(() -> fx.instances.group("cattle").size() == 5 && fx.instances.provisions.get() == 6);
        assertEquals(0, fx.instances.destroys.get());
        assertEquals("Noop", fx.plugin.commitGroup(spec, false));
    }

    @Test
    void convergedMeansTheDeclaredSizeNotJustNoUpdate() throws Exception {
        fx.instances.failProvision = true;
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        await().atMost(WAIT).until(() -> fx.plugin.describeGroup("cattle").error() != null);
        GroupDescription d = fx.plugin.describeGroup("cattle");
        assertFalse(d.converged());
        assertTrue(d.error().contains("Provision failed: out of capacity"), d.error());
    }

    @Test
    void scalingUpAndDownWithTheOriginalsPlans() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(5, "1.0", null), false);
        awaitConverged("cattle", 5);
        assertEquals("Adding 3 instances to increase the group size to 8", fx.plugin.commitGroup(Fixture.cattle(8, "1.0", null), false));
        awaitConverged("cattle", 8);
        assertEquals("Terminating 6 instances to reduce the group size to 2", fx.plugin.commitGroup(Fixture.cattle(2, "1.0", null), false));
        awaitConverged("cattle", 2);
        assertEquals(6, fx.instances.destroys.get());
        assertEquals(6, fx.flavor.drained.size(), "every removed instance is drained first");
    }

    @Test
    void aRollingUpdateReplacesOneAtATimeAndConverges() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(4, "1.0", null), false);
        awaitConverged("cattle", 4);
        GroupSpec v2 = Fixture.cattle(4, "2.0", null);
        assertEquals("Performing a rolling update on 4 instances", fx.plugin.commitGroup(v2, false));
        assertNotNull(fx.plugin.describeGroup("cattle").update());
        assertFalse(fx.plugin.describeGroup("cattle").converged());
        awaitConverged("cattle", 4);
        assertEquals(4, fx.instances.at(sha(v2)));
        assertEquals(3, fx.instances.fewest.get(), "never more than one instance missing at a time");
        assertEquals(4, fx.instances.destroys.get());
    }

    @Test
    void anUnhealthyNewInstanceStopsTheUpdateVisibly() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitConverged("cattle", 3);
        GroupSpec v2 = Fixture.cattle(3, "2.0", "\"Update\":{\"UnhealthySeconds\":1}");
        String newSha = sha(v2);
        fx.flavor.health = d -> newSha.equals(d.tags().get("infrakit.config_sha")) ? Health.UNHEALTHY : Health.HEALTHY;
        fx.plugin.commitGroup(v2, false);
        await().atMost(WAIT).until(() -> {
            String e = fx.plugin.describeGroup("cattle").error();
            return e != null && e.startsWith("Rolling update stopped: Instance ") && e.contains(" stayed unhealthy for ");
        });
        assertEquals(GroupDescription.Status.FAILED, fx.plugin.describeGroup("cattle").status());
        int destroys = fx.instances.destroys.get();
        assertEquals(1, destroys, "it stopped after the first replacement");
        assertEquals(1, fx.instances.at(newSha));
        assertEquals(3, fx.instances.group("cattle").size(), "the size is kept");
        assertFalse(fx.plugin.describeGroup("cattle").converged());
    }

    @Test
    void unknownHealthNoLongerWaitsForever() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(2, "1.0", null), false);
        awaitConverged("cattle", 2);
        GroupSpec v2 = Fixture.cattle(2, "2.0", "\"Update\":{\"HealthTimeoutSeconds\":1}");
        String newSha = sha(v2);
        fx.flavor.health = d -> newSha.equals(d.tags().get("infrakit.config_sha")) ? Health.UNKNOWN : Health.HEALTHY;
        fx.plugin.commitGroup(v2, false);
        await().atMost(WAIT).until(() -> String.valueOf(fx.plugin.describeGroup("cattle").error()).contains("did not become healthy within 1 s"));
        assertEquals(1, fx.instances.at(newSha));
    }

    @Test
    void aNewCommitDuringAnUpdateReplacesIt() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitConverged("cattle", 3);
        fx.plugin.commitGroup(Fixture.cattle(3, "2.0", null), false);
        GroupSpec v3 = Fixture.cattle(3, "3.0", null);
        fx.plugin.commitGroup(v3, false);
        awaitConverged("cattle", 3);
        assertEquals(3, fx.instances.at(sha(v3)));
    }

    @Test
    void moreParallelismWhenTheGroupAsksForIt() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(6, "1.0", null), false);
        awaitConverged("cattle", 6);
        GroupSpec v2 = Fixture.cattle(6, "2.0", "\"Update\":{\"MaxUnavailable\":0,\"MaxSurge\":2}");
        fx.plugin.commitGroup(v2, false);
        awaitConverged("cattle", 6);
        assertEquals(6, fx.instances.at(sha(v2)));
        assertTrue(fx.instances.most.get() > 6 && fx.instances.most.get() <= 8, "surged by at most 2: " + fx.instances.most.get());
        assertTrue(fx.instances.fewest.get() >= 6, "MaxUnavailable 0: never below 6, saw " + fx.instances.fewest.get());
    }

    @Test
    void anInstanceThatStaysUnhealthyIsReplacedButABrokenHealthCheckDestroysNothing() throws Exception {
        fx.close();
        fx = new Fixture(20, 200);
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitConverged("cattle", 3);
        String sick = fx.instances.group("cattle").get(0).id();
        fx.flavor.health = d -> d.id().equals(sick) ? Health.UNHEALTHY : Health.HEALTHY;
        await().atMost(WAIT).until(() -> !fx.instances.instances.containsKey(sick) && fx.instances.group("cattle").size() == 3);
        int destroys = fx.instances.destroys.get();
        fx.flavor.health = d -> Health.UNHEALTHY; // everything "unhealthy": the check is broken, not the group
        await().during(Duration.ofMillis(800)).atMost(WAIT).until(() -> fx.instances.destroys.get() == destroys);
        assertEquals(3, fx.instances.group("cattle").size());
    }

    @Test
    void aFailingListingIsNeverReadAsNoInstances() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitConverged("cattle", 3);
        fx.instances.failDescribe = true;
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> fx.instances.provisions.get() == 3 && fx.instances.destroys.get() == 0);
        fx.instances.failDescribe = false;
        fx.instancePluginMissing = true;
        fx.instances.instances.clear(); // even with nothing left, a missing plugin must not lead to creations
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> fx.instances.provisions.get() == 3);
        fx.instancePluginMissing = false;
        awaitConverged("cattle", 3);
    }

    @Test
    void aGroupWaitingForAMissingPluginIsNotBackedOffAndResumesAtTheNextPoll() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(2, "1.0", null), false);
        awaitConverged("cattle", 2);
        int lookupsBefore = fx.lookups.get();
        fx.instancePluginMissing = true;
        // 25 cycles in a row without the plugin: a backed-off group (20 ms << streak, up to 30 s) would need minutes
        await().atMost(WAIT).until(() -> fx.lookups.get() >= lookupsBefore + 25);
        assertEquals("Failed to find Instance plugin 'instance-mem':Plugin not found: instance-mem (looked up using a test registry)",
                assertThrows(PluginException.class, () -> fx.plugin.describeGroup("cattle")).getMessage());
        fx.instances.instances.remove(fx.instances.group("cattle").get(0).id());
        fx.instancePluginMissing = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            GroupDescription d = fx.plugin.describeGroup("cattle");
            return d.converged() && d.error() == null && d.instances().size() == 2;
        });
        assertEquals(3, fx.instances.provisions.get());
        assertEquals(0, fx.instances.destroys.get());
    }

    @Test
    void aHangingHealthCheckTimesOutAndTheGroupStillHeals() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        fx.flavor.health = d -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Health.HEALTHY;
        };
        fx.plugin.commitGroup(Fixture.cattle(2, "1.0", null), false);
        await().atMost(WAIT).until(() -> fx.instances.group("cattle").size() == 2);
        fx.instances.instances.remove(fx.instances.group("cattle").get(0).id());
        await().atMost(WAIT).until(() -> fx.instances.group("cattle").size() == 2 && fx.instances.provisions.get() == 3);
        assertEquals(0, fx.instances.destroys.get(), "an unanswered health check is no reason to destroy");
        never.countDown();
    }

    @Test
    void anInstancePluginThatLosesTagsDoesNotMakeTheGroupCreateForever() throws Exception {
        fx.instances.dropTags = true;
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        await().atMost(WAIT).until(() -> String.valueOf(fx.plugin.describeGroup("cattle").error()).contains("does not list the instances it provisioned"));
        int provisions = fx.instances.provisions.get();
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> fx.instances.provisions.get() == provisions);
        assertTrue(provisions <= 6, "provisions: " + provisions);
    }

    @Test
    void anInstanceGoneBeforeItWasEverListedIsReplacedNotTakenForLostTags() throws Exception {
        fx.instances.loseNext.set(true);
        fx.plugin.commitGroup(Fixture.cattle(2, "1.0", null), false);
        await().atMost(WAIT).until(() -> fx.instances.group("cattle").size() == 2 && fx.plugin.describeGroup("cattle").converged());
        assertEquals(3, fx.instances.provisions.get(), "the lost one was replaced once");
        assertEquals(null, fx.plugin.describeGroup("cattle").error());
    }

    @Test
    void aLaggingListingCausesNoDuplicates() throws Exception {
        fx.instances.hideForListings = 5;
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        await().atMost(WAIT).until(() -> fx.plugin.describeGroup("cattle").converged());
        assertEquals(3, fx.instances.provisions.get(), "instances not listed yet still count as members");
        assertEquals(0, fx.instances.destroys.get());
    }

    @Test
    void provisioningFailuresBackOff() throws Exception {
        fx.instances.failProvision = true;
        fx.plugin.commitGroup(Fixture.cattle(2, "1.0", null), false);
        await().during(Duration.ofMillis(900)).atMost(WAIT).until(() -> fx.instances.provisions.get() <= 4);
    }

    @Test
    void afterARestartTheSameCommitAdoptsTheInstances() throws Exception {
        GroupSpec spec = Fixture.cattle(4, "1.0", null);
        fx.plugin.commitGroup(spec, false);
        awaitConverged("cattle", 4);
        fx.plugin.close();
        DefaultGroupPlugin restarted = fx.plugin(20, 60_000);
        try {
            assertEquals("Managing 4 instances", restarted.commitGroup(spec, false));
            await().atMost(WAIT).until(() -> restarted.describeGroup("cattle").converged());
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> fx.instances.provisions.get() == 4 && fx.instances.destroys.get() == 0);
        } finally {
            restarted.close();
        }
    }

    @Test
    void aQuorumKeepsEachLogicalId() throws Exception {
        GroupSpec zk = new WireJsonCodec().decode(new RawJson("{\"ID\":\"zk\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\"10.0.0.1\",\"10.0.0.2\",\"10.0.0.3\"]},"
                + "\"Instance\":{\"Plugin\":\"instance-mem\"},\"Flavor\":{\"Plugin\":\"flavor-test\"}}}"), GroupSpec.class);
        assertEquals("Managing 3 instances", fx.plugin.commitGroup(zk, false));
        awaitConverged("zk", 3);
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), fx.instances.group("zk").stream().map(Description::logicalID).sorted().toList());
        Description lost = fx.instances.group("zk").stream().filter(d -> d.logicalID().equals("10.0.0.2")).findFirst().orElseThrow();
        fx.instances.instances.remove(lost.id());
        await().atMost(WAIT).until(() -> fx.instances.group("zk").stream().filter(d -> "10.0.0.2".equals(d.logicalID())).count() == 1
                && fx.instances.group("zk").size() == 3);
        GroupSpec changed = new GroupSpec("zk", new RawJson(zk.properties().json().replace("10.0.0.3", "10.0.0.4")));
        assertEquals("Logical ID changes to a quorum is not currently supported",
                assertThrows(PluginException.class, () -> fx.plugin.commitGroup(changed, false)).getMessage());
    }

    @Test
    void freeLeavesInstancesAndDestroyRemovesThem() throws Exception {
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        awaitConverged("cattle", 3);
        fx.plugin.freeGroup("cattle");
        assertEquals(List.of(), fx.plugin.inspectGroups());
        assertEquals(3, fx.instances.group("cattle").size());
        assertEquals("Group 'cattle' is not being watched", assertThrows(PluginException.class, () -> fx.plugin.freeGroup("cattle")).getMessage());
        fx.plugin.commitGroup(Fixture.cattle(3, "1.0", null), false);
        fx.plugin.destroyGroup("cattle");
        assertEquals(0, fx.instances.group("cattle").size());
        assertEquals(3, fx.flavor.drained.size());
        assertEquals(3, fx.instances.provisions.get(), "re-committing adopted the instances instead of creating more");
    }
}
