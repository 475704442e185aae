package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;

/**
 * Surge without churn, end to end on the distribution: a group of 6 file instances (instance-file and
 * flavor-vanilla, as shipped) gets a new configuration with {@code "Update":{"MaxSurge":2,"MaxUnavailable":0}}.
 * A watch of the instance directory sees every instance file created and deleted during the roll: exactly
 * 6 created and 6 deleted (the old ones), never fewer than 6 nor more than 8 files at once, and the group
 * converges with every member at the new configuration hash. (Before, the surge was not bounded by the
 * members left to replace: near the end of the roll the group created extra instances only to remove them
 * again, 8 created for 6.)
 *
 * <p>A plain JUnit 4 test: the Karaf is a child process ({@link KarafNode}).
 */
public class SurgeIT {

    private static final String GROUP = "surge";
    private static final int SIZE = 6;
    private static final int MAX_SURGE = 2;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private KarafNode node;

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @Before
    public void setUp() throws Exception {
        node = new KarafNode("surge", 200);
        node.start();
    }

    @After
    public void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void aRollWithMaxSurgeProvisionsAsManyAsItDestroys() throws Exception {
        String before = spec("docker run nginx:1.0", "");
        assertEquals("Managing " + SIZE + " instances", node.commit(before));
        Await.until(WAIT, SIZE + " instance files of " + GROUP + ", converged",
                () -> InstanceFiles.ofGroup(node.instances(), GROUP).size() == SIZE && node.describe(GROUP).path("Converged").asBoolean());
        Set<String> old = InstanceFiles.ofGroup(node.instances(), GROUP);
        String oldSha = shaOf(node.describe(GROUP));

        long start = System.nanoTime();
        String newSha;
        Set<String> now;
        List<TimedInstanceEvents.Event> events;
        try (TimedInstanceEvents watch = new TimedInstanceEvents(node.instances())) {
            String after = spec("docker run nginx:1.1", ",\"Update\":{\"MaxSurge\":" + MAX_SURGE + ",\"MaxUnavailable\":0}");
            assertEquals("Performing a rolling update on " + SIZE + " instances", node.commit(after));
            Await.until(WAIT, GROUP + " converged again, every member at a new configuration",
                    () -> {
                        JsonNode d = node.describe(GROUP);
                        return d.path("Converged").asBoolean() && d.path("Instances").size() == SIZE && !oldSha.equals(shaOf(d));
                    });
            newSha = shaOf(node.describe(GROUP));
            now = InstanceFiles.ofGroup(node.instances(), GROUP);
            Set<String> members = now;
            Await.until(WAIT, "the watch has seen the files of the members now created and the old ones deleted",
                    () -> ids(watch.events(), true).containsAll(members) && ids(watch.events(), false).containsAll(old));
            watch.assertComplete();
            events = watch.events();
        }
        long rolled = System.nanoTime();
        List<String> created = events.stream().filter(TimedInstanceEvents.Event::created).map(TimedInstanceEvents.Event::id).toList();
        List<String> deleted = events.stream().filter(e -> !e.created()).map(TimedInstanceEvents.Event::id).toList();
        int[] range = range(events);
        assertNotEquals(oldSha, newSha);
        assertEquals("instance files created by the roll (file events): " + created, SIZE, new HashSet<>(created).size());
        assertEquals("instance files deleted by the roll (file events): " + deleted, old, new TreeSet<>(deleted));
        assertEquals("each created once, each deleted once: " + events, 2 * SIZE, events.size());
        assertEquals("the members now are the ones the roll created", new TreeSet<>(created), now);
        for (String id : now) {
            JsonNode file = JSON.readTree(node.instances().resolve(id).toFile());
            assertEquals(file.toString(), newSha, file.path("Tags").path("infrakit.config_sha").asText());
        }
        assertTrue("never fewer than " + SIZE + " instances (MaxUnavailable 0): at least " + range[0], range[0] >= SIZE);
        assertTrue("never more than " + (SIZE + MAX_SURGE) + " instances (MaxSurge " + MAX_SURGE + "): at most " + range[1], range[1] <= SIZE + MAX_SURGE);
        JsonNode described = node.describe(GROUP);
        assertEquals(described.toString(), "Converged", described.path("Status").asText());
        Await.until(WAIT, "the rollout to " + newSha + " is recorded as done in global.config", () -> {
            JsonNode rollout = node.stored(GROUP).path("State").path("Rollout");
            return newSha.equals(rollout.path("Target").asText()) && "DONE".equals(rollout.path("Phase").asText());
        });
        System.out.printf("SurgeIT: %d members rolled in %d ms, %d to %d instances at once%n",
                SIZE, (rolled - start) / 1_000_000, range[0], range[1]);
    }

    private static String spec(String init, String update) {
        return "{\"ID\":\"" + GROUP + "\",\"Properties\":{\"Allocation\":{\"Size\":" + SIZE + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"surge\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"" + init + "\"],\"Tags\":{\"tier\":\"web\"}}}"
                + update + "}}";
    }

    /** The one configuration hash of every member described, or {@code ""} if they differ. */
    private static String shaOf(JsonNode description) {
        Set<String> shas = new TreeSet<>();
        description.path("Instances").forEach(i -> shas.add(i.path("Tags").path("infrakit.config_sha").asText()));
        return shas.size() == 1 ? shas.iterator().next() : "";
    }

    private static Set<String> ids(List<TimedInstanceEvents.Event> events, boolean created) {
        Set<String> ids = new TreeSet<>();
        events.stream().filter(e -> e.created() == created).forEach(e -> ids.add(e.id()));
        return ids;
    }

    /** The fewest and the most instance files there were at once during the roll, replaying the events from {@link #SIZE}. */
    private static int[] range(List<TimedInstanceEvents.Event> events) {
        int count = SIZE;
        int least = SIZE;
        int most = SIZE;
        for (TimedInstanceEvents.Event e : events) {
            count += e.created() ? 1 : -1;
            least = Math.min(least, count);
            most = Math.max(most, count);
        }
        return new int[] {least, most};
    }
}
