package io.infrakit.flavor.swarm;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.docker.DockerException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Docker engine in memory: canned answers by {@code "METHOD path"} (shapes copied from a real Docker
 * 20.10 engine in swarm mode), errors as the engine sends them, and the calls made.
 */
final class FakeEngine implements DockerEngine {

    static final String SWARM_ID = "2ixg0dcx6z7u8wl7si0xjbvf6";
    static final String WORKER_TOKEN = "SWMTKN-1-4ngtjs3bud-1b2tk9q0kd";
    static final String MANAGER_TOKEN = "SWMTKN-1-4ngtjs3bud-03qsw3j0xi";
    static final String INFO = "{\"ID\":\"E\",\"Labels\":[],\"Swarm\":{\"NodeID\":\"mp8subhbeanhs8yqryb3fjs3a\",\"NodeAddr\":\"10.0.0.5\","
            + "\"LocalNodeState\":\"active\",\"ControlAvailable\":true,\"Error\":\"\",\"RemoteManagers\":[{\"NodeID\":\"mp8subhbeanhs8yqryb3fjs3a\","
            + "\"Addr\":\"10.0.0.5:2377\"}],\"Nodes\":1,\"Managers\":1,\"Cluster\":{\"ID\":\"" + SWARM_ID + "\",\"Version\":{\"Index\":10}}}}";
    static final String INACTIVE = "{\"ID\":\"E\",\"Swarm\":{\"NodeID\":\"\",\"NodeAddr\":\"\",\"LocalNodeState\":\"inactive\",\"ControlAvailable\":false,"
            + "\"Error\":\"\",\"RemoteManagers\":null}}";
    static final String SWARM = "{\"ID\":\"" + SWARM_ID + "\",\"Version\":{\"Index\":10},\"Spec\":{\"Name\":\"default\",\"Labels\":{}},"
            + "\"JoinTokens\":{\"Worker\":\"" + WORKER_TOKEN + "\",\"Manager\":\"" + MANAGER_TOKEN + "\"}}";
    static final String NOT_MANAGER = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> hosts = new CopyOnWriteArrayList<>();
    final Map<String, String> answers = new ConcurrentHashMap<>();
    final Map<String, DockerException> errors = new ConcurrentHashMap<>();

    FakeEngine() {
        answers.put("GET /info", INFO);
        answers.put("GET /swarm", SWARM);
    }

    /** The node list answered for a {@code filters} query: key {@code label} or {@code node.label}, value {@code k=v}. */
    FakeEngine nodes(String kind, String label, String json) {
        answers.put("GET /nodes?filters=" + java.net.URLEncoder.encode("{\"" + kind + "\":[\"" + label + "\"]}", java.nio.charset.StandardCharsets.UTF_8), json);
        return this;
    }

    @Override
    public RawJson call(String host, String method, String path, RawJson body) throws DockerException {
        String key = method + " " + path;
        calls.add(key);
        hosts.add(host);
        DockerException error = errors.get(key);
        if (error != null) {
            throw error;
        }
        if (path.startsWith("/nodes?filters=") && !answers.containsKey(key)) {
            return new RawJson("[]");
        }
        if (method.equals("DELETE") && !answers.containsKey(key)) {
            return null;
        }
        String answer = answers.get(key);
        if (answer == null) {
            throw new DockerException(404, "page not found");
        }
        return new RawJson(answer);
    }
}
