package io.infrakit.instance.docker;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.docker.DockerException;
import io.infrakit.spi.instance.ChangeLog;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Instances that are containers on a Docker Engine. The instance ID is the container's name
 * ({@code <plugin name>-<random>}); its tags are the container's labels, beside the plugin's own
 * ({@link ContainerLabels}), so a listing is a label filter the engine applies. {@code Init} is the container's
 * command ({@code /bin/sh -c <Init>}) when the properties give no {@code Cmd}. Only a running container is an
 * instance: one that exited, died or never started is not listed (its group replaces it) and is removed after its
 * last lines of output are logged and reported ({@link Departures}).
 *
 * <p>The plugin also says at once when a container of its own dies ({@link InstanceChanges}, fed by the engine's
 * event stream, {@link EngineEvents}), so its groups heal without waiting for their next poll. Registered as both
 * {@link InstancePlugin} and {@link InstanceChanges}, with the same {@code infrakit.plugin.name}.
 *
 * <p>The Docker Engine and JSON codec services (both of the rpc bundle) are dynamic, optional references:
 * updating the rpc bundle leaves this component as it is; calls made meanwhile fail with a clear error, and the
 * event stream is opened again on the new service.
 */
@Component(service = {InstancePlugin.class, InstanceChanges.class}, configurationPid = DockerInstancePlugin.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DockerInstancePlugin.Config.class, factory = true)
public final class DockerInstancePlugin implements InstancePlugin, InstanceChanges, AutoCloseable {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.instance.docker-<name>.cfg}. */
    public static final String PID = "io.infrakit.instance.docker";

    /** Configuration of one Docker instance plugin. */
    @ObjectClassDefinition(name = "InfraKit Docker instance plugin", description = "Instances that are containers on a Docker Engine.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, its socket's name, and the value of its containers' label io.infrakit.plugin.")
        String infrakit_plugin_name() default "instance-docker";

        /** @return the engine's address */
        @AttributeDefinition(name = "Docker host", required = false,
                description = "The Docker engine's unix:// address. Empty: $DOCKER_HOST when it is a unix:// address, else unix:///var/run/docker.sock.")
        String host() default "";

        /** @return the stop grace period */
        @AttributeDefinition(name = "Stop grace period (s)", description = "Seconds Destroy gives a container to stop after its stop signal, before SIGKILL.")
        int stop_grace_seconds() default 10;

        /** @return the longest pull */
        @AttributeDefinition(name = "Pull timeout (s)", description = "The longest an image pull may take.")
        int pull_timeout_seconds() default 600;

        /** @return how many lines of a gone container's output are kept */
        @AttributeDefinition(name = "Log lines", description = "How many of its last lines of output a container that stopped on its own is reported with.")
        int log_lines() default 20;
    }

    /** A container's name: what the engine accepts. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,200}");
    /** A state of a container that is an instance; every other (created, exited, dead, removing) is not. */
    private static final Set<String> ALIVE = Set.of("running", "paused", "restarting");

    private static final Logger LOG = LoggerFactory.getLogger(DockerInstancePlugin.class);

    private final String name;
    private final String namePrefix;
    private final Duration grace;
    private final JsonCodecReference json;
    private final ContainerApi api;
    private final Images images;
    private final EngineValidation validation;
    private final ChangeLog changes = new ChangeLog(1000);
    private final Departures departures;
    private final ScheduledExecutorService worker;
    private final EngineEvents events;
    /** Containers being provisioned: created, not yet started. */
    private final Set<String> provisioning = ConcurrentHashMap.newKeySet();
    /** Containers being destroyed. */
    private final Set<String> destroying = ConcurrentHashMap.newKeySet();
    private volatile DockerEngine engine;

    /**
     * Creates the plugin from its configuration (from DS); the services come as references.
     *
     * @param config its configuration
     */
    @Activate
    public DockerInstancePlugin(Config config) {
        this(config.infrakit_plugin_name(), DockerEngine.host(config.host(), System.getenv("DOCKER_HOST")), Duration.ofSeconds(Math.max(0, config.stop_grace_seconds())),
                Duration.ofSeconds(Math.max(1, config.pull_timeout_seconds())), config.log_lines(), null, null);
    }

    /**
     * Creates the plugin with its services given (tests, tools) and starts following the engine's events.
     *
     * @param name the plugin's name (also the value of its containers' label {@code io.infrakit.plugin})
     * @param host the engine's {@code unix://} address
     * @param grace how long Destroy lets a container stop before it is killed
     * @param pullTimeout the longest an image pull may take
     * @param logLines how many lines of output a gone container is reported with
     * @param engine the Docker Engine service, or {@code null} until {@link #setEngine} is called
     * @param json the JSON codec, or {@code null} until {@link #setJson} is called
     */
    public DockerInstancePlugin(String name, String host, Duration grace, Duration pullTimeout, int logLines, DockerEngine engine, JsonCodec json) {
        this.name = name;
        String prefix = name.replaceFirst("^_+", "");
        this.namePrefix = prefix.isEmpty() ? "infrakit" : prefix;
        this.grace = grace;
        this.engine = engine;
        this.json = new JsonCodecReference(json);
        this.api = new ContainerApi(() -> this.engine, this.json, host);
        this.images = new Images(api, pullTimeout);
        this.validation = new EngineValidation(api, images, name, namePrefix);
        this.departures = new Departures(api, changes, logLines);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "instance-docker " + name);
            t.setDaemon(true);
            return t;
        });
        this.events = new EngineEvents(api, List.of(ContainerLabels.PLUGIN + "=" + name), worker, this::onEvent, this::onReconnect);
        LOG.info("Docker instance plugin {} on the Docker engine at {}", name, host);
        events.connectSoon();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setEngine(DockerEngine engine) {
        this.engine = engine;
        events.connectSoon();
    }

    void unsetEngine(DockerEngine engine) {
        if (this.engine == engine) {
            this.engine = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec json) {
        this.json.bind(json);
    }

    void unsetJson(JsonCodec json) {
        this.json.unbind(json);
    }

    /**
     * Stops following the engine's events (containers are left as they are) and answers the callers waiting for changes
     * with a reset, so that they look the plugin up again.
     */
    @Deactivate
    @Override
    public void close() {
        stopFollowingEvents();
        changes.close();
    }

    /** Stops following the engine's events: from now on only the listings notice containers that died. */
    void stopFollowingEvents() {
        events.close();
        worker.shutdownNow();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks the properties' shape, then has the engine check the rest ({@link EngineValidation}).
     */
    @Override
    public void validate(RawJson properties) throws PluginException {
        validation.check(DockerProperties.parse(json.get(), properties));
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        InstanceSpec s = spec == null ? new InstanceSpec(null, null, null, null, null) : spec;
        DockerProperties p = DockerProperties.parse(json.get(), s.properties());
        ContainerLabels.checkKeys("tag", s.tags());
        images.ensure(p.image(), p.pullPolicy());
        String id = null;
        for (int attempt = 0; id == null; attempt++) {
            String candidate = namePrefix + "-" + random();
            provisioning.add(candidate);
            try {
                api.create(candidate, ContainerRequest.instance(p, s, candidate, name));
                id = candidate;
            } catch (DockerException e) {
                provisioning.remove(candidate);
                if (e.status() != 409 || attempt >= 9) {
                    throw new PluginException(DockerProperties.KIND + ": the Docker engine at " + api.host() + " cannot create the container: " + e.getMessage(), e);
                }
            } catch (PluginException | RuntimeException e) {
                provisioning.remove(candidate);
                throw e;
            }
        }
        try {
            api.start(id);
        } catch (PluginException e) {
            removeQuietly(id);
            throw new PluginException(DockerProperties.KIND + ": the Docker engine at " + api.host() + " cannot start the container " + id + ": " + e.getMessage(), e);
        } finally {
            provisioning.remove(id);
        }
        LOG.info("Provisioned {}: a container of {}", id, p.image());
        return id;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The engine cannot change the labels of a container: labels it has already are accepted, any other is
     * refused (destroy the instance and provision another).
     */
    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        Map<String, String> has = ours(instance).labels();
        if (labels == null) {
            return;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!label.getValue().equals(has.get(label.getKey()))) {
                throw new PluginException("Instance " + instance + " cannot be labelled " + label.getKey() + "=" + label.getValue()
                        + ": the Docker engine cannot change the labels of an existing container (destroy it and provision another)");
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Stops the container (its stop signal, SIGKILL after the grace period), then removes it with its anonymous
     * volumes. A name that is not a container of this plugin is {@code Unknown instance}.
     */
    @Override
    public void destroy(String instance) throws PluginException {
        ours(instance);
        destroying.add(instance);
        departures.settle(instance);
        try {
            api.stop(instance, grace);
            api.remove(instance);
        } finally {
            destroying.remove(instance);
        }
        LOG.info("Destroyed {}", instance);
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        List<String> filter = ContainerLabels.filter(name, tags);
        if (filter == null) {
            return List.of();
        }
        List<Description> found = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        for (ContainerApi.Summary c : api.list(filter)) {
            String id = c.name();
            if (provisioning.contains(id) || destroying.contains(id)) {
                continue;
            }
            if (ALIVE.contains(c.state())) {
                Map<String, String> labels = c.labels() == null ? Map.of() : c.labels();
                found.add(new Description(id, labels.get(ContainerLabels.LOGICAL_ID), ContainerLabels.tags(labels)));
            } else if (!"removing".equals(c.state())) {
                stopped.add(id);
            }
        }
        stopped.forEach(departures::stopped);
        found.sort(Comparator.comparing(Description::id));
        return found;
    }

    @Override
    public Changes changes(long after, long waitMillis) throws PluginException {
        try {
            return changes.since(after, waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for changes of " + name, e);
        }
    }

    /** @return whether the engine's event stream is followed now (tests wait for it) */
    boolean isFollowingEvents() {
        return events.isConnected();
    }

    private void onEvent(ContainerApi.Event event) {
        String id = event.name();
        if (id == null || provisioning.contains(id) || destroying.contains(id) || departures.isSettled(id)) {
            return;
        }
        switch (event.action() == null ? "" : event.action()) {
            case "die" -> departures.stopped(id);
            case "destroy" -> departures.removed(id, event.actor() == null ? null : event.actor().attributes());
            case "oom" -> LOG.warn("The kernel's OOM killer killed a process of instance {}", id);
            default -> LOG.debug("Ignoring event {} of {}", event.action(), id);
        }
    }

    private void onReconnect() {
        changes.record(new Change("", Map.of(), Kind.CHANGED, "the event stream of the Docker engine at " + api.host()
                + " was followed again: containers may have died meanwhile"));
    }

    /** The container of an instance ID from the wire, which must be one of this plugin's. */
    private ContainerApi.Container ours(String instance) throws PluginException {
        if (instance == null || !NAME.matcher(instance).matches()) {
            throw new PluginException("Invalid instance ID '" + instance + "': not a container name");
        }
        ContainerApi.Container c;
        try {
            c = api.inspect(instance);
        } catch (DockerException e) {
            if (e.status() == 404) {
                throw new PluginException("Unknown instance " + instance + ": no container " + instance + " on the Docker engine at " + api.host(), e);
            }
            throw e;
        }
        if (!name.equals(c.labels().get(ContainerLabels.PLUGIN))) {
            throw new PluginException("Unknown instance " + instance + ": the container " + instance + " on the Docker engine at " + api.host()
                    + " is not an instance of " + name + " (its label " + ContainerLabels.PLUGIN + " is " + c.labels().get(ContainerLabels.PLUGIN) + ")");
        }
        return c;
    }

    private void removeQuietly(String container) {
        try {
            api.remove(container);
        } catch (PluginException e) {
            LOG.warn("Cannot remove the container {}: {}", container, e.getMessage());
        }
    }

    static String random() {
        return Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    }
}
