package io.infrakit.instance.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;

import io.infrakit.rpc.docker.UnixDockerEngine;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerException;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The plugin against a real Docker engine, through the rpc bundle's Docker Engine client: {@code bash .ci/run}
 * starts one and sets {@value #ENV}, and {@code .ci/docker-image.sh} builds the image {@value #IMAGE} there (a
 * static busybox, no registry needed). Each test has a plugin name of its own, and its containers are removed
 * at the end, whatever happened.
 */
class DockerEngineIT {

    static final String ENV = "INFRAKIT_TEST_DOCKER_HOST";
    static final String IMAGE = "infrakit-test/busybox:1";
    private static final Map<String, String> TAGS = Map.of("infrakit.group", "it", "infrakit.config_sha", "sha-1");

    private static String host;
    private static UnixDockerEngine docker;

    private String name;
    private final List<DockerInstancePlugin> plugins = new ArrayList<>();
    private DockerInstancePlugin plugin;

    @BeforeAll
    static void engine() throws Exception {
        host = System.getenv(ENV);
        if (host == null || host.isBlank()) {
            fail(ENV + " is not set: DockerEngineIT needs a real Docker engine. Run `bash .ci/run`, which starts one on a temporary socket, "
                    + "sets " + ENV + " and builds the test image; or start one yourself (dockerd --host unix:///tmp/d/docker.sock --data-root /tmp/d/data "
                    + "--exec-root /tmp/d/exec --pidfile /tmp/d/docker.pid --iptables=false --bridge=none), build the image with "
                    + ENV + "=unix:///tmp/d/docker.sock bash .ci/docker-image.sh, and run with " + ENV + "=unix:///tmp/d/docker.sock");
        }
        docker = new UnixDockerEngine(Duration.ofSeconds(30));
        try {
            docker.call(host, "GET", "/images/" + IMAGE + "/json", null);
        } catch (DockerException e) {
            fail("The engine at " + host + " has no image " + IMAGE + " (" + e.getMessage() + "): build it with " + ENV + "=" + host + " bash .ci/docker-image.sh");
        }
    }

    @AfterAll
    static void close() {
        if (docker != null) {
            docker.close();
        }
    }

    @BeforeEach
    void start() {
        name = "it-docker-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        plugin = plugin(name, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(plugin::isFollowingEvents);
    }

    @AfterEach
    void cleanUp() throws Exception {
        plugins.forEach(DockerInstancePlugin::close);
        for (String label : List.of(ContainerLabels.PLUGIN + "=" + name, ContainerLabels.PROBE + "=" + name)) {
            for (JsonNode c : containers(label)) {
                docker.call(host, "DELETE", "/containers/" + c.path("Id").asText() + "?force=true&v=true", null);
            }
        }
    }

    private DockerInstancePlugin plugin(String pluginName, Duration grace) {
        DockerInstancePlugin p = new DockerInstancePlugin(pluginName, host, grace, Duration.ofSeconds(60), 20, docker, new WireJsonCodec());
        plugins.add(p);
        return p;
    }

    private static RawJson properties(String extra) {
        return new RawJson("{\"Image\":\"" + IMAGE + "\",\"Network\":\"none\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    private static InstanceSpec spec(RawJson properties, Map<String, String> tags, String init) {
        return new InstanceSpec(properties, tags, init, null, null);
    }

    /** Every container with the label {@code k=v}, running or not, as the engine lists it. */
    private static List<JsonNode> containers(String label) throws Exception {
        String filters = URLEncoder.encode("{\"label\":[\"" + label + "\"]}", StandardCharsets.UTF_8);
        List<JsonNode> found = new ArrayList<>();
        Json.mapper().readTree(docker.call(host, "GET", "/containers/json?all=true&filters=" + filters, null).json()).forEach(found::add);
        return found;
    }

    private static JsonNode inspect(String container) throws Exception {
        return Json.mapper().readTree(docker.call(host, "GET", "/containers/" + container + "/json", null).json());
    }

    private static boolean exists(String container) throws Exception {
        try {
            docker.call(host, "GET", "/containers/" + container + "/json", null);
            return true;
        } catch (DockerException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static List<String> ids(List<Description> described) {
        return described.stream().map(Description::id).toList();
    }

    @Test
    void anInstanceIsARunningContainerFoundByItsLabelsAndDestroyedWithIt() throws Exception {
        RawJson properties = properties("\"Env\":{\"GREETING\":\"hello\"},\"Labels\":{\"team\":\"blue\"},\"Memory\":\"64m\",\"CPUs\":0.5,"
                + "\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/scratch\"}]");
        String id = plugin.provision(spec(properties, TAGS, "echo \"$INFRAKIT_INSTANCE_ID says $GREETING\"\nexec sleep 600"));

        JsonNode c = inspect(id);
        assertEquals("/" + id, c.path("Name").asText());
        assertTrue(c.path("State").path("Running").asBoolean(), c.path("State").toString());
        assertEquals(IMAGE, c.path("Config").path("Image").asText());
        assertEquals(List.of("/bin/sh", "-c", "echo \"$INFRAKIT_INSTANCE_ID says $GREETING\"\nexec sleep 600"),
                Json.mapper().convertValue(c.path("Config").path("Cmd"), List.class));
        assertTrue(c.path("Config").path("Env").toString().contains("\"GREETING=hello\""), c.path("Config").path("Env").toString());
        assertEquals(64L * 1024 * 1024, c.path("HostConfig").path("Memory").asLong());
        assertEquals(500_000_000L, c.path("HostConfig").path("NanoCpus").asLong());
        assertEquals("none", c.path("HostConfig").path("NetworkMode").asText());
        assertEquals("tmpfs", c.path("HostConfig").path("Mounts").path(0).path("Type").asText());
        assertEquals("blue", c.path("Config").path("Labels").path("team").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> new String(docker.bytes(host, "GET", "/containers/" + id + "/logs?stdout=1"),
                StandardCharsets.UTF_8).contains(id + " says hello"));

        List<Description> described = plugin.describeInstances(Map.of("infrakit.group", "it"));
        assertEquals(List.of(id), ids(described));
        assertEquals(Map.of("infrakit.group", "it", "infrakit.config_sha", "sha-1", "team", "blue", "org.opencontainers.image.description",
                c.path("Config").path("Labels").path("org.opencontainers.image.description").asText()), described.get(0).tags(),
                "the container's labels: the tags, Labels and the image's, without the plugin's own");

        long start = System.nanoTime();
        plugin(name, Duration.ofSeconds(2)).destroy(id);
        // sleep as PID 1 ignores SIGTERM: the engine kills it after the grace period
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(exists(id), "removed");
        assertTrue(tookMillis >= 1_900 && tookMillis < 10_000, "waited for the grace period of 2 s: " + tookMillis + " ms");
        assertEquals(List.of(), plugin.describeInstances(Map.of("infrakit.group", "it")));
        PluginException again = assertThrows(PluginException.class, () -> plugin.destroy(id));
        assertEquals("Unknown instance " + id + ": no container " + id + " on the Docker engine at " + host, again.getMessage());
    }

    @Test
    void aContainerThatStopsOnTheSignalIsDestroyedAtOnce() throws Exception {
        String id = plugin.provision(spec(properties(""), TAGS, "trap 'echo bye; exit 0' TERM\nwhile true; do sleep 1 & wait $!; done"));
        await().atMost(Duration.ofSeconds(10)).until(() -> inspect(id).path("State").path("Running").asBoolean());
        long start = System.nanoTime();
        plugin.destroy(id);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 5_000, "took " + tookMillis + " ms");
        assertFalse(exists(id));
    }

    @Test
    void theEngineFiltersByLabelAndOnlyThisPluginsContainersAreListed() throws Exception {
        String a1 = plugin.provision(spec(properties(""), Map.of("infrakit.group", "a", "tier", "web"), "exec sleep 600"));
        String a2 = plugin.provision(spec(properties(""), Map.of("infrakit.group", "a", "tier", "db"), "exec sleep 600"));
        String b = plugin.provision(spec(properties(""), Map.of("infrakit.group", "b"), "exec sleep 600"));
        // a container with the same tags that is not the plugin's, and one of another plugin on the same engine
        String foreign = name + "-foreign";
        docker.call(host, "POST", "/containers/create?name=" + foreign, new RawJson("{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"sleep\",\"600\"],"
                + "\"Labels\":{\"infrakit.group\":\"a\",\"" + ContainerLabels.PROBE + "\":\"" + name + "\"},\"HostConfig\":{\"NetworkMode\":\"none\"}}"));
        docker.call(host, "POST", "/containers/" + foreign + "/start", null);
        DockerInstancePlugin other = plugin(name + "-other", Duration.ofSeconds(1));
        String others = other.provision(spec(properties(""), Map.of("infrakit.group", "a"), "exec sleep 600"));
        try {
            assertEquals(new TreeSet<>(List.of(a1, a2)), new TreeSet<>(ids(plugin.describeInstances(Map.of("infrakit.group", "a")))));
            assertEquals(List.of(a2), ids(plugin.describeInstances(Map.of("infrakit.group", "a", "tier", "db"))));
            assertEquals(List.of(b), ids(plugin.describeInstances(Map.of("infrakit.group", "b"))));
            assertEquals(new TreeSet<>(List.of(a1, a2, b)), new TreeSet<>(ids(plugin.describeInstances(null))));
            assertEquals(List.of(others), ids(other.describeInstances(Map.of("infrakit.group", "a"))));
            // the engine's own answer to the plugin's filter is the same set
            assertEquals(new TreeSet<>(List.of(a2)), new TreeSet<>(containers(ContainerLabels.PLUGIN + "=" + name).stream()
                    .filter(c -> "db".equals(c.path("Labels").path("tier").asText())).map(c -> c.path("Names").path(0).asText().substring(1)).toList()));
        } finally {
            other.destroy(others);
        }
    }

    @Test
    void aKilledContainerIsSignalledWithinASecondWithItsLastLinesAndRemoved() throws Exception {
        String id = plugin.provision(spec(properties(""), TAGS, "echo started; echo to stderr >&2\nexec sleep 600"));
        await().atMost(Duration.ofSeconds(10)).until(() -> new String(docker.bytes(host, "GET", "/containers/" + id + "/logs?stdout=1&stderr=1"),
                StandardCharsets.UTF_8).contains("to stderr"));
        long seq = plugin.changes(0, 0).seq();

        long killed = System.nanoTime();
        docker.call(host, "POST", "/containers/" + id + "/kill", null);
        InstanceChanges.Changes heard = plugin.changes(seq, 5000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertTrue(millis < 1000, "signalled " + millis + " ms after the kill");
        assertEquals(1, heard.changes().size(), heard.toString());
        InstanceChanges.Change gone = heard.changes().get(0);
        assertEquals(id, gone.instance());
        assertEquals(InstanceChanges.Kind.GONE, gone.kind());
        assertEquals("it", gone.tags().get("infrakit.group"));
        assertEquals("sha-1", gone.tags().get("infrakit.config_sha"));
        String head = "container " + id + " exited with code 137; its last lines:\n";
        assertTrue(gone.detail().startsWith(head), gone.detail());
        // both streams; the engine copies them apart, so two lines written at once may come in either order
        assertEquals(new TreeSet<>(List.of("started", "to stderr")), new TreeSet<>(List.of(gone.detail().substring(head.length()).split("\n"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !exists(id));
        assertEquals(List.of(), plugin.describeInstances(TAGS));
    }

    @Test
    void aContainerThatExitedIsNotListedAndIsRemovedByTheNextListingWithItsLastLines() throws Exception {
        // a plugin object that does not follow the events (and no other that does): only its listings notice
        plugin.close();
        DockerInstancePlugin deaf = plugin(name, Duration.ofSeconds(1));
        deaf.stopFollowingEvents();
        String lives = deaf.provision(spec(properties(""), TAGS, "exec sleep 600"));
        String exits = deaf.provision(spec(properties(""), TAGS, "echo cannot find my config; exit 3"));
        long seq = deaf.changes(0, 0).seq();
        await().atMost(Duration.ofSeconds(10)).until(() -> "exited".equals(inspect(exits).path("State").path("Status").asText()));

        assertEquals(List.of(lives), ids(deaf.describeInstances(TAGS)));
        assertFalse(exists(exits), "removed, not left to pile up");
        InstanceChanges.Change gone = deaf.changes(seq, 0).changes().get(0);
        assertEquals(exits, gone.instance());
        assertEquals("container " + exits + " exited with code 3; its last lines:\ncannot find my config", gone.detail());
    }

    @Test
    void validationRefusesWhatTheEngineRefusesInItsWords() throws Exception {
        plugin.validate(properties("\"Ports\":[{\"Container\":\"80/tcp\",\"HostPort\":18080,\"HostIP\":\"127.0.0.1\"}],\"Memory\":\"64m\""));
        String[][] refused = {
                {"{\"Image\":\"Bad!!\"}", "invalid reference format: repository name must be lowercase"},
                {"{\"Image\":\"" + IMAGE + "\",\"Ports\":[{\"Container\":\"80\",\"HostPort\":99999}]}", "invalid port specification: \"99999\""},
                {"{\"Image\":\"" + IMAGE + "\",\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/nonexistent/infrakit\",\"Target\":\"/data\"}]}",
                        "invalid mount config for type \"bind\": bind source path does not exist: /nonexistent/infrakit"},
                {"{\"Image\":\"" + IMAGE + "\",\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Target\":\"relative\"}]}",
                        "invalid mount config for type \"bind\": invalid mount path: 'relative' mount path must be absolute"},
                {"{\"Image\":\"" + IMAGE + "\",\"Memory\":\"1k\"}", "Minimum memory limit allowed is 6MB"},
        };
        for (String[] r : refused) {
            PluginException e = assertThrows(PluginException.class, () -> plugin.validate(new RawJson(r[0])), r[0]);
            assertEquals("instance-docker: the Docker engine at " + host + " refuses these properties: " + r[1], e.getMessage(), r[0]);
        }
        PluginException network = assertThrows(PluginException.class,
                () -> plugin.validate(new RawJson("{\"Image\":\"" + IMAGE + "\",\"Network\":\"infrakit-no-such-network\"}")));
        assertEquals("instance-docker: Properties.Network: network infrakit-no-such-network not found", network.getMessage());
        assertEquals(List.of(), containers(ContainerLabels.PROBE + "=" + name), "no throw-away container left");
    }

    @Test
    void anImageTheEngineDoesNotHaveIsAClearErrorUnderNeverAndAPullErrorOtherwise() throws Exception {
        String missing = "infrakit-test/no-such-image:" + name;
        PluginException validate = assertThrows(PluginException.class, () -> plugin.validate(new RawJson("{\"Image\":\"" + missing + "\",\"PullPolicy\":\"Never\"}")));
        String never = "instance-docker: the image " + missing + " is not on the Docker engine at " + host + " and PullPolicy is Never: build, load or pull it "
                + "there first (docker -H " + host + " pull " + missing + "), or set PullPolicy to IfNotPresent";
        assertEquals(never, validate.getMessage());
        PluginException provision = assertThrows(PluginException.class,
                () -> plugin.provision(spec(new RawJson("{\"Image\":\"" + missing + "\",\"PullPolicy\":\"Never\"}"), TAGS, "")));
        assertEquals(never, provision.getMessage());

        // IfNotPresent: valid (it would be pulled), and the pull's failure is the registry's (unreachable or no such repository)
        plugin.validate(new RawJson("{\"Image\":\"" + missing + "\"}"));
        PluginException pull = assertThrows(PluginException.class, () -> plugin.provision(spec(new RawJson("{\"Image\":\"" + missing + "\"}"), TAGS, "")));
        assertTrue(pull.getMessage().startsWith("instance-docker: cannot pull the image " + missing + " to the Docker engine at " + host + ": "), pull.getMessage());
        assertTrue(pull.getMessage().length() > ("instance-docker: cannot pull the image " + missing + " to the Docker engine at " + host + ": ").length() + 10,
                "with the engine's reason: " + pull.getMessage());
        assertEquals(List.of(), containers(ContainerLabels.PLUGIN + "=" + name));
    }
}
