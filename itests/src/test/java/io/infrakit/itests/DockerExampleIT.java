package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infrakit.rpc.docker.UnixDockerEngine;
import io.infrakit.spi.docker.DockerException;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;

import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code examples/docker.json} as it is, on the distribution run as a process, against the real Docker engine
 * {@code bash .ci/run} starts ({@value #ENV}): the feature {@code infrakit-instance-docker} booted by
 * {@code featuresBoot}, its default configuration pointed at that engine. Five containers converge; one killed
 * through the engine's API is replaced (the others left alone) and its last lines are in Karaf's log; a commit
 * with a new {@code Env} rolls every container; the destroyed group leaves no container with the plugin's label,
 * running or not.
 *
 * <p>The example names {@code busybox:1.36}, which the engine cannot pull here (no registry): the test image of
 * {@code .ci/docker-image.sh} (a static busybox) is tagged under that name in the throw-away engine first, when
 * the engine does not have it, so the example runs without a change.
 */
public class DockerExampleIT {

    /** The engine's address, set by {@code .ci/run}. */
    static final String ENV = "INFRAKIT_TEST_DOCKER_HOST";

    private static final String TEST_IMAGE = "infrakit-test/busybox:1";
    private static final String PLUGIN_LABEL = "io.infrakit.plugin=instance-docker";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int SIZE = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String host;
    private static UnixDockerEngine docker;
    private static KarafNode node;
    private static JsonNode example;
    private static String group;

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @BeforeClass
    public static void startKaraf() throws Exception {
        host = System.getenv(ENV);
        if (host == null || host.isBlank()) {
            fail(ENV + " is not set: DockerExampleIT runs examples/docker.json against a real Docker engine. Run `bash .ci/run`, which starts "
                    + "one, sets " + ENV + " and builds the test image with .ci/docker-image.sh; or start one yourself and run "
                    + ENV + "=unix:///path/to/docker.sock bash .ci/docker-image.sh before the tests");
        }
        docker = new UnixDockerEngine(Duration.ofSeconds(30));
        if (!hasImage(TEST_IMAGE)) {
            fail("The engine at " + host + " has no image " + TEST_IMAGE + ": build it with " + ENV + "=" + host + " bash .ci/docker-image.sh");
        }
        example = JSON.readTree(Path.of(Lifecycle.required(Lifecycle.EXAMPLES_DIR), "docker.json").toFile());
        group = example.path("ID").asText();
        String image = example.path("Properties").path("Instance").path("Properties").path("Image").asText();
        if (!hasImage(image)) {
            int colon = image.lastIndexOf(':');
            docker.call(host, "POST", "/images/" + TEST_IMAGE + "/tag?repo=" + URLEncoder.encode(image.substring(0, colon), StandardCharsets.UTF_8)
                    + "&tag=" + URLEncoder.encode(image.substring(colon + 1), StandardCharsets.UTF_8), null);
        }
        removeContainers(); // a previous run's, if it was stopped half-way

        node = new KarafNode("docker-example", 200);
        Path features = node.distribution().resolve("etc/org.apache.karaf.features.cfg");
        Properties cfg = new Properties();
        cfg.load(new StringReader(Files.readString(features, StandardCharsets.UTF_8)));
        node.configure("org.apache.karaf.features.cfg", "featuresBoot", cfg.getProperty("featuresBoot").strip() + ", infrakit-instance-docker");
        node.configure("io.infrakit.instance.docker-default.cfg", "host", host);
        node.start();
        SocketFiles.awaitPresent(node.plugins().resolve("instance-docker"), WAIT);
    }

    @AfterClass
    public static void stopKaraf() throws Exception {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (docker != null) {
                removeContainers();
                docker.close();
            }
        }
    }

    @Test
    public void theExampleConvergesHealsRollsAndIsDestroyedWithoutATrace() throws Exception {
        String spec = JSON.writeValueAsString(example);
        assertEquals("Managing " + SIZE + " instances", node.commit(spec));
        Map<String, JsonNode> before = awaitConverged("hello");
        for (JsonNode c : before.values()) {
            assertEquals("demo", c.path("Labels").path("tier").asText());
            assertEquals("docker-heartbeat", c.path("Labels").path("example").asText());
        }

        // kill one through the engine, as `docker kill` does
        String victim = before.keySet().iterator().next();
        long killed = System.nanoTime();
        docker.call(host, "POST", "/containers/" + victim + "/kill", null);
        AtomicReference<Set<String>> now = new AtomicReference<>();
        Await.until(WAIT, "a container in place of " + victim, () -> {
            Map<String, JsonNode> running = running();
            now.set(running.keySet());
            return running.size() == SIZE && !running.containsKey(victim);
        });
        long healMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        Set<String> kept = new TreeSet<>(before.keySet());
        kept.remove(victim);
        assertTrue("the other four are the same containers: " + now.get(), now.get().containsAll(kept));
        Await.until(WAIT, victim + " removed, not left to pile up", () -> !exists(victim));
        Await.until(WAIT, "Karaf's log tells " + victim + " is gone with its last lines",
                () -> node.logs().contains("Instance " + victim + " is gone: container " + victim + " exited with code 137; its last lines:"));
        System.out.println("DockerExampleIT: a killed container was replaced " + healMillis + " ms after the kill");

        // roll to a new Env
        ObjectNode rolled = example.deepCopy();
        ((ObjectNode) rolled.path("Properties").path("Instance").path("Properties").path("Env")).put("GREETING", "hello again");
        node.commit(JSON.writeValueAsString(rolled));
        Map<String, JsonNode> after = awaitConverged("hello again");
        assertTrue("every container replaced: " + after.keySet(), after.keySet().stream().noneMatch(now.get()::contains));

        // destroy: nothing left, running or not
        assertTrue(node.destroy(group).path("OK").asBoolean());
        Await.until(WAIT, "no container with the label " + PLUGIN_LABEL + " left", () -> containers(PLUGIN_LABEL).isEmpty());
        assertFalse("the group is gone", node.runningGroups().contains(group));
    }

    /** Waits until the group is converged: its {@value #SIZE} containers running, each with {@code GREETING} set so. */
    private static Map<String, JsonNode> awaitConverged(String greeting) throws InterruptedException {
        AtomicReference<Map<String, JsonNode>> found = new AtomicReference<>();
        Await.until(WAIT, SIZE + " containers with GREETING=" + greeting + " and the group converged", () -> {
            Map<String, JsonNode> running = running();
            found.set(running);
            if (running.size() != SIZE || containers("infrakit.group=" + group).size() != SIZE) {
                return false;
            }
            for (String id : running.keySet()) {
                JsonNode env = inspect(id).path("Config").path("Env");
                if (!env.toString().contains("\"GREETING=" + greeting + "\"")) {
                    return false;
                }
            }
            return node.describe(group).path("Converged").asBoolean();
        });
        return found.get();
    }

    /** The group's running containers by name. */
    private static Map<String, JsonNode> running() throws Exception {
        Map<String, JsonNode> running = new TreeMap<>();
        for (JsonNode c : containers("infrakit.group=" + group)) {
            if ("running".equals(c.path("State").asText())) {
                running.put(c.path("Names").path(0).asText().substring(1), c);
            }
        }
        return running;
    }

    /** The containers with a label {@code k=v}, running or not. */
    private static List<JsonNode> containers(String label) throws Exception {
        String filters = URLEncoder.encode("{\"label\":[\"" + label + "\"]}", StandardCharsets.UTF_8);
        List<JsonNode> found = new ArrayList<>();
        JSON.readTree(docker.call(host, "GET", "/containers/json?all=true&filters=" + filters, null).json()).forEach(found::add);
        return found;
    }

    private static JsonNode inspect(String container) throws Exception {
        return JSON.readTree(docker.call(host, "GET", "/containers/" + container + "/json", null).json());
    }

    private static boolean exists(String container) throws Exception {
        try {
            inspect(container);
            return true;
        } catch (DockerException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static boolean hasImage(String image) throws DockerException {
        try {
            docker.call(host, "GET", "/images/" + image + "/json", null);
            return true;
        } catch (DockerException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static void removeContainers() throws Exception {
        for (JsonNode c : containers(PLUGIN_LABEL)) {
            docker.call(host, "DELETE", "/containers/" + c.path("Id").asText() + "?force=true&v=true", null);
        }
    }
}
