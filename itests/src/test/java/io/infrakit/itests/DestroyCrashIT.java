package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.spi.PluginException;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;

/**
 * Destroy is a persisted intention, end to end with {@code kill -9}: a group of 1,000 file instances
 * (instance-file and flavor-vanilla, as shipped) is destroyed through the manager's {@code group} socket
 * from a client thread, and the Karaf process is killed with SIGKILL a moment into the destroy (as soon as a
 * watch of the instance directory sees the first file deleted, a few tenths of a second after the call),
 * with hundreds of members still there. At that moment {@code global.config} holds the group as a tombstone.
 * Started again on the same {@code INFRAKIT_HOME}, Karaf resumes the destroy by itself: no instance file with
 * the group's tag is left, and only then is the group gone from the store and from the group plugin. (The
 * manager before destroys were persisted took the group out of the store first: a kill in the middle left
 * hundreds of orphans and a store that no longer knew of them.)
 *
 * <p>A plain JUnit 4 test: the Karaf is a child process ({@link KarafNode}).
 */
public class DestroyCrashIT {

    private static final String GROUP = "crash";
    private static final int SIZE = 1000;

    /** Creating 1,000 file instances on two busy cores. */
    private static final Duration CREATE_WAIT = Duration.ofSeconds(60);

    /** A restart, leadership (two manager polls) and the rest of the destroy. */
    private static final Duration RESUME_WAIT = Duration.ofSeconds(90);

    private KarafNode node;
    private InstanceFiles files;

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @Before
    public void setUp() throws Exception {
        node = new KarafNode("destroy-crash", 1000);
        node.configure("io.infrakit.manager.file.cfg", "poll.interval.ms", "200");
        files = new InstanceFiles(node.instances());
        node.start();
    }

    @After
    public void tearDown() throws Exception {
        if (files != null) {
            files.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void aDestroyCutShortByKillMinus9ResumesAfterTheRestartUntilNoInstanceIsLeft() throws Exception {
        String spec = "{\"ID\":\"" + GROUP + "\",\"Properties\":{\"Allocation\":{\"Size\":" + SIZE + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"destroy crash\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hello\"],\"Tags\":{\"tier\":\"crash\"}}}}}";
        long start = System.nanoTime();
        assertEquals("Managing " + SIZE + " instances", node.commit(spec));
        Await.until(CREATE_WAIT, SIZE + " instance files of group " + GROUP + ", described as converged",
                () -> InstanceFiles.ofGroup(node.instances(), GROUP).size() == SIZE
                        && node.describe(GROUP).path("Converged").asBoolean());
        long created = System.nanoTime();
        Set<String> members = InstanceFiles.ofGroup(node.instances(), GROUP);
        assertFalse("stored, not being destroyed: " + node.stored(GROUP), node.stored(GROUP).path("State").path("Destroying").asBoolean());
        assertEquals("no instance file destroyed yet", 0, files.deleted().size());

        // DestroyGroup from a client thread; SIGKILL as soon as the destroy is seen deleting files
        long sent = System.nanoTime();
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return node.destroy(GROUP);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        Await.until(Duration.ofSeconds(30), "the destroy deletes a first instance file", () -> !files.deleted().isEmpty());
        node.killHard();
        long killed = System.nanoTime();
        int left = InstanceFiles.ofGroup(node.instances(), GROUP).size();
        System.out.printf("DestroyCrashIT: killed %d ms after DestroyGroup was sent, %d of %d instance files left%n",
                millis(sent, killed), left, SIZE);
        assertTrue("the kill came while the destroy ran (" + left + " of " + SIZE + " instance files left)", left > 0 && left < SIZE);
        JsonNode tombstone = node.stored(GROUP);
        assertTrue("with " + left + " instances of " + GROUP + " left, global.config still holds the group, as being destroyed: " + tombstone,
                tombstone.path("State").path("Destroying").asBoolean());
        assertTrue("the client's DestroyGroup ended with the process", answer.handle((ok, failed) -> true).get());

        // the same INFRAKIT_HOME: the destroy resumes by itself
        long restarted = System.nanoTime();
        node.start();
        Await.until(RESUME_WAIT, "no instance file with tag infrakit.group=" + GROUP + " left, " + GROUP
                        + " gone from global.config and from the group plugin",
                () -> InstanceFiles.ofGroup(node.instances(), GROUP).isEmpty() && node.stored(GROUP).isMissingNode()
                        && node.runningGroups().isEmpty());
        long done = System.nanoTime();
        Await.until(Duration.ofSeconds(10), "the watch has seen every member's file deleted", () -> Set.copyOf(files.deleted()).containsAll(members));
        files.assertComplete();
        assertEquals("no instance file left at all", Set.of(), files.ids());
        assertEquals("the instance files ever created are the " + SIZE + " members", members, Set.copyOf(files.created()));
        assertEquals("the instance files deleted are the " + SIZE + " members, each once", SIZE, files.deleted().size());
        try {
            node.describe(GROUP);
            throw new AssertionError("DescribeGroup of a destroyed group answered");
        } catch (PluginException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("not being watched"));
        }
        System.out.printf("DestroyCrashIT: %d instances created in %d ms; restart to no instance left %d ms; whole test %d ms%n",
                SIZE, millis(start, created), millis(restarted, done), millis(start, done));
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
