package io.infrakit.manager.swarm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.infrakit.rpc.docker.UnixDockerEngine;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerException;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The swarm backend against a real Docker engine in swarm mode, through the rpc bundle's Docker Engine
 * client: {@code bash .ci/run} starts one and sets {@value #ENV}. The swarm's {@code infrakit} label is
 * put back as it was at the end.
 */
class SwarmEngineIT {

    static final String ENV = "INFRAKIT_TEST_DOCKER_HOST";

    private static String host;
    private static UnixDockerEngine docker;
    private static JsonNode originalLabel;

    private SwarmBackend backend;

    @BeforeAll
    static void engine() throws Exception {
        host = System.getenv(ENV);
        if (host == null || host.isBlank()) {
            fail(ENV + " is not set: SwarmEngineIT needs a real Docker engine in swarm mode. Run `bash .ci/run`, which installs docker.io "
                    + "when missing, starts dockerd in swarm mode on a temporary socket and sets " + ENV + "; or start one yourself "
                    + "(dockerd --host unix:///tmp/d/docker.sock ...; docker -H unix:///tmp/d/docker.sock swarm init --advertise-addr 127.0.0.1) "
                    + "and run with " + ENV + "=unix:///tmp/d/docker.sock");
        }
        docker = new UnixDockerEngine(Duration.ofSeconds(10));
        originalLabel = spec().path("Labels").get(SwarmStore.LABEL);
    }

    @AfterAll
    static void restore() throws Exception {
        if (docker == null) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            JsonNode swarm = swarm();
            ObjectNode spec = (ObjectNode) swarm.get("Spec");
            ObjectNode labels = spec.withObject("/Labels");
            if (originalLabel == null) {
                labels.remove(SwarmStore.LABEL);
            } else {
                labels.set(SwarmStore.LABEL, originalLabel);
            }
            try {
                docker.call(host, "POST", "/swarm/update?version=" + swarm.path("Version").path("Index").asLong(), new RawJson(spec.toString()));
                break;
            } catch (DockerException e) {
                if (attempt > 5) {
                    throw e;
                }
            }
        }
        docker.close();
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void theSwarmsLeaderManagerLeads() throws Exception {
        backend = new SwarmBackend(host, 100, "", Map.of(), docker, new WireJsonCodec());
        List<LeaderStatus> heard = new CopyOnWriteArrayList<>();
        Election election = backend.join("it-manager", heard::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        assertEquals(LeaderStatus.leader("it-manager"), heard.get(0), "heard " + heard);
        assertEquals(LeaderStatus.leader("it-manager"), election.status());

        // the engine agrees: this node is the leader manager
        JsonNode info = Json.mapper().readTree(docker.call(host, "GET", "/info", null).json());
        String nodeId = info.path("Swarm").path("NodeID").asText();
        JsonNode node = Json.mapper().readTree(docker.call(host, "GET", "/nodes/" + nodeId, null).json());
        assertTrue(node.path("ManagerStatus").path("Leader").asBoolean(), node.toString());

        // with the API version Debian's engine speaks, named in the paths
        SwarmBackend versioned = new SwarmBackend(host, 100, "1.41", Map.of(), docker, new WireJsonCodec());
        try {
            List<LeaderStatus> also = new CopyOnWriteArrayList<>();
            versioned.join("it-manager-2", also::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> !also.isEmpty());
            assertEquals(LeaderStatus.leader("it-manager-2"), also.get(0));
        } finally {
            versioned.close();
        }
        election.close();
    }

    @Test
    void anEngineThatIsNotThereIsUnknown() throws Exception {
        backend = new SwarmBackend("unix:///tmp/infrakit-no-such-engine.sock", 100, "", Map.of(), docker, new WireJsonCodec());
        List<LeaderStatus> heard = new CopyOnWriteArrayList<>();
        backend.join("it-manager", heard::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        assertEquals(LeaderStatus.unknown("Cannot connect to the Docker engine at unix:///tmp/infrakit-no-such-engine.sock: no such socket. "
                + "Is the docker daemon running?"), heard.get(0));
    }

    @Test
    void theGroupsRoundTripThroughTheSwarmLabel() throws Exception {
        backend = new SwarmBackend(host, 1000, "", Map.of(), docker, new WireJsonCodec());
        JsonNode specBefore = spec();
        StoredGroups start = backend.load();
        String first = SwarmBackendTest.GROUPS;
        long v1 = backend.save(first, start.version());
        assertEquals(swarm().path("Version").path("Index").asLong(), v1, "the version is the swarm's Version.Index");
        assertEquals(new StoredGroups(first, v1), backend.load());

        // the label, read with the engine API, is base64 of zlib-compressed JSON text: the text saved
        JsonNode specAfter = spec();
        String label = specAfter.path("Labels").path(SwarmStore.LABEL).asText();
        assertEquals(first, SwarmBackendTest.inflate(Base64.getDecoder().decode(label)));
        // and nothing else of the spec changed (durations in nanoseconds included)
        ((ObjectNode) specAfter.get("Labels")).remove(SwarmStore.LABEL);
        ObjectNode expected = specBefore.deepCopy();
        expected.withObject("/Labels").remove(SwarmStore.LABEL);
        assertEquals(expected, specAfter);
        assertTrue(specAfter.path("CAConfig").path("NodeCertExpiry").isIntegralNumber(), specAfter.toString());

        // a stale version is a conflict and changes nothing
        String second = "{\"Groups\":{\"pets\":{\"Plugin\":\"group-stateless\",\"Properties\":{\"ID\":\"pets\"}}}}";
        assertThrows(StoreConflictException.class, () -> backend.save(second, start.version()));
        long v2 = backend.save(second, v1);
        assertTrue(v2 > v1, v2 + " after " + v1);
        assertThrows(StoreConflictException.class, () -> backend.save(first, v1));
        assertEquals(new StoredGroups(second, v2), backend.load());

        // what the store counts on: the engine refuses an update from a stale version with this message
        DockerException stale = assertThrows(DockerException.class,
                () -> docker.call(host, "POST", "/swarm/update?version=" + v1, new RawJson(spec().toString())));
        assertTrue(stale.getMessage().contains("update out of sequence"), stale.getMessage());
        assertEquals(new StoredGroups(second, v2), backend.load());
    }

    private static JsonNode swarm() throws Exception {
        return Json.mapper().readTree(docker.call(host, "GET", "/swarm", null).json());
    }

    private static JsonNode spec() throws Exception {
        return swarm().get("Spec");
    }
}
