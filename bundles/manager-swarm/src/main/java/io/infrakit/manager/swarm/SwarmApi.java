package io.infrakit.manager.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.docker.DockerException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The few Docker Engine API calls the backend makes, through the {@link DockerEngine} service, with the
 * answers decoded by the {@link JsonCodec} service into the records below (Go's field names: a component
 * {@code nodeID} reads {@code NodeID}; unknown fields are ignored).
 */
final class SwarmApi {

    /** {@code GET /info}, the part that matters. */
    record Info(String name, SwarmInfo swarm) {
    }

    /** {@code Info.Swarm}: which node this engine is, and its state in the swarm. */
    record SwarmInfo(String nodeID, String localNodeState, Boolean controlAvailable, String error) {
    }

    /** A node of {@code GET /nodes}. */
    record Node(String id, NodeDescription description, ManagerStatus managerStatus) {

        boolean isLeader() {
            return managerStatus != null && Boolean.TRUE.equals(managerStatus.leader());
        }

        String hostname() {
            return description == null || description.hostname() == null || description.hostname().isBlank() ? null : description.hostname();
        }
    }

    /** {@code Node.Description}. */
    record NodeDescription(String hostname) {
    }

    /** {@code Node.ManagerStatus}: present on managers only; {@code Leader} is left out when false. */
    record ManagerStatus(Boolean leader, String reachability, String addr) {
    }

    /**
     * {@code GET /swarm}: the cluster object. The spec's top-level fields are kept as their exact JSON text,
     * so that an update sends back every field but the labels exactly as the engine gave it (nanosecond
     * durations and other 64-bit numbers included, and fields this code does not know).
     */
    record Swarm(String id, Version version, Map<String, RawJson> spec) {
    }

    /** A swarm object's version. */
    record Version(long index) {
    }

    /** The nodes whose role is manager: {@code GET /nodes?filters={"role":["manager"]}}. */
    private static final String MANAGERS = "/nodes?filters=" + URLEncoder.encode("{\"role\":[\"manager\"]}", StandardCharsets.UTF_8);

    private final Supplier<DockerEngine> engine;
    private final Supplier<JsonCodec> json;
    private final String host;
    private final String prefix;

    /**
     * @param engine the Docker Engine service, or {@code null} while there is none
     * @param json the JSON codec service, or {@code null} while there is none
     * @param host the engine's {@code unix://} address
     * @param prefix the API version prefix of every path ({@code /v1.41}), or {@code ""}
     */
    SwarmApi(Supplier<DockerEngine> engine, Supplier<JsonCodec> json, String host, String prefix) {
        this.engine = engine;
        this.json = json;
        this.host = host;
        this.prefix = prefix;
    }

    String host() {
        return host;
    }

    Info info() throws PluginException {
        return get("/info", Info.class);
    }

    Node node(String id) throws PluginException {
        return get("/nodes/" + URLEncoder.encode(id, StandardCharsets.UTF_8), Node.class);
    }

    List<Node> managers() throws PluginException {
        Node[] nodes = get(MANAGERS, Node[].class);
        return nodes == null ? List.of() : List.of(nodes);
    }

    Swarm swarm() throws PluginException {
        Swarm swarm = get("/swarm", Swarm.class);
        if (swarm == null || swarm.version() == null || swarm.spec() == null) {
            throw new PluginException("The Docker engine at " + host + " answered GET /swarm without the swarm's Version or Spec");
        }
        return swarm;
    }

    /**
     * {@code POST /swarm/update?version=N}: replaces the swarm's spec if the swarm is still at that version.
     *
     * @throws DockerException with the engine's message ({@code update out of sequence} when the version is stale)
     */
    void updateSwarm(long version, RawJson spec) throws PluginException {
        engine().call(host, "POST", prefix + "/swarm/update?version=" + version, spec);
    }

    JsonCodec json() throws PluginException {
        JsonCodec codec = json.get();
        if (codec == null) {
            throw new PluginException("No JSON codec service (the infrakit rpc bundle is not active)");
        }
        return codec;
    }

    private DockerEngine engine() throws PluginException {
        DockerEngine docker = engine.get();
        if (docker == null) {
            throw new PluginException("No Docker Engine service (the infrakit rpc bundle is not active)");
        }
        return docker;
    }

    private <T> T get(String path, Class<T> type) throws PluginException {
        RawJson answer = engine().call(host, "GET", prefix + path, null);
        try {
            return json().decode(answer, type);
        } catch (PluginException e) {
            throw new PluginException("The Docker engine at " + host + " answered GET " + prefix + path + " with unexpected JSON: " + e.getMessage(), e);
        }
    }
}
