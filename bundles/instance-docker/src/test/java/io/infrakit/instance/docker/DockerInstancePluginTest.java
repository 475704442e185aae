package io.infrakit.instance.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The plugin against an engine in memory ({@link FakeEngine}): what it asks of the engine, and what it makes of the answers. */
class DockerInstancePluginTest {

    private static final String IMAGE = "busybox:1.36";
    private static final RawJson PROPERTIES = new RawJson("{\"Image\":\"" + IMAGE + "\",\"Env\":{\"GREETING\":\"hello\"}}");
    private static final Map<String, String> TAGS = Map.of("infrakit.group", "web", "infrakit.config_sha", "abc=");

    private FakeEngine engine;
    private DockerInstancePlugin plugin;

    @BeforeEach
    void start() {
        engine = new FakeEngine();
        engine.images.add(IMAGE);
        plugin = plugin("instance-docker");
        await().atMost(Duration.ofSeconds(5)).until(plugin::isFollowingEvents);
    }

    @AfterEach
    void stop() {
        plugin.close();
    }

    private DockerInstancePlugin plugin(String name) {
        return new DockerInstancePlugin(name, FakeEngine.HOST, Duration.ofSeconds(3), Duration.ofSeconds(10), 20, engine, new WireJsonCodec());
    }

    private static InstanceSpec spec(RawJson properties, Map<String, String> tags, String init, String logicalID) {
        return new InstanceSpec(properties, tags, init, logicalID, null);
    }

    private static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void anInstanceIsARunningContainerNamedForThePluginWithItsTagsAsLabelsAndInitAsItsCommand() throws Exception {
        String id = plugin.provision(spec(PROPERTIES, TAGS, "echo hi\nsleep 1000", "10.0.0.7"));
        assertTrue(id.matches("instance-docker-[0-9a-z]+"), id);
        FakeEngine.Box box = engine.containers.get(id);
        assertEquals("running", box.state);
        assertEquals(List.of("/bin/sh", "-c", "echo hi\nsleep 1000"), list(box.body.path("Cmd")));
        assertTrue(box.body.path("Entrypoint").isMissingNode(), "the image's entrypoint: " + box.body);
        assertEquals(List.of("GREETING=hello", "INFRAKIT_INSTANCE_ID=" + id, "INFRAKIT_LOGICAL_ID=10.0.0.7"), list(box.body.path("Env")));
        assertEquals(Map.of("infrakit.group", "web", "infrakit.config_sha", "abc=", "io.infrakit.plugin", "instance-docker",
                "io.infrakit.logical-id", "10.0.0.7"), box.labels());

        assertEquals(List.of(new Description(id, "10.0.0.7", TAGS)), plugin.describeInstances(Map.of("infrakit.group", "web")));
        assertEquals(List.of(), plugin.describeInstances(Map.of("infrakit.group", "db")));
    }

    @Test
    void cmdInThePropertiesWinsOverInitAndEveryPropertyReachesTheEngine() throws Exception {
        RawJson properties = new RawJson("{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"httpd\",\"-f\"],\"Entrypoint\":[\"/bin/busybox\"],"
                + "\"Labels\":{\"team\":\"blue\",\"infrakit.group\":\"overridden\"},"
                + "\"Ports\":[{\"Container\":\"80\",\"HostPort\":8080,\"HostIP\":\"127.0.0.1\"},{\"Container\":\"53/udp\"}],"
                + "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/data\",\"ReadOnly\":true},{\"Type\":\"tmpfs\",\"Target\":\"/t\"}],"
                + "\"Network\":\"none\",\"Memory\":\"64m\",\"CPUs\":0.5}");
        String id = plugin.provision(spec(properties, TAGS, "never run", null));
        JsonNode body = engine.containers.get(id).body;
        assertEquals(List.of("httpd", "-f"), list(body.path("Cmd")));
        assertEquals(List.of("/bin/busybox"), list(body.path("Entrypoint")));
        assertEquals("blue", body.path("Labels").path("team").asText());
        assertEquals("web", body.path("Labels").path("infrakit.group").asText(), "the group's tag wins over Labels");
        assertFalse(body.path("Labels").has("io.infrakit.logical-id"), "cattle have no logical ID");
        assertEquals("{\"53/udp\":{},\"80/tcp\":{}}", body.path("ExposedPorts").toString());
        JsonNode host = body.path("HostConfig");
        assertEquals("{\"53/udp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}],\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}]}",
                host.path("PortBindings").toString());
        assertEquals("[{\"ReadOnly\":true,\"Source\":\"/srv\",\"Target\":\"/data\",\"Type\":\"bind\"},{\"Target\":\"/t\",\"Type\":\"tmpfs\"}]",
                host.path("Mounts").toString());
        assertEquals("none", host.path("NetworkMode").asText());
        assertEquals(64L * 1024 * 1024, host.path("Memory").asLong());
        assertEquals(500_000_000L, host.path("NanoCpus").asLong());

        String plain = plugin.provision(spec(new RawJson("{\"Image\":\"" + IMAGE + "\"}"), TAGS, "", null));
        assertTrue(engine.containers.get(plain).body.path("Cmd").isMissingNode(), "no Cmd, no Init: the image's command");
    }

    @Test
    void theLabelFilterIsTheEnginesAndOnlyThisPluginsContainersAreInstances() throws Exception {
        String mine = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        engine.foreign("users-own", Map.of("infrakit.group", "web", "infrakit.config_sha", "abc="));
        engine.foreign("another-plugins", Map.of("infrakit.group", "web", "io.infrakit.plugin", "instance-docker-2"));
        engine.calls.clear();

        assertEquals(List.of(mine), plugin.describeInstances(Map.of("infrakit.group", "web")).stream().map(Description::id).toList());
        String listing = engine.calls.get(0);
        assertTrue(listing.startsWith("GET /containers/json?all=true&filters="), listing);
        assertEquals("{\"label\":[\"io.infrakit.plugin=instance-docker\",\"infrakit.group=web\"]}",
                java.net.URLDecoder.decode(listing.substring(listing.indexOf("filters=") + 8), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of(mine), plugin.describeInstances(null).stream().map(Description::id).toList());
        // a tag no container can carry: nothing, without asking
        engine.calls.clear();
        assertEquals(List.of(), plugin.describeInstances(Map.of("a=b", "c")));
        assertEquals(List.of(), plugin.describeInstances(Map.of("io.infrakit.plugin", "instance-docker")));
        assertEquals(List.of(), engine.calls);
    }

    @Test
    void aContainerThatDiesIsReportedAtOnceWithItsLastLinesThenRemoved() throws Exception {
        String id = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        long seq = plugin.changes(0, 0).seq();
        FakeEngine.Box box = engine.containers.get(id);
        for (int i = 1; i <= 25; i++) {
            box.output.add("line " + i);
        }
        engine.exit(id, 137);

        InstanceChanges.Changes heard = plugin.changes(seq, 5000);
        assertEquals(1, heard.changes().size(), heard.toString());
        InstanceChanges.Change gone = heard.changes().get(0);
        assertEquals(id, gone.instance());
        assertEquals(InstanceChanges.Kind.GONE, gone.kind());
        assertEquals(TAGS, gone.tags());
        StringBuilder last = new StringBuilder("container " + id + " exited with code 137; its last lines:");
        for (int i = 6; i <= 25; i++) {
            last.append("\nline ").append(i);
        }
        assertEquals(last.toString(), gone.detail());
        await().atMost(Duration.ofSeconds(5)).until(() -> !engine.containers.containsKey(id));
        assertTrue(engine.calls.contains("GET /containers/" + id + "/logs?stdout=1&stderr=1&tail=20"), engine.calls.toString());
        assertEquals(List.of(), plugin.describeInstances(TAGS));
        // its destroy event is not another departure
        assertEquals(List.of(), plugin.changes(heard.seq(), 200).changes());
    }

    @Test
    void aStoppedContainerTheEventsMissedIsNotListedAndIsRemovedAndReportedByTheNextListing() throws Exception {
        String stays = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        String dies = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        long seq = plugin.changes(0, 0).seq();
        engine.muted = true;
        engine.containers.get(dies).output.add("panic: out of ideas");
        engine.exit(dies, 2);
        assertTrue(engine.containers.containsKey(dies), "nobody heard of it yet");

        assertEquals(List.of(stays), plugin.describeInstances(TAGS).stream().map(Description::id).toList());
        assertFalse(engine.containers.containsKey(dies), "removed");
        InstanceChanges.Change gone = plugin.changes(seq, 0).changes().get(0);
        assertEquals(dies, gone.instance());
        assertEquals("container " + dies + " exited with code 2; its last lines:\npanic: out of ideas", gone.detail());
        assertEquals(TAGS, gone.tags());
    }

    @Test
    void aContainerBeingProvisionedIsNeitherListedNorRemovedByAListingMeanwhile() throws Exception {
        AtomicReference<List<Description>> meanwhile = new AtomicReference<>();
        engine.onStart = name -> {
            try {
                meanwhile.set(plugin.describeInstances(TAGS));
            } catch (PluginException e) {
                throw new IllegalStateException(e);
            }
        };
        String id = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        assertEquals(List.of(), meanwhile.get(), "created, not started: not an instance yet");
        assertEquals("running", engine.containers.get(id).state, "and not removed as a stopped one");
        assertEquals(1, plugin.describeInstances(TAGS).size());
    }

    @Test
    void destroyStopsAndRemovesAndRefusesWhatIsNotAnInstanceOfThisPlugin() throws Exception {
        String id = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        long seq = plugin.changes(0, 0).seq();
        engine.calls.clear();
        plugin.destroy(id);
        assertEquals(List.of("GET /containers/" + id + "/json", "POST /containers/" + id + "/stop?t=3", "DELETE /containers/" + id + "?force=true&v=true"),
                engine.calls);
        assertFalse(engine.containers.containsKey(id));
        assertEquals(List.of(), plugin.changes(seq, 200).changes(), "its own destroy is no departure");

        PluginException unknown = assertThrows(PluginException.class, () -> plugin.destroy(id));
        assertEquals("Unknown instance " + id + ": no container " + id + " on the Docker engine at " + FakeEngine.HOST, unknown.getMessage());
        engine.foreign("users-own", Map.of("infrakit.group", "web"));
        PluginException foreign = assertThrows(PluginException.class, () -> plugin.destroy("users-own"));
        assertEquals("Unknown instance users-own: the container users-own on the Docker engine at " + FakeEngine.HOST
                + " is not an instance of instance-docker (its label io.infrakit.plugin is null)", foreign.getMessage());
        assertEquals("running", engine.containers.get("users-own").state, "left alone");
        PluginException invalid = assertThrows(PluginException.class, () -> plugin.destroy("../x"));
        assertEquals("Invalid instance ID '../x': not a container name", invalid.getMessage());
    }

    @Test
    void theImageIsPulledAsThePullPolicySays() throws Exception {
        engine.registry.add("busybox:1.37");
        String id = plugin.provision(spec(new RawJson("{\"Image\":\"busybox:1.37\"}"), TAGS, "", null));
        assertTrue(engine.calls.contains("POST /images/create?fromImage=busybox&tag=1.37"), engine.calls.toString());
        assertEquals("busybox:1.37", engine.containers.get(id).body.path("Image").asText());

        engine.calls.clear();
        plugin.provision(spec(new RawJson("{\"Image\":\"busybox:1.37\",\"PullPolicy\":\"IfNotPresent\"}"), TAGS, "", null));
        assertFalse(engine.calls.stream().anyMatch(c -> c.startsWith("POST /images/create")), "present: not pulled");
        plugin.provision(spec(new RawJson("{\"Image\":\"busybox:1.37\",\"PullPolicy\":\"Always\"}"), TAGS, "", null));
        assertTrue(engine.calls.contains("POST /images/create?fromImage=busybox&tag=1.37"), "Always: pulled again");

        PluginException never = assertThrows(PluginException.class,
                () -> plugin.provision(spec(new RawJson("{\"Image\":\"busybox:9\",\"PullPolicy\":\"Never\"}"), TAGS, "", null)));
        assertEquals("instance-docker: the image busybox:9 is not on the Docker engine at " + FakeEngine.HOST + " and PullPolicy is Never: "
                + "build, load or pull it there first (docker -H " + FakeEngine.HOST + " pull busybox:9), or set PullPolicy to IfNotPresent", never.getMessage());
        PluginException notFound = assertThrows(PluginException.class, () -> plugin.provision(spec(new RawJson("{\"Image\":\"busybox:9\"}"), TAGS, "", null)));
        assertEquals("instance-docker: cannot pull the image busybox:9 to the Docker engine at " + FakeEngine.HOST
                + ": manifest for busybox:9 not found: manifest unknown", notFound.getMessage());
        assertEquals(3, engine.containers.size(), "no container of an image that is not there");
    }

    @Test
    void validateChecksTheShapeItselfAndLeavesTheRestToTheEngineInItsWords() throws Exception {
        plugin.validate(PROPERTIES);
        assertEquals(List.of(), new ArrayList<>(engine.containers.keySet()), "the probe is removed");
        assertTrue(engine.calls.stream().anyMatch(c -> c.matches("POST /containers/create\\?name=instance-docker-validate-[0-9a-z]+")), engine.calls.toString());

        String[][] refused = {
                {"null", "instance-docker: Properties.Image is required: the image of the containers, for example busybox:1.36"},
                {"{\"Image\":\"x\",\"Evn\":{}}", "instance-docker: unknown key Properties.Evn: did you mean Env?"},
                {"{\"Image\":\"x\",\"Memory\":\"lots\"}", "instance-docker: Properties.Memory: 'lots' is not a size: write bytes (536870912) or a number with a unit (512m, 1.5g; k, m, g, t are powers of 1024)"},
                {"{\"Image\":\"x\",\"Memory\":-1}", "instance-docker: Properties.Memory: expected bytes (a whole number) or a size such as \"512m\", got -1"},
                {"{\"Image\":\"x\",\"Ports\":[{\"Container\":\"80/tcpx\"}]}", "instance-docker: Properties.Ports[0].Container '80/tcpx' is not a port with an optional protocol: 80, 80/tcp, 53/udp or 9/sctp"},
                {"{\"Image\":\"x\",\"Ports\":[{\"HostPort\":80}]}", "instance-docker: Properties.Ports[0].Container is required: the container's port, such as 80/tcp"},
                {"{\"Image\":\"x\",\"Ports\":[{\"Container\":\"80\",\"HostIP\":\"localhost\"}]}", "instance-docker: Properties.Ports[0].HostIP 'localhost' is not an IP address (a host name is not accepted by the engine)"},
                {"{\"Image\":\"x\",\"Env\":{\"INFRAKIT_INSTANCE_ID\":\"x\"}}", "instance-docker: Properties.Env.INFRAKIT_INSTANCE_ID is set by the plugin and cannot be overridden"},
                {"{\"Image\":\"x\",\"Labels\":{\"io.infrakit.plugin\":\"x\"}}", "instance-docker: Properties.Labels key 'io.infrakit.plugin' uses the prefix io.infrakit., which the plugin keeps for its own labels"},
                {"{\"Image\":\"x\",\"PullPolicy\":\"never\"}", "instance-docker: Properties.PullPolicy 'never' is not one of IfNotPresent (the default), Always, Never"},
                {"{\"Image\":\"x\",\"Mounts\":[{\"Source\":\"/srv\"}]}", "instance-docker: Properties.Mounts[0] needs a Type (bind, volume or tmpfs) and a Target (the path in the container)"},
        };
        for (String[] r : refused) {
            PluginException e = assertThrows(PluginException.class, () -> plugin.validate(new RawJson(r[0])), r[0]);
            assertEquals(r[1], e.getMessage(), r[0]);
        }
        plugin.validate(new RawJson("{\"Image\":\"x\",\"Ports\":[{\"Container\":\"80\",\"HostIP\":\"::1\"},{\"Container\":\"81\",\"HostIP\":\"10.1.2.3\"}]}"));

        engine.refuse = body -> body.path("HostConfig").has("PortBindings") ? "invalid port specification: \"99999\"" : null;
        PluginException port = assertThrows(PluginException.class, () -> plugin.validate(new RawJson("{\"Image\":\"" + IMAGE + "\",\"Ports\":[{\"Container\":\"80\",\"HostPort\":99999}]}")));
        assertEquals("instance-docker: the Docker engine at " + FakeEngine.HOST + " refuses these properties: invalid port specification: \"99999\"", port.getMessage());

        PluginException network = assertThrows(PluginException.class, () -> plugin.validate(new RawJson("{\"Image\":\"" + IMAGE + "\",\"Network\":\"nonet\"}")));
        assertEquals("instance-docker: Properties.Network: network nonet not found", network.getMessage());
        assertEquals(List.of(), new ArrayList<>(engine.containers.keySet()), "no probe left behind");
    }

    @Test
    void aMissingImageIsAValidationErrorUnderNeverOnly() throws Exception {
        plugin.validate(new RawJson("{\"Image\":\"busybox:9\"}"));
        plugin.validate(new RawJson("{\"Image\":\"busybox:9\",\"PullPolicy\":\"Always\"}"));
        PluginException never = assertThrows(PluginException.class, () -> plugin.validate(new RawJson("{\"Image\":\"busybox:9\",\"PullPolicy\":\"Never\"}")));
        assertTrue(never.getMessage().startsWith("instance-docker: the image busybox:9 is not on the Docker engine at "), never.getMessage());
        assertFalse(engine.calls.stream().anyMatch(c -> c.startsWith("POST /images/create")), "Validate pulls nothing");
    }

    @Test
    void labelAcceptsTheLabelsAContainerHasAndRefusesOthers() throws Exception {
        String id = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        plugin.label(id, Map.of("infrakit.group", "web"));
        PluginException e = assertThrows(PluginException.class, () -> plugin.label(id, Map.of("infrakit.group", "db")));
        assertEquals("Instance " + id + " cannot be labelled infrakit.group=db: the Docker engine cannot change the labels of an existing container "
                + "(destroy it and provision another)", e.getMessage());
    }

    @Test
    void tagsThatCannotBeLabelsAreRefused() {
        PluginException e = assertThrows(PluginException.class, () -> plugin.provision(spec(PROPERTIES, Map.of("io.infrakit.logical-id", "x"), "", null)));
        assertEquals("instance-docker: tag 'io.infrakit.logical-id' uses the prefix io.infrakit., which the plugin keeps for its own labels", e.getMessage());
        assertTrue(engine.containers.isEmpty());
    }

    @Test
    void aBrokenEventStreamIsFollowedAgainAndGroupsAreToldToDescribeEverything() throws Exception {
        long seq = plugin.changes(0, 0).seq();
        engine.breakEventStreams();
        InstanceChanges.Changes heard = plugin.changes(seq, 5000);
        assertEquals(1, heard.changes().size(), heard.toString());
        InstanceChanges.Change any = heard.changes().get(0);
        assertEquals("", any.instance());
        assertEquals(Map.of(), any.tags(), "no tags: every group");
        assertEquals(InstanceChanges.Kind.CHANGED, any.kind());
        assertEquals(1, engine.eventStreams());

        // and it is the new stream that reports
        String id = plugin.provision(spec(PROPERTIES, TAGS, "", null));
        engine.exit(id, 1);
        InstanceChanges.Change gone = plugin.changes(heard.seq(), 5000).changes().get(0);
        assertEquals(id, gone.instance());
    }

    @Test
    void closingThePluginStopsFollowingTheEventsAndSendsItsWaitersToLookItUpAgain() throws Exception {
        long seq = plugin.changes(0, 0).seq();
        plugin.close();
        assertEquals(0, engine.eventStreams());
        assertFalse(plugin.isFollowingEvents());
        assertTrue(plugin.changes(seq, InstanceChanges.MAX_WAIT_MILLIS).reset(), "answered at once, with a reset");
    }

    @Test
    void withoutTheEngineServiceCallsFailClearlyAndEventsAreFollowedOnceItComes() throws Exception {
        DockerInstancePlugin late = new DockerInstancePlugin("late", FakeEngine.HOST, Duration.ofSeconds(1), Duration.ofSeconds(1), 20, null, new WireJsonCodec());
        try {
            PluginException e = assertThrows(PluginException.class, () -> late.describeInstances(null));
            assertEquals("No Docker Engine service (the infrakit rpc bundle is not active)", e.getMessage());
            assertFalse(late.isFollowingEvents());
            late.setEngine(engine);
            await().atMost(Duration.ofSeconds(5)).until(late::isFollowingEvents);
            assertEquals(List.of(), late.describeInstances(null));
        } finally {
            late.close();
        }
    }
}
