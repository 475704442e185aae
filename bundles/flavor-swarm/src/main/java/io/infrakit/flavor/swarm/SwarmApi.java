package io.infrakit.flavor.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The few Docker Engine API calls the flavor makes, through the {@link DockerEngine} service, decoded by
 * the {@link JsonCodec} service into the records below (Go's field names; unknown fields are ignored).
 */
final class SwarmApi {

    /** {@code GET /info}, the part that matters. */
    record Info(SwarmInfo swarm) {
    }

    /** {@code Info.Swarm}: this node, its state, the managers it knows and the cluster. */
    record SwarmInfo(String nodeID, String localNodeState, List<Peer> remoteManagers, Cluster cluster) {

        boolean active() {
            return nodeID != null && !nodeID.isEmpty() && "active".equals(localNodeState);
        }
    }

    /** A manager of {@code Info.Swarm.RemoteManagers}. */
    record Peer(String nodeID, String addr) {
    }

    /** {@code Info.Swarm.Cluster}: present on managers. */
    record Cluster(String id) {
    }

    /** {@code GET /swarm}, the part that matters. */
    record Swarm(String id, JoinTokens joinTokens) {
    }

    /** {@code Swarm.JoinTokens}. */
    record JoinTokens(String worker, String manager) {
    }

    /** A node of {@code GET /nodes}. */
    record Node(String id) {
    }

    /** Engine labels ({@code dockerd --label}, {@code daemon.json} "labels"): what the init script sets. */
    static final String ENGINE_LABEL = "label";

    /** Node labels ({@code docker node update --label-add}). */
    static final String NODE_LABEL = "node.label";

    private final Supplier<DockerEngine> engine;
    private final Supplier<JsonCodec> json;

    SwarmApi(Supplier<DockerEngine> engine, Supplier<JsonCodec> json) {
        this.engine = engine;
        this.json = json;
    }

    Info info(String host) throws PluginException {
        return get(host, "/info", Info.class);
    }

    Swarm swarm(String host) throws PluginException {
        return get(host, "/swarm", Swarm.class);
    }

    /** {@code GET /nodes?filters={"<kind>":["<label>=<value>"]}}, URL-encoded. */
    List<Node> nodesWithLabel(String host, String kind, String label, String value) throws PluginException {
        String filter = "{\"" + kind + "\":[" + json().encode(label + "=" + value).json() + "]}";
        Node[] nodes = get(host, "/nodes?filters=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), Node[].class);
        return nodes == null ? List.of() : List.of(nodes);
    }

    /** {@code DELETE /nodes/<id>?force=true}: the engine's message when it refuses. */
    void removeNode(String host, String id) throws PluginException {
        engine().call(host, "DELETE", "/nodes/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?force=true", null);
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

    private <T> T get(String host, String path, Class<T> type) throws PluginException {
        RawJson answer = engine().call(host, "GET", path, null);
        try {
            return json().decode(answer, type);
        } catch (PluginException e) {
            throw new PluginException("The Docker engine at " + host + " answered GET " + path + " with unexpected JSON: " + e.getMessage(), e);
        }
    }
}
