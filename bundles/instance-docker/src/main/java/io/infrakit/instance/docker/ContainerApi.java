package io.infrakit.instance.docker;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.docker.DockerException;

import java.io.Closeable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Docker Engine API calls of the plugin, through the {@link DockerEngine} service, with the answers decoded by
 * the {@link JsonCodec} service into the records below (Go's field names matched without regard to case; unknown
 * fields ignored). Paths are unversioned: the engine's own API version.
 */
final class ContainerApi {

    /** A container of {@code GET /containers/json}. */
    record Summary(String id, List<String> names, Map<String, String> labels, String state) {

        /** @return the container's name, without the engine's leading slash */
        String name() {
            String n = names == null || names.isEmpty() ? id : names.get(0);
            return n.startsWith("/") ? n.substring(1) : n;
        }
    }

    /** {@code GET /containers/{id}/json}, the parts that matter. */
    record Container(String id, String name, Config config, State state) {

        Map<String, String> labels() {
            return config == null || config.labels() == null ? Map.of() : config.labels();
        }

        boolean tty() {
            return config != null && Boolean.TRUE.equals(config.tty());
        }
    }

    /** {@code Container.Config}. */
    record Config(Map<String, String> labels, Boolean tty, String image) {
    }

    /** {@code Container.State}. */
    record State(String status, Boolean running, Boolean oomKilled, Integer exitCode, String error) {
    }

    /** A line of {@code POST /images/create}'s progress. */
    record PullProgress(String status, String error, ErrorDetail errorDetail) {

        /** @return the error this line reports, or {@code null} */
        String failure() {
            if (errorDetail != null && errorDetail.message() != null && !errorDetail.message().isBlank()) {
                return errorDetail.message();
            }
            return error == null || error.isBlank() ? null : error;
        }
    }

    /** {@code PullProgress.errorDetail}. */
    record ErrorDetail(String message) {
    }

    /** An event of {@code GET /events}. */
    record Event(String type, String action, Actor actor) {

        /** @return the container's name, from the event's attributes, or {@code null} */
        String name() {
            return actor == null || actor.attributes() == null ? null : actor.attributes().get("name");
        }
    }

    /** {@code Event.Actor}: the container's ID, and its labels among its attributes. */
    record Actor(String id, Map<String, String> attributes) {
    }

    private final Supplier<DockerEngine> engine;
    private final JsonCodecReference json;
    private final String host;

    /**
     * @param engine the Docker Engine service, or {@code null} while there is none
     * @param json the JSON codec
     * @param host the engine's {@code unix://} address
     */
    ContainerApi(Supplier<DockerEngine> engine, JsonCodecReference json, String host) {
        this.engine = engine;
        this.json = json;
        this.host = host;
    }

    String host() {
        return host;
    }

    /** @return whether the Docker Engine service is there now */
    boolean hasEngine() {
        return engine.get() != null;
    }

    JsonCodec json() throws PluginException {
        return json.get();
    }

    /**
     * The containers whose labels contain every {@code k=v} given, running or not.
     *
     * @param labels the label filter
     * @return the containers
     */
    List<Summary> list(List<String> labels) throws PluginException {
        String filters = json().encode(Map.of("label", labels)).json();
        Summary[] found = decode(engine().call(host, "GET", "/containers/json?all=true&filters=" + query(filters), null), Summary[].class, "GET /containers/json");
        return found == null ? List.of() : List.of(found);
    }

    /**
     * One container.
     *
     * @param name its name or ID
     * @return the container
     * @throws DockerException with status 404 when there is none
     */
    Container inspect(String name) throws PluginException {
        return decode(engine().call(host, "GET", "/containers/" + name + "/json", null), Container.class, "GET /containers/" + name + "/json");
    }

    /** Creates a container; its warnings are the engine's. @return the container's ID */
    String create(String name, Map<String, Object> body) throws PluginException {
        Summary created = decode(engine().call(host, "POST", "/containers/create?name=" + name, json().encode(body)), Summary.class, "POST /containers/create");
        return created == null ? null : created.id();
    }

    void start(String name) throws PluginException {
        try {
            engine().call(host, "POST", "/containers/" + name + "/start", null);
        } catch (DockerException e) {
            if (e.status() != 304) { // started already
                throw e;
            }
        }
    }

    /**
     * Stops a container: its stop signal, then SIGKILL after the grace period.
     *
     * @return {@code false} if there is no such container
     */
    boolean stop(String name, Duration grace) throws PluginException {
        try {
            // the call lasts as long as the container takes to stop: up to the grace period, and a margin
            engine().call(host, "POST", "/containers/" + name + "/stop?t=" + grace.toSeconds(), null, grace.plusSeconds(30));
            return true;
        } catch (DockerException e) {
            if (e.status() == 304) { // not running
                return true;
            }
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Removes a container, running or not, with its anonymous volumes.
     *
     * @return {@code false} if there was no such container
     */
    boolean remove(String name) throws PluginException {
        try {
            engine().call(host, "DELETE", "/containers/" + name + "?force=true&v=true", null);
            return true;
        } catch (DockerException e) {
            if (e.status() == 404) {
                return false;
            }
            if (e.status() == 409 && e.getMessage().contains("already in progress")) {
                return true;
            }
            throw e;
        }
    }

    /** The last {@code lines} lines of a container's output, as the engine answers them (see {@link LastLines}). */
    byte[] logs(String name, int lines) throws PluginException {
        return engine().bytes(host, "GET", "/containers/" + name + "/logs?stdout=1&stderr=1&tail=" + lines);
    }

    /** @return whether the engine has the image */
    boolean hasImage(String reference) throws PluginException {
        try {
            engine().call(host, "GET", "/images/" + ImageRef.inPath(reference) + "/json", null);
            return true;
        } catch (DockerException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Checks a network exists.
     *
     * @throws DockerException with the engine's words ({@code network x not found}) when it does not
     */
    void network(String name) throws PluginException {
        engine().call(host, "GET", "/networks/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), null);
    }

    /** Starts pulling an image; each line of progress, then the end, go to the consumers (see {@link DockerEngine#stream}). */
    Closeable pull(ImageRef image, Consumer<RawJson> each, Consumer<Throwable> ended) throws PluginException {
        return engine().stream(host, "POST", "/images/create?" + image.pullQuery(), each, ended);
    }

    /** Follows the events of the containers whose labels match, from now on (see {@link DockerEngine#stream}). */
    Closeable events(List<String> labels, List<String> actions, Consumer<RawJson> each, Consumer<Throwable> ended) throws PluginException {
        String filters = json().encode(Map.of("type", List.of("container"), "event", actions, "label", labels)).json();
        return engine().stream(host, "GET", "/events?filters=" + query(filters), each, ended);
    }

    <T> T decode(RawJson answer, Class<T> type, String call) throws PluginException {
        try {
            return json().decode(answer, type);
        } catch (PluginException e) {
            throw new PluginException("The Docker engine at " + host + " answered " + call + " with unexpected JSON: " + e.getMessage(), e);
        }
    }

    private DockerEngine engine() throws PluginException {
        DockerEngine docker = engine.get();
        if (docker == null) {
            throw new PluginException("No Docker Engine service (the infrakit rpc bundle is not active)");
        }
        return docker;
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
