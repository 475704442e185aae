package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.awaitPluginSocket;
import static io.infrakit.itests.Lifecycle.millis;
import static io.infrakit.itests.Lifecycle.EXAMPLES_DIR;
import static io.infrakit.itests.Lifecycle.REPLACEMENT_TIMEOUT_MS;
import static io.infrakit.itests.Lifecycle.required;
import static io.infrakit.itests.ProcessInstances.pidOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.instance.Description;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The ZooKeeper flavor end to end in the distribution: {@code examples/zookeeper.json} committed as it is
 * through the {@code group} socket makes a three-member ensemble of local processes ({@code instance-process},
 * {@code flavor-zookeeper} in process mode, members on 127.0.0.1–3) whose members all serve; the leader's
 * process killed with SIGKILL is replaced by a new instance with the same logical ID, the other two are
 * left alone, and the ensemble serves again with the new member in it; destroying the group stops every
 * member. The server is ZooKeeper from Maven Central ({@code target/zookeeper-server}, copied by the
 * build), run as {@code java -cp <jars> QuorumPeerMain}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZookeeperEnsembleIT {

    /** System property (from Maven): the directory of the ZooKeeper server's jars. */
    private static final String ZOOKEEPER_LIB = "infrakit.itest.zookeeper.lib";

    private static final String GROUP = "zookeeper";
    private static final String FEATURE = "infrakit-flavor-zookeeper";

    /** The longest wait for the ensemble: three JVMs to start, elect a leader and sync, on two busy cores. */
    private static final Duration ENSEMBLE_WAIT = Duration.ofSeconds(120);

    /** The longest wait for the members' processes to end once their group is destroyed. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private static final Pattern MODE = Pattern.compile("^Mode: (\\w+)$", Pattern.MULTILINE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String REPORT = "zookeeper-ensemble.txt";

    @Inject
    private FeaturesService features;

    private RpcClient client;

    private Path processesDir;

    /** Every member process seen, so none outlives the test whatever happens. */
    private final Set<Long> pids = new HashSet<>();

    /**
     * The shipped assembly with the directories of this run, the process plugin's own directory and the
     * ZooKeeper flavor's server command pointed at the jars the build copied.
     *
     * @return the options
     * @throws IOException if the directories cannot be created
     */
    @Configuration
    public Option[] configuration() throws IOException {
        Path lib = Path.of(required(ZOOKEEPER_LIB)).toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String command = java + " -cp " + lib + "/* org.apache.zookeeper.server.quorum.QuorumPeerMain";
        if (command.split(" ").length != 4) {
            throw new IllegalStateException("The ZooKeeper command's words may hold no blank: " + command);
        }
        return Lifecycle.container(REPLACEMENT_TIMEOUT_MS, OptionUtils.combine(ProcessInstances.options(),
                editConfigurationFilePut("etc/io.infrakit.flavor.zookeeper-default.cfg", "zookeeper.command", command)));
    }

    @Before
    public void setUp() {
        processesDir = ProcessInstances.dir();
        client = new RpcClient(Duration.ofSeconds(30));
    }

    @After
    public void tearDown() {
        client.close();
        // Only when the test failed before the group was destroyed: members must not outlive the container.
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        try (Stream<Path> files = Files.walk(processesDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not remove " + processesDir + ": " + e);
        }
    }

    @Test
    public void ensembleOfLocalProcessesReplacesAKilledMemberAndServesAgain() throws Exception {
        features.installFeature(FEATURE);
        Path groupSocket = awaitPluginSocket("group");
        awaitPluginSocket("instance-process");
        GroupPlugin groups = client.connect(groupSocket, "", GroupPlugin.class);
        FlavorPlugin flavor = client.connect(awaitPluginSocket("flavor-zookeeper"), "", FlavorPlugin.class);

        String spec = Files.readString(Path.of(required(EXAMPLES_DIR), "zookeeper.json"), StandardCharsets.UTF_8);
        JsonNode flavorSpec = JSON.readTree(spec).path("Properties").path("Flavor");
        assertEquals("the example's flavor", "flavor-zookeeper", flavorSpec.path("Plugin").asText());
        RawJson flavorProperties = RawJson.of(flavorSpec.path("Properties").toString());
        int clientPort = flavorSpec.path("Properties").path("ClientPort").asInt();

        long committed = System.nanoTime();
        client.call(groupSocket, "Group.CommitGroup", "{\"Spec\":" + spec + ",\"Pretend\":false}");
        try {
            Map<String, String> members = awaitEnsemble(groups, flavor, flavorProperties, clientPort, Map.of());
            long formed = System.nanoTime();
            assertEquals("members by logical ID", Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"), members.keySet());

            String leader = leaderOf(members.keySet(), clientPort);
            String killed = members.get(leader);
            ProcessHandle process = ProcessHandle.of(pidOf(killed))
                    .orElseThrow(() -> new AssertionError("the leader's process (" + killed + ") is not running"));
            long kill = System.nanoTime();
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);

            Map<String, String> after = awaitEnsemble(groups, flavor, flavorProperties, clientPort, Map.of(leader, killed));
            long healed = System.nanoTime();
            assertNotEquals("the killed member was replaced by a new instance", killed, after.get(leader));
            for (String other : members.keySet()) {
                if (!other.equals(leader)) {
                    assertEquals("member " + other + " was left alone", members.get(other), after.get(other));
                }
            }
            Lifecycle.report(REPORT, List.of(
                    "zookeeper ensemble (3 local processes): commit to serving " + millis(formed - committed) + " ms",
                    "zookeeper ensemble: leader " + leader + " killed, replaced and serving again after " + millis(healed - kill) + " ms"));
        } finally {
            client.call(groupSocket, "Group.DestroyGroup", "{\"ID\":\"" + GROUP + "\"}");
        }

        Await.until(STOP_WAIT, "every member process stopped after DestroyGroup",
                () -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        for (String member : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
            assertFalse(member + " still answers after DestroyGroup", srvr(member, clientPort).isPresent());
        }
    }

    /**
     * Waits until the group has three instances that all serve as one ensemble: each answers {@code srvr}
     * as leader or follower, exactly one is the leader, and the flavor reports each Healthy over its socket.
     *
     * @param gone instance IDs by logical ID that must no longer be members
     * @return the members' instance IDs by logical ID
     */
    private Map<String, String> awaitEnsemble(GroupPlugin groups, FlavorPlugin flavor, RawJson flavorProperties,
            int clientPort, Map<String, String> gone) throws InterruptedException {
        AtomicReference<Map<String, String>> members = new AtomicReference<>();
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        try {
            Await.until(ENSEMBLE_WAIT, "three members serving as one ensemble", () -> ensembleServes(groups, flavor,
                    flavorProperties, clientPort, gone, members, seen));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + seen.get(), e);
        }
        return members.get();
    }

    /** One look at the group and its members for {@link #awaitEnsemble}; what it saw goes to {@code seen}. */
    private boolean ensembleServes(GroupPlugin groups, FlavorPlugin flavor, RawJson flavorProperties, int clientPort,
            Map<String, String> gone, AtomicReference<Map<String, String>> members, AtomicReference<String> seen)
            throws Exception {
        GroupDescription group = groups.describeGroup(GROUP);
        Map<String, String> byLogicalId = new TreeMap<>();
        List<String> modes = new ArrayList<>();
        for (Description instance : group.instances()) {
            byLogicalId.put(instance.logicalID(), instance.id());
            pids.add(pidOf(instance.id()));
            String mode = srvr(instance.logicalID(), clientPort).map(ZookeeperEnsembleIT::modeOf).orElse("no answer");
            Health health = flavor.healthy(flavorProperties, instance);
            modes.add(instance.logicalID() + "=" + instance.id() + ":" + mode + "/" + health);
            if (!(mode.equals("leader") || mode.equals("follower")) || health != Health.HEALTHY) {
                seen.set(modes.toString());
                return false;
            }
        }
        seen.set(modes.toString());
        boolean replaced = gone.entrySet().stream().noneMatch(e -> e.getValue().equals(byLogicalId.get(e.getKey())));
        long leaders = modes.stream().filter(m -> m.endsWith(":leader/HEALTHY")).count();
        if (group.instances().size() == 3 && byLogicalId.size() == 3 && replaced && leaders == 1) {
            members.set(byLogicalId);
            return true;
        }
        return false;
    }

    private static String leaderOf(Set<String> members, int clientPort) {
        List<String> leaders = members.stream()
                .filter(member -> srvr(member, clientPort).map(ZookeeperEnsembleIT::modeOf).orElse("").equals("leader"))
                .toList();
        assertEquals("one leader among " + members, 1, leaders.size());
        return leaders.get(0);
    }


    /** A member's answer to the four-letter word {@code srvr}, or nothing when it does not answer. */
    private static Optional<String> srvr(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (InputStream in = socket.getInputStream()) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String modeOf(String answer) {
        Matcher mode = MODE.matcher(answer);
        return mode.find() ? mode.group(1) : answer.strip();
    }
}
