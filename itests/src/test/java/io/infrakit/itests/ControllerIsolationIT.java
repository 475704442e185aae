package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.awaitPluginSocket;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.flavor.FlavorPlugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Groups do not wait for one another, end to end through the {@code group} socket of the distribution
 * (the manager in front of {@code group-stateless}):
 *
 * <ul>
 * <li>three groups whose flavor's Healthy hangs (a plugin of this test, held on a gate) beside a fourth
 * group of the shipped {@code instance-file} and {@code flavor-vanilla}: the fourth converges, and an
 * instance file deleted from it is replaced within two poll intervals (the original: 6 s beside two hung
 * groups, since every group shared two loop threads);</li>
 * <li>the members of a hung group are checked concurrently, at most {@code max.parallel} at once (the
 * original checked them one after another);</li>
 * <li>while another client's CommitGroup hangs in its flavor's Validate, a fifth group's CommitGroup succeeds
 * at once and DescribeGroup of every group, hung ones included, answers within a second (the original held
 * one lock for every commit: DescribeGroup of every group waited 58 s, and the manager's commit failed at
 * 60 s).</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ControllerIsolationIT {

    private static final Duration CONVERGENCE_WAIT = Duration.ofSeconds(30);

    /** Poll interval of the shipped group plugin. */
    private static final long POLL_MS = 1000;

    /** A deleted member is noticed at the next poll and replaced in it: two intervals, and some slack. */
    private static final long HEAL_BOUND_MS = 2 * POLL_MS + 500;

    /** DescribeGroup answers from memory and one listing of the instance plugin. */
    private static final long DESCRIBE_BOUND_MS = 1000;

    /** The group plugin's max.parallel default. */
    private static final int MAX_PARALLEL = 16;

    private static final String HANG_HEALTH = "it-hang-health";
    private static final String HANG_VALIDATE = "it-hang-validate";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private BundleContext context;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final GatedFlavorPlugin hangHealth = new GatedFlavorPlugin(null);
    private final GatedFlavorPlugin hangValidate = new GatedFlavorPlugin(null);
    private final List<String> committed = new ArrayList<>();
    private RpcClient client;
    private RpcClient patientClient;
    private Path instancesDir;
    private Path group;

    @Configuration
    public Option[] configuration() throws IOException {
        return Lifecycle.container(Lifecycle.REPLACEMENT_TIMEOUT_MS);
    }

    @Before
    public void setUp() throws Exception {
        instancesDir = Path.of(Lifecycle.required(Lifecycle.INSTANCES_DIR));
        client = new RpcClient(Duration.ofSeconds(10));
        patientClient = new RpcClient(Duration.ofSeconds(90));
        register(hangHealth, HANG_HEALTH);
        register(hangValidate, HANG_VALIDATE);
        group = awaitPluginSocket("group");
    }

    @After
    public void tearDown() {
        hangHealth.healthy.open();
        hangValidate.validate.open();
        for (String id : committed) {
            try {
                client.call(group, "Group.DestroyGroup", "{\"ID\":\"" + id + "\"}");
            } catch (Exception e) {
                System.err.println("ControllerIsolationIT: destroying " + id + " failed: " + e.getMessage());
            }
        }
        try {
            Await.until(CONVERGENCE_WAIT, "no instance file left", () -> instanceFiles().isEmpty());
        } catch (AssertionError | InterruptedException e) {
            System.err.println("ControllerIsolationIT: " + e.getMessage());
        }
        registrations.forEach(ServiceRegistration::unregister);
        client.close();
        patientClient.close();
    }

    @Test
    public void hungGroupsDelayNoOtherGroup() throws Exception {
        // Three groups whose members' health checks hang, and a healthy one beside them.
        hangHealth.healthy.close();
        commit("hung-1", 2, HANG_HEALTH);
        commit("hung-2", 2, HANG_HEALTH);
        commit("hung-3", 20, HANG_HEALTH);
        commit("steady", 3, "flavor-vanilla");
        Await.until(CONVERGENCE_WAIT, "every hung group's loop held in Healthy (each group on a thread of its own)",
                () -> hangHealth.healthyInFlight("hung-1") > 0 && hangHealth.healthyInFlight("hung-2") > 0
                        && hangHealth.healthyInFlight("hung-3") > 0);
        Await.until(CONVERGENCE_WAIT, "steady converged with 3 files beside the hung groups", () -> converged("steady", 3));
        Await.until(CONVERGENCE_WAIT, "the members of each hung group in Healthy at once (checked concurrently)",
                () -> hangHealth.healthyInFlight("hung-1") == 2 && hangHealth.healthyInFlight("hung-2") == 2
                        && hangHealth.healthyInFlight("hung-3") >= 2);
        int mostAtOnce = hangHealth.healthyMostAtOnce("hung-3");
        assertTrue("health checks of one group run concurrently, at most max.parallel (" + MAX_PARALLEL + ") at once: "
                + mostAtOnce, mostAtOnce >= 2 && mostAtOnce <= MAX_PARALLEL);

        // Another client's commit hangs in its flavor's Validate.
        hangValidate.validate.close();
        CompletableFuture<String> stuck = CompletableFuture.supplyAsync(() -> {
            try {
                return patientClient.call(group, "Group.CommitGroup", commitParams("validating", 1, HANG_VALIDATE));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        committed.add("validating");
        Await.until(CONVERGENCE_WAIT, "the commit of group validating in its flavor's Validate", () -> hangValidate.validate.entered() == 1);

        // A fifth group is committed meanwhile, at once.
        long start = System.nanoTime();
        JsonNode fifth = commit("fifth", 1, "flavor-vanilla");
        long fifthMs = Lifecycle.millis(System.nanoTime() - start);
        assertEquals("Managing 1 instances", fifth.path("Details").asText());
        assertFalse("the commit of group validating is still in Validate", stuck.isDone());

        // Every group is described within the bound, hung ones and the one being committed included.
        Map<String, Long> slowest = new LinkedHashMap<>();
        for (int round = 0; round < 5; round++) {
            describeAll(slowest);
        }
        // the manager has the group plugin dry-run a commit before storing it: a group still in Validate is not stored yet
        PluginException notYet = assertThrows(PluginException.class, () -> describe("validating"));
        assertEquals("Group 'validating' is not being watched", notYet.getMessage());

        // steady heals as fast as alone: a deleted instance file is replaced within two poll intervals.
        Set<String> before = InstanceFiles.ofGroup(instancesDir, "steady");
        String lost = before.iterator().next();
        Files.delete(instancesDir.resolve(lost));
        long deleted = System.nanoTime();
        Await.until(Duration.ofMillis(HEAL_BOUND_MS), "steady's deleted instance " + lost + " replaced",
                () -> {
                    describeAll(slowest);
                    Set<String> now = InstanceFiles.ofGroup(instancesDir, "steady");
                    return now.size() == 3 && !now.contains(lost);
                });
        long healMs = Lifecycle.millis(System.nanoTime() - deleted);
        Await.until(CONVERGENCE_WAIT, "steady converged again", () -> converged("steady", 3));
        long convergedMs = Lifecycle.millis(System.nanoTime() - deleted);
        assertFalse("the commit of group validating was in Validate all along", stuck.isDone());
        assertEquals("hung-1's health checks still hang", 2, hangHealth.healthyInFlight("hung-1"));

        long worst = slowest.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue("DescribeGroup answered within " + DESCRIBE_BOUND_MS + " ms, slowest by group: " + slowest, worst < DESCRIBE_BOUND_MS);

        // Released, the stuck commit goes through and the hung groups converge.
        hangValidate.validate.open();
        hangHealth.healthy.open();
        assertEquals("Managing 1 instances", JSON.readTree(stuck.get(30, TimeUnit.SECONDS)).path("Details").asText());
        Await.until(CONVERGENCE_WAIT, "every group converged once its plugin answers",
                () -> converged("hung-1", 2) && converged("hung-2", 2) && converged("hung-3", 20) && converged("validating", 1)
                        && converged("fifth", 1));

        Lifecycle.report("controller-isolation.txt", List.of(String.format(
                "ControllerIsolationIT: 3 hung groups (health checks of hung-3: %d at once), a commit hung in Validate; "
                        + "a fifth group committed in %d ms; steady's lost member replaced in %d ms, converged in %d ms; "
                        + "slowest DescribeGroup %d ms (by group: %s)",
                mostAtOnce, fifthMs, healMs, convergedMs, worst, slowest)));
    }

    /** Describes every group once, keeping the slowest answer of each (an answer that is an error counts too). */
    private void describeAll(Map<String, Long> slowest) throws Exception {
        for (String id : List.of("hung-1", "hung-2", "hung-3", "steady", "validating", "fifth")) {
            long start = System.nanoTime();
            try {
                describe(id);
            } catch (PluginException notCommittedYet) {
                // the group being committed is not there until its Validate answers
            }
            slowest.merge(id, Lifecycle.millis(System.nanoTime() - start), Math::max);
        }
    }

    private JsonNode commit(String id, int size, String flavor) throws Exception {
        committed.add(id);
        return JSON.readTree(client.call(group, "Group.CommitGroup", commitParams(id, size, flavor)));
    }

    private static String commitParams(String id, int size, String flavor) {
        return "{\"Spec\":{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"isolation\"}},"
                + "\"Flavor\":{\"Plugin\":\"" + flavor + "\",\"Properties\":{\"Init\":[\"echo " + id + "\"]}}}},\"Pretend\":false}";
    }

    private JsonNode describe(String id) throws Exception {
        return JSON.readTree(client.call(group, "Group.DescribeGroup", "{\"ID\":\"" + id + "\"}")).path("Description");
    }

    /** DescribeGroup says converged with {@code size} members, and as many instance files of the group exist. */
    private boolean converged(String id, int size) throws Exception {
        JsonNode description = describe(id);
        return description.path("Converged").asBoolean() && description.path("Instances").size() == size
                && InstanceFiles.ofGroup(instancesDir, id).size() == size;
    }

    private Set<String> instanceFiles() throws IOException {
        Set<String> all = new TreeSet<>();
        for (String id : committed) {
            all.addAll(InstanceFiles.ofGroup(instancesDir, id));
        }
        return all;
    }

    private void register(FlavorPlugin plugin, String name) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(PluginName.SERVICE_PROPERTY, name);
        registrations.add(context.registerService(FlavorPlugin.class, plugin, properties));
    }
}
