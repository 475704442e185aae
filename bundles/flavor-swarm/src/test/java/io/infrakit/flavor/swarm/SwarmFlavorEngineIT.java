package io.infrakit.flavor.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.infrakit.rpc.docker.UnixDockerEngine;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerException;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

/**
 * The swarm flavor against a real Docker engine in swarm mode, through the rpc bundle's Docker Engine
 * client: {@code bash .ci/run} starts one and sets {@value #ENV}. The node's labels are put back as they
 * were.
 */
class SwarmFlavorEngineIT {

    static final String ENV = "INFRAKIT_TEST_DOCKER_HOST";
    static final String WORKER_ENV = "INFRAKIT_TEST_DOCKER_WORKER_HOST";
    static final String WORKER_LINK_ENV = "INFRAKIT_TEST_DOCKER_WORKER_LINK";

    private static String host;
    private static UnixDockerEngine docker;

    @BeforeAll
    static void engine() {
        host = System.getenv(ENV);
        if (host == null || host.isBlank()) {
            fail(ENV + " is not set: SwarmFlavorEngineIT needs a real Docker engine in swarm mode. Run `bash .ci/run`, which installs docker.io "
                    + "when missing, starts dockerd in swarm mode on a temporary socket and sets " + ENV + "; or start one yourself "
                    + "(dockerd --host unix:///tmp/d/docker.sock ...; docker -H unix:///tmp/d/docker.sock swarm init --advertise-addr 127.0.0.1) "
                    + "and run with " + ENV + "=unix:///tmp/d/docker.sock");
        }
        docker = new UnixDockerEngine(Duration.ofSeconds(10));
    }

    @AfterAll
    static void close() {
        if (docker != null) {
            docker.close();
        }
    }

    private static SwarmFlavor flavor(SwarmFlavor.Role role) {
        return new SwarmFlavor(role, host, null, new SwarmApi(() -> docker, WireJsonCodec::new));
    }

    private static JsonNode get(String path) throws Exception {
        return get(host, path);
    }

    private static JsonNode get(String engine, String path) throws Exception {
        return Json.mapper().readTree(docker.call(engine, "GET", path, null).json());
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            fail(variable + " is not set: this test needs the worker engine that `bash .ci/run` (.ci/docker-swarm.sh) starts "
                    + "beside the manager: a dockerd started with --label infrakit-link=<link> and joined to the swarm as a worker, "
                    + "INFRAKIT_TEST_DOCKER_WORKER_HOST its host and INFRAKIT_TEST_DOCKER_WORKER_LINK the link");
        }
        return value;
    }

    @Test
    void aWorkersScriptJoinsWithTheSwarmsRealTokenAtItsManager() throws Exception {
        JsonNode swarm = get("/swarm");
        String token = swarm.path("JoinTokens").path("Worker").asText();
        String addr = get("/info").path("Swarm").path("RemoteManagers").path(0).path("Addr").asText();
        assertTrue(token.startsWith("SWMTKN-1-"), token);

        InstanceSpec out = flavor(SwarmFlavor.Role.WORKER).prepare(new RawJson("{\"SwarmJoinIP\":\"127.0.0.1\"}"),
                new InstanceSpec(null, Map.of("infrakit.group", "workers"), "", null, null), Allocation.ofSize(1));
        assertTrue(out.init().contains("\ndocker swarm join --token '" + token + "' '" + addr + "'\n"), out.init());
        assertEquals(swarm.path("ID").asText(), out.tags().get("swarm-id"));
        assertEquals("swarm/" + swarm.path("ID").asText() + "/worker", out.tags().get("infrakit-link-context"));

        // a manager that is not the first joins with the manager token at SwarmJoinIP
        InstanceSpec manager = flavor(SwarmFlavor.Role.MANAGER).prepare(new RawJson("{\"SwarmJoinIP\":\"127.0.0.1\"}"),
                new InstanceSpec(null, null, "", "127.0.0.2", null), Allocation.ofLogicalIDs(java.util.List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")));
        assertTrue(manager.init().contains("docker swarm join --token '" + swarm.path("JoinTokens").path("Manager").asText() + "' '127.0.0.1:2377'"),
                manager.init());
    }

    @Test
    void aLinkNoNodeCarriesIsUnknownAndANodeLabelMakesItHealthy() throws Exception {
        SwarmFlavor worker = flavor(SwarmFlavor.Role.WORKER);
        String link = "it" + Long.toHexString(System.nanoTime());
        Description instance = new Description("instance-it", null, Map.of("infrakit-link", link));
        // the engine takes both filters (engine labels, node labels) and no node matches
        assertEquals(Health.UNKNOWN, worker.healthy(null, instance));
        assertEquals(Health.UNHEALTHY, worker.healthy(null, new Description("instance-untagged", null, Map.of())));

        // the engine's own node gets the link as a node label (engine labels are fixed at dockerd's start)
        String nodeId = get("/info").path("Swarm").path("NodeID").asText();
        JsonNode node = get("/nodes/" + nodeId);
        ObjectNode spec = ((ObjectNode) node.get("Spec")).deepCopy();
        JsonNode before = spec.get("Labels") == null ? null : spec.get("Labels").deepCopy();
        spec.withObject("/Labels").put("infrakit-link", link);
        docker.call(host, "POST", "/nodes/" + nodeId + "/update?version=" + node.path("Version").path("Index").asLong(), new RawJson(spec.toString()));
        try {
            assertEquals(Health.HEALTHY, worker.healthy(null, instance));
            // Drain finds it and asks the engine to remove it: a manager cannot be, and the engine's refusal comes back
            PluginException refused = assertThrows(PluginException.class, () -> worker.drain(null, instance));
            assertTrue(refused.getMessage().startsWith("Unable to remove swarm node " + nodeId + " of instance-it: "), refused.getMessage());
            assertTrue(refused.getMessage().contains("is a cluster manager and is a member of the raft cluster"), refused.getMessage());
            // as a manager it is left alone
            flavor(SwarmFlavor.Role.MANAGER).drain(null, instance);
            assertEquals(nodeId, get("/nodes/" + nodeId).path("ID").asText());
        } finally {
            JsonNode now = get("/nodes/" + nodeId);
            ObjectNode restore = ((ObjectNode) now.get("Spec")).deepCopy();
            if (before == null) {
                restore.remove("Labels");
            } else {
                restore.set("Labels", before);
            }
            docker.call(host, "POST", "/nodes/" + nodeId + "/update?version=" + now.path("Version").path("Index").asLong(), new RawJson(restore.toString()));
        }
        assertEquals(Health.UNKNOWN, worker.healthy(null, instance));
    }

    /**
     * The worker engine of {@code .ci/docker-swarm.sh}, started with the engine label
     * {@code infrakit-link=<link>} as the flavor's init script starts one, is found by that label (the
     * {@code label} filter, not {@code node.label}) and is Healthy; Drain removes its node from the swarm,
     * after which the link is Unknown.
     */
    @Test
    void aWorkerEngineIsFoundByItsEngineLabelAndDrainRemovesItsNode() throws Exception {
        String workerHost = required(WORKER_ENV);
        String link = required(WORKER_LINK_ENV);
        String workerNode = joinWorkerAfresh(workerHost, link);
        SwarmFlavor worker = flavor(SwarmFlavor.Role.WORKER);
        Description instance = new Description("instance-worker", null, Map.of("infrakit-link", link));
        assertEquals(link, get("/nodes/" + workerNode).path("Description").path("Engine").path("Labels").path("infrakit-link").asText(),
                "the worker's engine label");
        assertEquals(Health.HEALTHY, worker.healthy(null, instance));

        worker.drain(null, instance);

        DockerException gone = assertThrows(DockerException.class, () -> get("/nodes/" + workerNode));
        assertEquals(404, gone.status(), gone.getMessage());
        assertEquals(Health.UNKNOWN, worker.healthy(null, instance));
        PluginException again = assertThrows(PluginException.class, () -> worker.drain(null, instance));
        assertEquals("Unable to drain instance-worker: no swarm node has the label infrakit-link=" + link, again.getMessage());
    }

    /**
     * Makes the worker engine a fresh member of the swarm, whatever an earlier run left: it leaves, the
     * nodes of its link are removed from the swarm, and it joins with the swarm's worker token.
     *
     * @return the worker's new node ID
     */
    private static String joinWorkerAfresh(String workerHost, String link) throws Exception {
        if (!get(workerHost, "/info").path("Swarm").path("LocalNodeState").asText().equals("inactive")) {
            docker.call(workerHost, "POST", "/swarm/leave?force=true", null);
        }
        String filter = java.net.URLEncoder.encode("{\"label\":[\"infrakit-link=" + link + "\"]}", java.nio.charset.StandardCharsets.UTF_8);
        for (JsonNode node : get(host, "/nodes?filters=" + filter)) {
            docker.call(host, "DELETE", "/nodes/" + node.path("ID").asText() + "?force=true", null);
        }
        ObjectNode join = Json.mapper().createObjectNode();
        join.put("ListenAddr", "127.0.0.2:2377");
        join.put("AdvertiseAddr", "127.0.0.2");
        join.putArray("RemoteAddrs").add(get("/info").path("Swarm").path("NodeAddr").asText() + ":2377");
        join.put("JoinToken", get("/swarm").path("JoinTokens").path("Worker").asText());
        docker.call(workerHost, "POST", "/swarm/join", new RawJson(join.toString()));
        String nodeId = get(workerHost, "/info").path("Swarm").path("NodeID").asText();
        assertFalse(nodeId.isEmpty(), "the worker has a node ID once joined");
        return nodeId;
    }

    @Test
    void anEngineThatIsNotThereSurfacesItsError() {
        PluginException e = assertThrows(PluginException.class, () -> flavor(SwarmFlavor.Role.WORKER).healthy(
                new RawJson("{\"Docker\":{\"Host\":\"unix:///tmp/infrakit-no-such-engine.sock\"}}"),
                new Description("i", null, Map.of("infrakit-link", "x"))));
        assertEquals("Cannot connect to the Docker engine at unix:///tmp/infrakit-no-such-engine.sock: no such socket. Is the docker daemon running?",
                e.getMessage());
    }
}
