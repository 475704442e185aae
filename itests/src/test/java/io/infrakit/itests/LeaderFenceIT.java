package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.wire.Spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * The fence, with the file backend and the distribution run as two Karaf processes sharing a leader file, a
 * store and an instances directory (as {@link TwoNodesIT}): once leadership has moved to node-b, node-a
 * provisions, drains and destroys nothing more, even an action it had decided before it lost leadership.
 *
 * <p>The group's flavor is a plugin of the test JVM, served on a socket in each node's plugins directory: it
 * tags every instance with the node that prepared it (so an instance file says who provisioned it), records
 * every Drain with the node that asked (every Destroy follows a Drain), and lets the test hold node-a's
 * Prepare. A rolling update starts on node-a, which replaces its first member: it destroys one old instance
 * and is held preparing the new one. The leader file then names node-b. node-b takes the group over and
 * acts; only then is node-a's Prepare let go: node-a must not provision (the original's loop carried out
 * what it had decided, since nothing checked leadership before an action). The rollout completes on node-b
 * with exactly 3 instances, all at the new configuration.
 */
public class LeaderFenceIT {

    private static final String GROUP = "fenced";
    private static final String FLAVOR = "flavor-gated";
    private static final int SIZE = 3;

    private static final Duration BOOT_WAIT = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /** How often the managers read the leader file, and the group plugins check their groups. */
    private static final String POLL_MS = "200";

    /**
     * A line of a group plugin's log for a batch of actions (one event each): "Group fenced: Created instance-1
     * (...)" or "Group fenced: Destroyed 3 instances (...): instance-1, ...".
     */
    private static final Pattern ACTION_LINE = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2},\\d{3}) .*Group " + GROUP + ": (Created|Destroyed) (instance-\\S+|\\d+ instances) \\(.*$");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path shared;
    private Path leaderFile;
    private DistributionNode a;
    private DistributionNode b;
    private TestPluginHost aPlugins;
    private TestPluginHost bPlugins;
    private final GatedFlavorPlugin aFlavor = new GatedFlavorPlugin("node-a");
    private final GatedFlavorPlugin bFlavor = new GatedFlavorPlugin("node-b");
    private TimedInstanceEvents events;
    private RpcClient client;

    @Rule
    public final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description description) {
            for (DistributionNode node : new DistributionNode[] {a, b}) {
                if (node != null) {
                    System.err.println(node.karaf().logs(300));
                }
            }
        }
    };

    @Before
    public void setUp() throws Exception {
        shared = Files.createTempDirectory(Path.of("/tmp"), "ikitfn");
        leaderFile = shared.resolve("leader");
        Files.writeString(leaderFile, "node-a\n", StandardCharsets.UTF_8);
        Path work = Path.of(Lifecycle.required(TwoNodesIT.WORK_DIR)).resolveSibling("leader-fence");
        a = node("a", work);
        b = node("b", work);
        events = new TimedInstanceEvents(shared.resolve("instances"));
        aPlugins = new TestPluginHost(a.plugins());
        aPlugins.serve(Spi.FLAVOR, FLAVOR, aFlavor);
        bPlugins = new TestPluginHost(b.plugins());
        bPlugins.serve(Spi.FLAVOR, FLAVOR, bFlavor);
        client = new RpcClient(Duration.ofSeconds(10), Duration.ofMillis(500));
    }

    private DistributionNode node(String id, Path work) throws Exception {
        DistributionNode node = DistributionNode.unpack("node-" + id, work.resolve(id), shared.resolve(id), shared.resolve("home-" + id));
        node.karaf().configure("io.infrakit.manager.file.cfg", "leader.file", leaderFile.toString());
        node.karaf().configure("io.infrakit.manager.file.cfg", "store.dir", shared.resolve("configs").toString());
        node.karaf().configure("io.infrakit.manager.file.cfg", "poll.interval.ms", POLL_MS);
        node.karaf().configure("io.infrakit.group.cfg", "poll.interval.ms", POLL_MS);
        node.karaf().configure("io.infrakit.instance.file-default.cfg", "dir", shared.resolve("instances").toString());
        return node;
    }

    @After
    public void tearDown() throws Exception {
        aFlavor.prepare.open();
        List<Throwable> problems = new ArrayList<>();
        Thread stopA = new Thread(() -> stop(a, problems), "stop-node-a");
        stopA.start();
        stop(b, problems);
        stopA.join();
        for (AutoCloseable closeable : new AutoCloseable[] {aPlugins, bPlugins, client, events}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        KarafProcess.deleteTree(shared);
        if (!problems.isEmpty()) {
            throw new AssertionError("Stopping the nodes failed: " + problems, problems.get(0));
        }
    }

    private static void stop(DistributionNode node, List<Throwable> problems) {
        try {
            if (node != null) {
                node.karaf().stop(STOP_WAIT);
            }
        } catch (InterruptedException | RuntimeException e) {
            synchronized (problems) {
                problems.add(e);
            }
        }
    }

    @Test
    public void nodeAActsNoMoreOnceNodeBHasTakenOver() throws Exception {
        long start = System.nanoTime();
        a.karaf().start();
        b.karaf().start();
        Await.until(BOOT_WAIT, "node-a leads, node-b does not, both group plugins answer",
                () -> a.isLeader(client) && a.groupsRunning(client) == 0 && !b.isLeader(client) && b.groupsRunning(client) == 0);
        long booted = System.nanoTime();

        // Version 1 on node-a.
        commit(1);
        Await.until(WAIT, SIZE + " instances of version 1, converged on node-a", () -> converged(a, v1Config()));
        String v1 = v1Config();

        // Version 2: node-a replaces a first member, and is held preparing its replacement.
        aFlavor.prepare.close();
        assertEquals("Performing a rolling update on " + SIZE + " instances", commit(2).path("Details").asText());
        Await.until(WAIT, "node-a preparing the first instance of version 2", () -> aFlavor.prepare.entered() == 1);
        assertEquals("node-a destroyed one instance of version 1 before it prepared the first of version 2",
                SIZE - 1, InstanceFiles.ofGroup(instances(), GROUP).size());

        // Leadership moves to node-b, which takes over the rollout and acts.
        long switched = System.nanoTime();
        writeLeader("node-b");
        Await.until(WAIT, "node-b provisions or destroys", () -> firstActionOf("node-b", bFlavor).isPresent());
        long firstB = firstActionOf("node-b", bFlavor).getAsLong();
        long firstBWall = System.currentTimeMillis() - Lifecycle.millis(System.nanoTime() - firstB);
        assertFalse("node-a leads no more", a.isLeader(client));

        // Only now is node-a's Prepare let go: it must not provision.
        aFlavor.prepare.open();
        Await.until(WAIT, "node-a's held Prepare answered", () -> aFlavor.prepare.released() == 1);
        Await.until(WAIT, "the rollout completed on node-b: " + SIZE + " instances of version 2, converged", () -> {
            String v2 = v2Config();
            return v2 != null && converged(b, v2);
        });
        long done = System.nanoTime();
        String v2 = v2Config();
        assertNotEquals("version 2 is another configuration", v1, v2);

        events.assertComplete();
        List<TimedInstanceEvents.Event> all = events.events();
        List<String> lateByA = new ArrayList<>();
        for (TimedInstanceEvents.Event e : all) {
            if (e.created() && e.nanos() >= firstB && !"node-b".equals(e.tag(GatedFlavorPlugin.NODE_TAG))) {
                lateByA.add("created " + e);
            }
        }
        for (GatedFlavorPlugin.Call drain : aFlavor.calls("Drain")) {
            if (drain.nanos() >= firstB) {
                lateByA.add("drained " + drain.subject());
            }
        }
        for (String line : actionLines(a)) {
            if (logMillis(line) >= firstBWall) {
                lateByA.add("logged " + line);
            }
        }
        assertEquals("node-a's actions after node-b's first (" + Lifecycle.millis(firstB - switched)
                + " ms after the switch); events: " + all, List.of(), lateByA);
        assertFalse("node-a's log records its actions before the switch (so the log check above can see them)",
                actionLines(a).isEmpty());
        assertTrue("node-a's log says its held provision failed", Files.readAllLines(a.karaf().karafLog(), StandardCharsets.UTF_8)
                .stream().anyMatch(line -> line.contains("Group " + GROUP + ": Provision failed")));

        // Every instance file deleted after node-b's first action was drained by node-b first.
        Set<String> drainedByB = new TreeSet<>();
        bFlavor.calls("Drain").forEach(c -> drainedByB.add(c.subject()));
        for (TimedInstanceEvents.Event e : all) {
            if (!e.created() && e.nanos() >= firstB) {
                assertTrue("deleted " + e.id() + " was drained by node-b: " + drainedByB, drainedByB.contains(e.id()));
            }
        }

        Set<String> left = InstanceFiles.ofGroup(instances(), GROUP);
        assertEquals("exactly " + SIZE + " instances left: " + left, SIZE, left.size());
        assertTrue("they are the group's members, all at version 2", converged(b, v2));
        for (String id : left) {
            assertEquals(id + " was provisioned by node-b", "node-b", tagsOf(id).path(GatedFlavorPlugin.NODE_TAG).asText());
        }
        assertEquals("node-a runs no group", 0, a.groupsRunning(client));
        assertEquals("node-b runs the group", 1, b.groupsRunning(client));

        Lifecycle.report("leader-fence.txt", List.of(String.format(
                "LeaderFenceIT: both nodes up in %d ms; node-b's first action %d ms after the switch; rollout done on node-b %d ms after "
                        + "the switch; %d file events; node-a's held Prepare refused",
                Lifecycle.millis(booted - start), Lifecycle.millis(firstB - switched), Lifecycle.millis(done - switched), all.size())));
    }

    /**
     * When node-b first acted: it created an instance file (tagged by its flavor), or drained an instance
     * (every Destroy follows a Drain).
     */
    private OptionalLong firstActionOf(String node, GatedFlavorPlugin flavor) {
        OptionalLong created = events.events().stream().filter(e -> e.created() && node.equals(e.tag(GatedFlavorPlugin.NODE_TAG)))
                .mapToLong(TimedInstanceEvents.Event::nanos).min();
        OptionalLong drained = flavor.calls("Drain").stream().mapToLong(GatedFlavorPlugin.Call::nanos).min();
        if (created.isPresent() && drained.isPresent()) {
            return OptionalLong.of(Math.min(created.getAsLong(), drained.getAsLong()));
        }
        return created.isPresent() ? created : drained;
    }

    private JsonNode commit(int version) throws Exception {
        return DistributionNode.call(client, a.group(), "Group.CommitGroup", "{\"Spec\":{\"ID\":\"" + GROUP + "\",\"Properties\":{"
                + "\"Allocation\":{\"Size\":" + SIZE + "},\"Update\":{\"MaxUnavailable\":1,\"MinHealthySeconds\":1},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"fence\"}},"
                + "\"Flavor\":{\"Plugin\":\"" + FLAVOR + "\",\"Properties\":{\"Version\":" + version + "}}}},\"Pretend\":false}");
    }

    /** The configuration hash every instance has once version 1 converged, or {@code ""} while they differ. */
    private String v1Config() throws IOException {
        Set<String> shas = new TreeSet<>();
        for (String id : InstanceFiles.ofGroup(instances(), GROUP)) {
            shas.add(tagsOf(id).path("infrakit.config_sha").asText());
        }
        return shas.size() == 1 ? shas.iterator().next() : "";
    }

    /** The configuration hash of the instances node-b provisions (version 2), once it has provisioned one. */
    private String v2Config() {
        return events.events().stream().filter(e -> e.created() && "node-b".equals(e.tag(GatedFlavorPlugin.NODE_TAG)))
                .map(e -> e.tag("infrakit.config_sha")).findFirst().orElse(null);
    }

    /** The node's DescribeGroup says converged with exactly the group's instance files, all at a configuration. */
    private boolean converged(DistributionNode node, String sha) throws Exception {
        if (sha.isEmpty()) {
            return false;
        }
        JsonNode description = DistributionNode.call(client, node.group(), "Group.DescribeGroup", "{\"ID\":\"" + GROUP + "\"}")
                .path("Description");
        Set<String> described = new TreeSet<>();
        for (JsonNode instance : description.path("Instances")) {
            if (!sha.equals(instance.path("Tags").path("infrakit.config_sha").asText())) {
                return false;
            }
            described.add(instance.path("ID").asText());
        }
        return description.path("Converged").asBoolean() && described.size() == SIZE
                && described.equals(InstanceFiles.ofGroup(instances(), GROUP));
    }

    private JsonNode tagsOf(String id) throws IOException {
        return JSON.readTree(instances().resolve(id).toFile()).path("Tags");
    }

    private Path instances() {
        return shared.resolve("instances");
    }

    /** The lines of a node's Karaf log that record an action of the group. */
    private static List<String> actionLines(DistributionNode node) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(node.karaf().karafLog(), StandardCharsets.UTF_8)) {
            if (ACTION_LINE.matcher(line).matches()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The time of a log line (Karaf writes local time, to the millisecond). */
    private static long logMillis(String line) {
        Matcher m = ACTION_LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException(line);
        }
        return LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    /** Switches the leader as an operator would, atomically so that no manager reads a half-written file. */
    private void writeLeader(String name) throws IOException {
        Path tmp = leaderFile.resolveSibling(".leader.tmp");
        Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, leaderFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
