package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.PluginException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * Issue 5, end to end with the distribution as users run it: two Karaf processes unpacked from the
 * assembly's tar.gz, on one machine, configured as nodes {@code node-a} and {@code node-b} that share a
 * leader file, a store directory and the directory of the default file instance plugin (so that a new
 * leader finds the old leader's instances by their tags). Every call goes over the nodes' plugin sockets.
 *
 * <ol>
 * <li>The leader file names node-a: node-a leads, node-b does not and refuses a commit naming node-a.</li>
 * <li>{@code examples/cattle.json} committed to node-a converges to 5 instance files and is stored.</li>
 * <li>The leader file switched to node-b: the group moves to node-b's {@code group-stateless}, node-a's is
 * freed, and the 5 instances stay exactly the same (watched for the whole run: no instance is ever
 * created or destroyed beyond them).</li>
 * <li>node-b's process restarted: it leads again and resumes the group from the store, same 5 instances.</li>
 * <li>The group destroyed through node-b: no instance file left, and the store holds no group.</li>
 * </ol>
 *
 * <p>A plain JUnit 4 test (no Pax Exam): the test JVM is the client, the Karaf nodes are child processes.
 */
public class TwoNodesIT {

    /** System property (from Maven): the distribution's tar.gz. */
    static final String ASSEMBLY = "infrakit.itest.assembly.tar.gz";

    /** System property (from Maven): where the two nodes are unpacked ({@code a/}, {@code b/}), logs included. */
    static final String WORK_DIR = "infrakit.itest.two.nodes.dir";

    /** System property (optional): the JDK that runs Karaf; by default the test JVM's own. */
    static final String KARAF_JAVA_HOME = "infrakit.itest.karaf.java.home";

    private static final String GROUP = "cattle";

    /** Measured on two busy cores: first boot of both Karafs at once 8-23 s, a restart 3-9 s. */
    private static final Duration BOOT_WAIT = Duration.ofSeconds(90);

    /** Leadership and groups move within two poll intervals (200 ms here); convergence in a few checks. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /** How often the managers read the leader file, and the group plugin checks its groups, in this test. */
    private static final String POLL_MS = "200";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A node: its Karaf process, its plugins directory and the TCP ports Karaf listens on. */
    private record Node(String managerName, KarafProcess karaf, Path plugins, int sshPort, int rmiRegistryPort) {

        Path group() {
            return plugins.resolve("group");
        }

        Path stateless() {
            return plugins.resolve("group-stateless");
        }
    }

    private Path shared;
    private Path leaderFile;
    private Path storeDir;
    private InstanceFiles instances;
    private Node a;
    private Node b;
    private RpcClient client;

    /** Prints the end of both nodes' logs when the test fails (after {@link #tearDown}: the nodes are stopped). */
    @Rule
    public final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description description) {
            for (Node node : new Node[] {a, b}) {
                if (node != null) {
                    System.err.println(node.karaf().logs(400));
                }
            }
        }
    };

    @Before
    public void setUp() throws Exception {
        // short: socket paths are limited to 107 bytes
        shared = Files.createTempDirectory(Path.of("/tmp"), "ikit2n");
        leaderFile = shared.resolve("leader");
        storeDir = shared.resolve("configs");
        Files.writeString(leaderFile, "node-a\n", StandardCharsets.UTF_8);
        instances = new InstanceFiles(shared.resolve("instances"));
        client = new RpcClient(Duration.ofSeconds(10), Duration.ofMillis(500));

        Path work = Path.of(Lifecycle.required(WORK_DIR));
        Path assembly = Path.of(Lifecycle.required(ASSEMBLY));
        int[] ports = KarafProcess.freePorts(6);
        a = node("a", work, assembly, ports[0], ports[1], ports[2]);
        b = node("b", work, assembly, ports[3], ports[4], ports[5]);
    }

    /** Unpacks and configures one node; does not start it. */
    private Node node(String id, Path work, Path assembly, int sshPort, int rmiRegistryPort, int rmiServerPort)
            throws IOException, InterruptedException {
        String managerName = "node-" + id;
        Path plugins = shared.resolve(id);
        KarafProcess karaf = new KarafProcess(managerName, work.resolve(id), karafJavaHome(),
                Map.of("INFRAKIT_HOME", shared.resolve("home-" + id).toString()));
        karaf.unpack(assembly);

        karaf.configure("io.infrakit.rpc.cfg", "plugins.dir", plugins.toString());
        karaf.configure("io.infrakit.manager.cfg", "manager.name", managerName);
        karaf.configure("io.infrakit.manager.file.cfg", "leader.file", leaderFile.toString());
        karaf.configure("io.infrakit.manager.file.cfg", "store.dir", storeDir.toString());
        karaf.configure("io.infrakit.manager.file.cfg", "poll.interval.ms", POLL_MS);
        karaf.configure("io.infrakit.group.cfg", "poll.interval.ms", POLL_MS);
        karaf.configure("io.infrakit.instance.file-default.cfg", "dir", shared.resolve("instances").toString());

        // both Karafs run at once: every port of their own
        karaf.configure("org.apache.karaf.shell.cfg", "sshPort", Integer.toString(sshPort));
        karaf.configure("org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(rmiRegistryPort));
        karaf.configure("org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(rmiServerPort));
        // everything is in the distribution's system/: no remote repository, so nothing is fetched
        karaf.configure("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                Lifecycle.required("org.ops4j.pax.url.mvn.localRepository"));
        karaf.configure("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", "");
        return new Node(managerName, karaf, plugins, sshPort, rmiRegistryPort);
    }

    @After
    public void tearDown() throws Exception {
        List<Throwable> problems = new ArrayList<>();
        Thread stopA = new Thread(() -> stopQuietly(a, problems), "stop-node-a");
        stopA.start();
        stopQuietly(b, problems);
        stopA.join();
        if (client != null) {
            client.close();
        }
        if (instances != null) {
            instances.close();
        }
        if (shared != null) {
            KarafProcess.deleteTree(shared);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Stopping the nodes failed: " + problems, problems.get(0));
        }
    }

    private static void stopQuietly(Node node, List<Throwable> problems) {
        if (node == null) {
            return;
        }
        try {
            node.karaf().stop(STOP_WAIT);
        } catch (InterruptedException | RuntimeException e) {
            synchronized (problems) {
                problems.add(e);
            }
        }
    }

    @Test
    public void groupsFollowTheLeaderFileAndResumeFromTheStoreAfterARestart() throws Exception {
        // 1. Both nodes up; the leader file names node-a.
        long start = System.nanoTime();
        a.karaf().start();
        b.karaf().start();
        // the manager may answer (and lead) a moment before the group plugin it forwards to is up
        Await.until(BOOT_WAIT, "node-a's group and group-stateless sockets answer, and node-a leads",
                () -> isLeader(a) && groups(a.stateless()).isEmpty());
        Await.until(BOOT_WAIT, "node-b's group and group-stateless sockets answer, and node-b does not lead",
                () -> !isLeader(b) && groups(b.stateless()).isEmpty());
        assertEquals("the leader file is left as it was", "node-a", Files.readString(leaderFile).trim());
        for (Node node : List.of(a, b)) {
            Await.until(WAIT, node.managerName() + "'s ssh console and JMX registry listen on the ports given to it",
                    () -> listens(node.sshPort()) && listens(node.rmiRegistryPort()));
        }
        long booted = System.nanoTime();

        // 2. The tutorial group committed to the leader converges to 5 instance files, and is stored.
        String cattle = Files.readString(Path.of(Lifecycle.required(Lifecycle.EXAMPLES_DIR), "cattle.json"), StandardCharsets.UTF_8);
        JsonNode committed = call(a.group(), "Group.CommitGroup", "{\"Spec\":" + cattle + ",\"Pretend\":false}");
        assertEquals("Managing 5 instances", committed.path("Details").asText());
        Await.until(WAIT, "5 instance files, described as converged over node-a's group socket",
                () -> instances.ids().size() == 5 && converged(a.group()).equals(instances.ids()));
        Set<String> five = instances.ids();
        assertInstancesUnchanged(five);
        assertStored(JSON.readTree(cattle));
        assertEquals(Set.of(GROUP), groups(a.stateless()));

        PluginException refused = assertThrows(PluginException.class,
                () -> client.call(b.group(), "Group.CommitGroup", "{\"Spec\":" + cattle + ",\"Pretend\":false}"));
        assertTrue("node-b's refusal names the leader: " + refused.getMessage(), refused.getMessage().contains("node-a"));
        assertEquals("node-b's group plugin runs nothing", Set.of(), groups(b.stateless()));

        // 3. The leader file switched to node-b: the group moves, the instances stay the same five.
        List<Set<String>> otherSets = new ArrayList<>();
        long switched = System.nanoTime();
        writeLeader("node-b");
        Await.until(WAIT, "node-b leads and runs " + GROUP + " converged on the same 5 instances, node-a runs nothing",
                () -> {
                    sample(five, otherSets);
                    return isLeader(b) && !isLeader(a)
                            && groups(b.stateless()).equals(Set.of(GROUP)) && groups(a.stateless()).isEmpty()
                            && converged(b.group()).equals(five);
                });
        long moved = System.nanoTime();
        sample(five, otherSets);
        assertEquals("instance file sets other than the first five seen while the group moved", List.of(), otherSets);
        assertInstancesUnchanged(five);
        PluginException refusedByA = assertThrows(PluginException.class,
                () -> client.call(a.group(), "Group.CommitGroup", "{\"Spec\":" + cattle + ",\"Pretend\":false}"));
        assertTrue("node-a's refusal names the leader: " + refusedByA.getMessage(), refusedByA.getMessage().contains("node-b"));

        // 4. The leader restarted (same directories): it resumes the group from the store.
        long firstPid = b.karaf().pid();
        assertTrue("node-b stops by bin/stop within " + STOP_WAIT.toSeconds() + " s", b.karaf().stop(STOP_WAIT));
        assertFalse("node-a does not take over while the leader file names node-b", isLeader(a));
        assertEquals(Set.of(), groups(a.stateless()));
        assertEquals("stopping node-b destroyed no instance", five, instances.ids());

        long restarted = System.nanoTime();
        b.karaf().start();
        assertNotEquals("a new process", firstPid, b.karaf().pid());
        Await.until(BOOT_WAIT, "the restarted node-b leads and runs " + GROUP + " from the store, converged on the same 5",
                () -> {
                    sample(five, otherSets);
                    return isLeader(b) && groups(b.stateless()).equals(Set.of(GROUP)) && converged(b.group()).equals(five);
                });
        long resumed = System.nanoTime();
        sample(five, otherSets);
        assertEquals("instance file sets other than the first five seen around the restart", List.of(), otherSets);
        assertInstancesUnchanged(five);
        assertFalse(isLeader(a));
        assertEquals(Set.of(), groups(a.stateless()));
        JsonNode resumedSpec = call(b.stateless(), "Group.InspectGroups", "{}").path("Groups").path(0);
        assertEquals("the resumed spec " + resumedSpec, 5, resumedSpec.path("Properties").path("Allocation").path("Size").asInt());

        // 5. Destroyed through the leader: no instance left, nothing stored.
        assertEquals(JSON.readTree("{\"OK\":true}"), call(b.group(), "Group.DestroyGroup", "{\"ID\":\"" + GROUP + "\"}"));
        Await.until(WAIT, "no instance file left", () -> instances.ids().isEmpty());
        instances.assertComplete();
        assertEquals("instance files destroyed", five, new HashSet<>(instances.deleted()));
        assertEquals("instance files ever created", five, new HashSet<>(instances.created()));
        assertEquals(Set.of(), groups(b.stateless()));
        assertEquals(Set.of(), groups(a.stateless()));
        JsonNode stored = JSON.readTree(storeDir.resolve("global.config").toFile());
        assertTrue("no group in global.config: " + stored, stored.path("Groups").isEmpty());

        System.out.printf("TwoNodesIT: both nodes up in %d ms, group moved in %d ms, restarted leader resumed in %d ms, whole scenario %d ms%n",
                millis(start, booted), millis(switched, moved), millis(restarted, resumed), millis(start, System.nanoTime()));
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** Records the instance file set if it is not the expected one. */
    private void sample(Set<String> expected, List<Set<String>> others) throws IOException {
        Set<String> now = instances.ids();
        if (!now.equals(expected)) {
            others.add(now);
        }
    }

    /** The instance files are exactly {@code five}, and since the start no other was created and none deleted. */
    private void assertInstancesUnchanged(Set<String> five) throws IOException {
        instances.assertComplete();
        assertEquals("instance files now", five, instances.ids());
        Set<String> created = new TreeSet<>(instances.created());
        assertEquals("instance files ever created (file events)", five, created);
        assertEquals("instance files deleted (file events)", List.of(), instances.deleted());
    }

    /** global.config holds the group as committed, for the stateless group plugin. */
    private void assertStored(JsonNode spec) throws IOException {
        JsonNode stored = JSON.readTree(storeDir.resolve("global.config").toFile());
        JsonNode entry = stored.path("Groups").path(GROUP);
        assertEquals("stored in " + stored, "group-stateless", entry.path("Plugin").asText());
        assertEquals("stored in " + stored, spec, entry.path("Properties"));
        assertEquals("only " + GROUP + " is stored: " + stored, 1, stored.path("Groups").size());
    }

    /** Switches the leader as an operator would, atomically so that no manager reads a half-written file. */
    private void writeLeader(String name) throws IOException {
        Path tmp = leaderFile.resolveSibling(".leader.tmp");
        Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, leaderFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private boolean isLeader(Node node) throws PluginException, IOException {
        JsonNode answer = call(node.group(), "Manager.IsLeader", "{}").get("Leader");
        if (answer == null || !answer.isBoolean()) {
            throw new AssertionError(node.managerName() + " answered IsLeader without a boolean Leader: " + answer);
        }
        return answer.asBoolean();
    }

    /** The IDs of the groups a group plugin runs (InspectGroups). */
    private Set<String> groups(Path socket) throws PluginException, IOException {
        Set<String> ids = new TreeSet<>();
        for (JsonNode spec : call(socket, "Group.InspectGroups", "{}").path("Groups")) {
            ids.add(spec.path("ID").asText());
        }
        return ids;
    }

    /**
     * The IDs of the group's instances from DescribeGroup once it says converged and every instance
     * carries the group's tag; otherwise an empty set.
     */
    private Set<String> converged(Path socket) throws PluginException, IOException {
        JsonNode description = call(socket, "Group.DescribeGroup", "{\"ID\":\"" + GROUP + "\"}").path("Description");
        Set<String> ids = new TreeSet<>();
        if (!description.path("Converged").asBoolean()) {
            return ids;
        }
        for (JsonNode instance : description.path("Instances")) {
            assertEquals(instance.toString(), GROUP, instance.path("Tags").path("infrakit.group").asText());
            ids.add(instance.path("ID").asText());
        }
        return ids;
    }

    private static boolean listens(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        }
    }

    private JsonNode call(Path socket, String method, String params) throws PluginException, IOException {
        return JSON.readTree(client.call(socket, method, params));
    }

    /** The JDK for Karaf: Karaf 4.4 does not start on Java 24+. */
    private static Path karafJavaHome() {
        String configured = System.getProperty(KARAF_JAVA_HOME);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        int feature = Runtime.version().feature();
        if (feature >= 24) {
            throw new IllegalStateException("Karaf 4.4 does not run on Java " + feature + ": run the tests on JDK 17 or set -D"
                    + KARAF_JAVA_HOME);
        }
        return Path.of(System.getProperty("java.home"));
    }
}
