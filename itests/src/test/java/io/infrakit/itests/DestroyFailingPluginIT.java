package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;

/**
 * Destroy is a persisted intention, through a failing instance plugin: the distribution's manager and group
 * plugin destroy a group of 100 instances of an instance plugin the test serves over a socket
 * ({@link MemoryInstancePlugin}), which refuses every Destroy while a flag is set. DestroyGroup is
 * accepted anyway (after waiting {@code destroy.wait.ms} for it); DescribeGroup says Destroying and how
 * many are left; the group stays in {@code global.config} as a tombstone; a second DestroyGroup is accepted
 * and a CommitGroup of the same ID refused. The loop retries with backoff; once the flag is cleared every
 * instance is destroyed and only then is the group gone from the store. (The group plugin before destroys
 * were persisted answered "destroyed with errors", and the manager had already dropped the group from the
 * store: every instance was left an orphan.)
 *
 * <p>A plain JUnit 4 test: the Karaf is a child process ({@link KarafNode}); the plugin is in the test JVM.
 */
public class DestroyFailingPluginIT {

    private static final String GROUP = "fragile";
    private static final int SIZE = 100;
    private static final long POLL_MS = 200;
    private static final long DESTROY_WAIT_MS = 3000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The loop backs off up to 2^n poll intervals while the plugin fails: it may take that long to try again. */
    private static final Duration RETRY_WAIT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private KarafNode node;
    private TestPluginHost plugins;
    private final MemoryInstancePlugin instances = new MemoryInstancePlugin("mem-");

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @Before
    public void setUp() throws Exception {
        node = new KarafNode("destroy-failing", POLL_MS);
        node.configure("io.infrakit.group.cfg", "destroy.wait.ms", Long.toString(DESTROY_WAIT_MS));
        plugins = new TestPluginHost(node.plugins());
        plugins.serve(Spi.INSTANCE, "instance-memory", instances);
        node.start();
    }

    @After
    public void tearDown() throws Exception {
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

    @Test
    public void aDestroyThatThePluginRefusesIsKeptAndCarriedOutOnceThePluginWorksAgain() throws Exception {
        String spec = "{\"ID\":\"" + GROUP + "\",\"Properties\":{\"Allocation\":{\"Size\":" + SIZE + "},"
                + "\"Instance\":{\"Plugin\":\"instance-memory\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Tags\":{\"tier\":\"fragile\"}}}}}";
        Map<String, String> members = Map.of("infrakit.group", GROUP);
        assertEquals("Managing " + SIZE + " instances", node.commit(spec));
        Await.until(WAIT, SIZE + " instances of " + GROUP + ", described as converged",
                () -> instances.present(members).size() == SIZE && node.describe(GROUP).path("Converged").asBoolean());

        // the plugin fails every Destroy: the destroy is accepted all the same, and kept
        instances.failDestroy = true;
        long sent = System.nanoTime();
        JsonNode answer;
        try {
            answer = node.destroy(GROUP);
        } catch (PluginException refused) {
            throw new AssertionError("DestroyGroup through an instance plugin that fails Destroy is accepted (the destroy goes on), "
                    + "not answered with an error: " + abbreviated(refused.getMessage()), refused);
        }
        long waited = (System.nanoTime() - sent) / 1_000_000;
        assertEquals(JSON.readTree("{\"OK\":true}"), answer);
        assertTrue("DestroyGroup waited destroy.wait.ms (" + DESTROY_WAIT_MS + ") for the group to go, then answered: " + waited + " ms",
                waited >= DESTROY_WAIT_MS - 200);
        assertTrue("Destroy was tried", instances.destroyCalls.get() > 0);
        assertEquals("no instance destroyed", SIZE, instances.present(members).size());

        JsonNode described = node.describe(GROUP);
        assertEquals(described.toString(), "Destroying", described.path("Status").asText());
        assertEquals(described.toString(), "Destroying: " + SIZE + " instances left", described.path("Update").asText());
        assertFalse(described.toString(), described.path("Converged").asBoolean());
        assertEquals(described.toString(), SIZE, described.path("Instances").size());
        assertTrue("DescribeGroup says why: " + described, described.path("Error").asText().contains("the test makes this plugin fail"));
        JsonNode tombstone = node.stored(GROUP);
        assertTrue("global.config keeps the group, as being destroyed: " + tombstone, tombstone.path("State").path("Destroying").asBoolean());
        assertEquals("the tombstone keeps the spec: " + tombstone, JSON.readTree(spec), tombstone.path("Properties"));

        try {
            assertEquals(JSON.readTree("{\"OK\":true}"), node.destroy(GROUP));
        } catch (PluginException refused) {
            fail("A second DestroyGroup of a group being destroyed is accepted: " + refused.getMessage());
        }
        try {
            node.commit(spec);
            fail("A CommitGroup of a group being destroyed is refused");
        } catch (PluginException refused) {
            assertTrue(refused.getMessage(), refused.getMessage().contains("is being destroyed"));
        }
        assertTrue("still a tombstone after the refused commit: " + node.stored(GROUP), node.stored(GROUP).path("State").path("Destroying").asBoolean());

        // meanwhile the loop retried, backing off: its rounds of Destroy calls came further and further apart
        List<Long> rounds = rounds(instances.destroyTimes());
        long largestGap = 0;
        for (int i = 1; i < rounds.size(); i++) {
            largestGap = Math.max(largestGap, (rounds.get(i) - rounds.get(i - 1)) / 1_000_000);
        }
        assertTrue("the loop retried the Destroy calls: " + rounds.size() + " rounds", rounds.size() >= 3);
        assertTrue("the retries back off beyond the poll interval (" + POLL_MS + " ms): largest gap " + largestGap + " ms between "
                + rounds.size() + " rounds", largestGap >= 4 * POLL_MS);
        assertEquals("still every instance there", SIZE, instances.present(members).size());
        assertEquals("still Destroying", "Destroying", node.describe(GROUP).path("Status").asText());

        // the plugin works again: the loop destroys everything by itself, and only then forgets the group
        instances.failDestroy = false;
        long cleared = System.nanoTime();
        Await.until(RETRY_WAIT, "no instance of " + GROUP + " left, " + GROUP + " gone from global.config and from the group plugin",
                () -> instances.present(members).isEmpty() && node.stored(GROUP).isMissingNode() && !node.runningGroups().contains(GROUP));
        long gone = System.nanoTime();
        assertEquals("no instance was created after the group converged", SIZE, instances.provisioned(members));
        try {
            node.describe(GROUP);
            fail("DescribeGroup of a destroyed group answered");
        } catch (PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("not being watched"));
        }
        System.out.printf("DestroyFailingPluginIT: %d rounds of Destroy calls while the plugin failed, largest gap %d ms; "
                + "destroyed %d ms after the plugin worked again%n", rounds.size(), largestGap, (gone - cleared) / 1_000_000);
    }

    private static String abbreviated(String message) {
        return message == null || message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }

    /** The start of each round of Destroy calls: a call after a pause of over 100 ms. */
    private static List<Long> rounds(List<Long> times) {
        List<Long> starts = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (long t : times) {
            if (starts.isEmpty() || t - last > 100_000_000L) {
                starts.add(t);
            }
            last = t;
        }
        return starts;
    }
}
