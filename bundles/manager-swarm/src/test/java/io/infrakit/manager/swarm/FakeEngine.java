package io.infrakit.manager.swarm;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.docker.DockerException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A Docker engine in memory, answering the calls of the swarm backend as Docker 20.10 does (shapes copied
 * from a real engine's answers): this node's ID, nodes with their manager status, the swarm object with
 * its version, and updates refused when out of sequence.
 */
final class FakeEngine implements DockerEngine {

    /** A node: its hostname, whether it is a manager, whether it leads. */
    record Node(String hostname, boolean manager, boolean leader) {
    }

    static final String DOWN = "Cannot connect to the Docker engine at unix:///fake.sock: no such socket. Is the docker daemon running?";
    static final String WORKER = "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. "
            + "Please run this command on a manager node or promote the current node to a manager.";

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> updates = new CopyOnWriteArrayList<>();
    final Map<String, Node> nodes = new ConcurrentHashMap<>();
    volatile boolean down;
    volatile String self = "n1";
    volatile long index = 10;
    volatile String spec;
    /** Run once just before the next update is applied: another writer slipping in. */
    volatile Runnable beforeUpdate;
    /** Run once just after the next update is applied: another writer following at once. */
    volatile Runnable afterUpdate;

    FakeEngine(String spec) {
        this.spec = spec;
        nodes.put("n1", new Node("host-1", true, true));
    }

    @Override
    public synchronized RawJson call(String host, String method, String path, RawJson body) throws DockerException {
        calls.add(method + " " + path);
        if (down) {
            throw new DockerException(DockerException.NO_ANSWER, DOWN);
        }
        String route = path.replaceFirst("^/v1\\.41", "");
        if (method.equals("GET") && route.equals("/info")) {
            String state = self.isEmpty() ? "inactive" : "active";
            return new RawJson("{\"ID\":\"ENGINE\",\"Name\":\"" + (self.isEmpty() ? "lonely" : nodes.get(self).hostname()) + "\",\"Swarm\":{\"NodeID\":\""
                    + self + "\",\"NodeAddr\":\"127.0.0.1\",\"LocalNodeState\":\"" + state + "\",\"ControlAvailable\":" + !self.isEmpty()
                    + ",\"Error\":\"\",\"RemoteManagers\":null}}");
        }
        if (method.equals("GET") && route.startsWith("/nodes/")) {
            managerOnly();
            String id = route.substring("/nodes/".length());
            Node node = nodes.get(id);
            if (node == null) {
                throw new DockerException(404, "node " + id + " not found");
            }
            return new RawJson(node(id, node));
        }
        if (method.equals("GET") && route.equals("/nodes?filters=%7B%22role%22%3A%5B%22manager%22%5D%7D")) {
            managerOnly();
            return new RawJson(nodes.entrySet().stream().filter(e -> e.getValue().manager())
                    .map(e -> node(e.getKey(), e.getValue())).collect(Collectors.joining(",", "[", "]")));
        }
        if (method.equals("GET") && route.equals("/swarm")) {
            managerOnly();
            return new RawJson("{\"ID\":\"s5bnfjrokwa2uerpmazxhdlto\",\"Version\":{\"Index\":" + index + "},\"CreatedAt\":\"2026-11-22T00:27:11.229622708Z\","
                    + "\"Spec\":" + spec + ",\"RootRotationInProgress\":false,\"DefaultAddrPool\":null,\"SubnetSize\":24,\"DataPathPort\":4789,"
                    + "\"JoinTokens\":{\"Worker\":\"SWMTKN-1-w\",\"Manager\":\"SWMTKN-1-m\"}}");
        }
        if (method.equals("POST") && route.startsWith("/swarm/update?version=")) {
            managerOnly();
            Runnable other = beforeUpdate;
            beforeUpdate = null;
            if (other != null) {
                other.run();
            }
            long version = Long.parseLong(route.substring("/swarm/update?version=".length()));
            if (version != index) {
                throw new DockerException(500, "rpc error: code = Unknown desc = update out of sequence");
            }
            updates.add(body.json());
            spec = body.json();
            index += 3;
            Runnable next = afterUpdate;
            afterUpdate = null;
            if (next != null) {
                next.run();
            }
            return null;
        }
        throw new DockerException(404, "page not found");
    }

    /** Another writer changes the spec (its labels, or anything else). */
    synchronized void otherWriter(String newSpec) {
        spec = newSpec;
        index += 2;
    }

    int callCount() {
        return calls.size();
    }

    private void managerOnly() throws DockerException {
        if (self.isEmpty()) {
            throw new DockerException(503, "This node is not part of a swarm");
        }
        if (!nodes.get(self).manager()) {
            throw new DockerException(503, WORKER);
        }
    }

    private static String node(String id, Node node) {
        String status = node.manager()
                ? ",\"ManagerStatus\":{" + (node.leader() ? "\"Leader\":true," : "") + "\"Reachability\":\"reachable\",\"Addr\":\"127.0.0.1:2377\"}"
                : "";
        return "{\"ID\":\"" + id + "\",\"Version\":{\"Index\":9},\"Spec\":{\"Labels\":{},\"Role\":\"" + (node.manager() ? "manager" : "worker")
                + "\",\"Availability\":\"active\"},\"Description\":{\"Hostname\":\"" + node.hostname()
                + "\",\"Resources\":{\"NanoCPUs\":2000000000,\"MemoryBytes\":25276510208}},\"Status\":{\"State\":\"ready\",\"Addr\":\"127.0.0.1\"}"
                + status + "}";
    }
}
