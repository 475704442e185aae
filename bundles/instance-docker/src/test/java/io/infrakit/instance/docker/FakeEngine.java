package io.infrakit.instance.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.infrakit.rpc.wire.Json;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.docker.DockerException;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Docker engine in memory, answering the plugin's calls as Docker 20.10 does (shapes and messages copied from a
 * real engine's answers): containers with labels, states, output and the engine's label filter; images; networks;
 * pulls; and an event stream of {@code die} and {@code destroy}, delivered on a thread of its own per stream.
 */
final class FakeEngine implements DockerEngine {

    static final String HOST = "unix:///fake/docker.sock";

    /** A container: its creation body, state and output (stdout lines). */
    static final class Box {
        final String id;
        final String name;
        final JsonNode body;
        volatile String state = "created";
        volatile int exitCode;
        final List<String> output = new CopyOnWriteArrayList<>();

        Box(String id, String name, JsonNode body) {
            this.id = id;
            this.name = name;
            this.body = body;
        }

        Map<String, String> labels() {
            Map<String, String> labels = new LinkedHashMap<>();
            body.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            return labels;
        }
    }

    private record Subscriber(List<String> labels, List<String> actions, Consumer<RawJson> each, Consumer<Throwable> ended, ExecutorService delivery) {
    }

    final Map<String, Box> containers = new ConcurrentHashMap<>();
    final Set<String> images = ConcurrentHashMap.newKeySet();
    final Set<String> networks = ConcurrentHashMap.newKeySet();
    /** Images a pull finds in the registry; any other pull fails as a missing repository does. */
    final Set<String> registry = ConcurrentHashMap.newKeySet();
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** What the engine says of a creation body it refuses, or {@code null} to accept it. */
    volatile Function<JsonNode, String> refuse = body -> null;
    /** Run when a container is started, before it runs (a concurrent caller). */
    volatile Consumer<String> onStart = name -> { };
    /** While true, no event is delivered (a stream that misses them). */
    volatile boolean muted;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    FakeEngine() {
        networks.add("none");
        networks.add("host");
        networks.add("bridge");
    }

    @Override
    public RawJson call(String host, String method, String path, RawJson body) throws DockerException {
        return call(host, method, path, body, Duration.ofSeconds(10));
    }

    @Override
    public RawJson call(String host, String method, String path, RawJson body, Duration timeout) throws DockerException {
        calls.add(method + " " + path);
        String route = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Map<String, String> query = query(path);
        if (method.equals("GET") && route.equals("/containers/json")) {
            return list(query);
        }
        if (method.equals("POST") && route.equals("/containers/create")) {
            return create(query.get("name"), read(body.json()));
        }
        if (route.startsWith("/images/") && route.endsWith("/json")) {
            String image = URLDecoder.decode(route.substring("/images/".length(), route.length() - "/json".length()), StandardCharsets.UTF_8);
            if (!images.contains(image)) {
                throw new DockerException(404, "no such image: " + image + ": No such image: " + image);
            }
            return new RawJson("{\"Id\":\"sha256:1a4a\",\"RepoTags\":[\"" + image + "\"]}");
        }
        if (route.startsWith("/networks/")) {
            String network = URLDecoder.decode(route.substring("/networks/".length()), StandardCharsets.UTF_8);
            if (!networks.contains(network)) {
                throw new DockerException(404, "network " + network + " not found");
            }
            return new RawJson("{\"Name\":\"" + network + "\"}");
        }
        if (route.startsWith("/containers/")) {
            String[] parts = route.substring("/containers/".length()).split("/");
            Box box = box(parts[0]);
            String action = parts.length > 1 ? parts[1] : "";
            switch (method + " " + action) {
                case "GET json":
                    return inspect(box);
                case "POST start":
                    if (box.state.equals("running")) {
                        throw new DockerException(304, "");
                    }
                    onStart.accept(box.name);
                    box.state = "running";
                    return null;
                case "POST stop":
                    if (!box.state.equals("running")) {
                        throw new DockerException(304, "");
                    }
                    die(box, 0);
                    return null;
                case "DELETE ":
                    containers.remove(box.name);
                    event(box, "destroy");
                    return null;
                default:
                    break;
            }
        }
        throw new DockerException(404, "page not found: " + method + " " + path);
    }

    @Override
    public byte[] bytes(String host, String method, String path) throws DockerException {
        calls.add(method + " " + path);
        String route = path.substring(0, path.indexOf('?'));
        if (!route.endsWith("/logs")) {
            throw new DockerException(404, "page not found");
        }
        Box box = box(route.substring("/containers/".length(), route.length() - "/logs".length()));
        int tail = Integer.parseInt(query(path).getOrDefault("tail", "100000"));
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        List<String> lines = box.output.subList(Math.max(0, box.output.size() - tail), box.output.size());
        for (String line : lines) {
            byte[] payload = (line + "\n").getBytes(StandardCharsets.UTF_8);
            frames.write(new byte[] {1, 0, 0, 0, 0, 0, (byte) (payload.length >> 8), (byte) payload.length}, 0, 8);
            frames.write(payload, 0, payload.length);
        }
        return frames.toByteArray();
    }

    @Override
    public Closeable stream(String host, String method, String path, Consumer<RawJson> each, Consumer<Throwable> ended) throws DockerException {
        calls.add(method + " " + path);
        Map<String, String> query = query(path);
        if (method.equals("POST") && path.startsWith("/images/create?")) {
            String image = query.get("fromImage") + ":" + query.get("tag");
            ExecutorService delivery = Executors.newSingleThreadExecutor();
            delivery.execute(() -> {
                if (registry.contains(image)) {
                    each.accept(new RawJson("{\"status\":\"Pulling from library/busybox\",\"id\":\"1\"}"));
                    images.add(image);
                    each.accept(new RawJson("{\"status\":\"Status: Downloaded newer image for " + image + "\"}"));
                } else {
                    each.accept(new RawJson("{\"errorDetail\":{\"message\":\"manifest for " + image + " not found: manifest unknown\"},"
                            + "\"error\":\"manifest for " + image + " not found: manifest unknown\"}"));
                }
                ended.accept(null);
            });
            delivery.shutdown();
            return () -> { };
        }
        if (method.equals("GET") && path.startsWith("/events?")) {
            JsonNode filters = read(query.get("filters"));
            List<String> labels = new ArrayList<>();
            filters.path("label").forEach(l -> labels.add(l.asText()));
            List<String> actions = new ArrayList<>();
            filters.path("event").forEach(a -> actions.add(a.asText()));
            Subscriber s = new Subscriber(labels, actions, each, ended, Executors.newSingleThreadExecutor());
            subscribers.add(s);
            return () -> {
                subscribers.remove(s);
                s.delivery().shutdown();
            };
        }
        throw new DockerException(404, "page not found");
    }

    /** @return the number of event streams open now */
    int eventStreams() {
        return subscribers.size();
    }

    /** Ends every event stream as a broken connection does. */
    void breakEventStreams() {
        for (Subscriber s : subscribers) {
            subscribers.remove(s);
            s.delivery().execute(() -> s.ended().accept(new DockerException(DockerException.NO_ANSWER, "the Docker engine closed the connection")));
            s.delivery().shutdown();
        }
    }

    /** A container's process ends with this code, as {@code docker kill} (137) or its own exit does. */
    void exit(String name, int code) {
        die(containers.get(name), code);
    }

    /** A container made by someone else (a user's), running. */
    Box foreign(String name, Map<String, String> labels) {
        ObjectNode body = Json.mapper().createObjectNode().put("Image", "busybox:1.36");
        labels.forEach(body.putObject("Labels")::put);
        Box box = new Box(Integer.toString(ids.incrementAndGet()), name, body);
        box.state = "running";
        containers.put(name, box);
        return box;
    }

    private void die(Box box, int code) {
        box.exitCode = code;
        box.state = "exited";
        event(box, "die");
    }

    private void event(Box box, String action) {
        if (muted) {
            return;
        }
        Map<String, String> labels = box.labels();
        ObjectNode attributes = Json.mapper().createObjectNode();
        labels.forEach(attributes::put);
        attributes.put("image", box.body.path("Image").asText()).put("name", box.name);
        if (action.equals("die")) {
            attributes.put("exitCode", Integer.toString(box.exitCode));
        }
        ObjectNode event = Json.mapper().createObjectNode().put("status", action).put("id", box.id).put("from", box.body.path("Image").asText())
                .put("Type", "container").put("Action", action);
        event.putObject("Actor").put("ID", box.id).set("Attributes", attributes);
        event.put("scope", "local").put("time", 1796569508L).put("timeNano", 1796569508600140932L);
        for (Subscriber s : subscribers) {
            if (s.actions().contains(action) && matches(labels, s.labels())) {
                s.delivery().execute(() -> s.each().accept(new RawJson(event.toString())));
            }
        }
    }

    private RawJson list(Map<String, String> query) {
        List<String> labels = new ArrayList<>();
        read(query.get("filters")).path("label").forEach(l -> labels.add(l.asText()));
        ArrayNode answer = Json.mapper().createArrayNode();
        for (Box box : containers.values()) {
            if (!query.containsKey("all") && !box.state.equals("running")) {
                continue;
            }
            if (matches(box.labels(), labels)) {
                ObjectNode c = answer.addObject().put("Id", box.id);
                c.putArray("Names").add("/" + box.name);
                c.put("Image", box.body.path("Image").asText()).put("State", box.state).put("Status", box.state);
                c.set("Labels", box.body.path("Labels"));
            }
        }
        return new RawJson(answer.toString());
    }

    private RawJson create(String name, JsonNode body) throws DockerException {
        String refused = refuse.apply(body);
        if (refused != null) {
            throw new DockerException(400, refused);
        }
        String image = body.path("Image").asText();
        if (!images.contains(image)) {
            throw new DockerException(404, "No such image: " + image);
        }
        Box box = new Box(Integer.toString(ids.incrementAndGet()), name, body);
        if (containers.putIfAbsent(name, box) != null) {
            throw new DockerException(409, "Conflict. The container name \"/" + name + "\" is already in use by container \"" + containers.get(name).id
                    + "\". You have to remove (or rename) that container to be able to reuse that name.");
        }
        return new RawJson("{\"Id\":\"" + box.id + "\",\"Warnings\":[]}");
    }

    private static RawJson inspect(Box box) {
        ObjectNode c = Json.mapper().createObjectNode().put("Id", box.id).put("Name", "/" + box.name);
        ObjectNode config = c.putObject("Config").put("Image", box.body.path("Image").asText()).put("Tty", false);
        config.set("Labels", box.body.path("Labels"));
        c.putObject("State").put("Status", box.state).put("Running", box.state.equals("running")).put("OOMKilled", false)
                .put("ExitCode", box.exitCode).put("Error", "");
        return new RawJson(c.toString());
    }

    private Box box(String name) throws DockerException {
        Box box = containers.get(name);
        if (box == null) {
            throw new DockerException(404, "No such container: " + name);
        }
        return box;
    }

    private static boolean matches(Map<String, String> labels, List<String> filter) {
        for (String kv : filter) {
            String[] p = kv.split("=", 2);
            if (!labels.containsKey(p[0]) || (p.length == 2 && !p[1].equals(labels.get(p[0])))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> query(String path) {
        Map<String, String> query = new LinkedHashMap<>();
        int q = path.indexOf('?');
        if (q < 0) {
            return query;
        }
        for (String kv : path.substring(q + 1).split("&")) {
            String[] p = kv.split("=", 2);
            query.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
        return query;
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
