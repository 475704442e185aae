package io.infrakit.manager.swarm;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.docker.DockerEngine;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.LeadershipListener;
import io.infrakit.spi.manager.StoredGroups;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Docker Swarm backend of the manager, as the original's {@code swarm} manager: a manager leads while
 * its node is the swarm's leader manager, and the groups are stored in the swarm spec's label
 * {@code infrakit}. Talks to the engine through the {@link DockerEngine} service and decodes with the
 * {@link JsonCodec} service, both from the rpc bundle; while either is missing the status is unknown and
 * the store cannot be used, and the backend resumes when they are back.
 */
@Component(service = {Leadership.class, GroupStore.class}, configurationPid = SwarmBackend.PID,
        property = Leadership.BACKEND_PROPERTY + "=" + SwarmBackend.NAME)
@Designate(ocd = SwarmBackend.Config.class)
public final class SwarmBackend implements Leadership, GroupStore {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.manager.swarm";

    /** The backend's name. */
    public static final String NAME = "swarm";

    /** Configuration of the swarm backend. */
    @ObjectClassDefinition(name = "InfraKit manager: Docker Swarm backend",
            description = "Leadership by the swarm's leader manager, groups stored in the swarm spec label infrakit.")
    public @interface Config {
        /** @return the engine's address */
        @AttributeDefinition(name = "Docker host", required = false,
                description = "The Docker engine's unix:// address. Empty: $DOCKER_HOST when it is a unix:// address, else unix:///var/run/docker.sock.")
        String host() default "";

        /** @return how often the engine is asked who leads */
        @AttributeDefinition(name = "Poll interval (ms)",
                description = "How often the engine is asked whether this node leads the swarm, while a manager takes part. The original asked every 5000.")
        long poll_interval_ms() default 1000;

        /** @return the API version of the paths, or empty */
        @AttributeDefinition(name = "Docker API version", required = false,
                description = "The Engine API version the paths name (for example 1.41, as /v1.41/info). Empty: unversioned paths, the engine's own version.")
        String api_version() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(SwarmBackend.class);

    private static final Pattern API_VERSION = Pattern.compile("\\d+\\.\\d+");

    private volatile DockerEngine engine;
    private volatile JsonCodec json;

    private final String host;
    private final String apiVersion;
    private final SwarmApi api;
    private final SwarmElections elections;
    private final SwarmStore store;

    /**
     * Creates the backend from its configuration (DS); the services come as references.
     *
     * @param config the configuration
     */
    @Activate
    public SwarmBackend(Config config) {
        this(config.host(), config.poll_interval_ms(), config.api_version(), System.getenv(), null, null);
    }

    /**
     * Creates the backend with its services given (tests, tools).
     *
     * @param host the engine's address; empty for the default ({@code $DOCKER_HOST} if unix://, else the usual socket)
     * @param pollMillis how often the engine is asked who leads
     * @param apiVersion the Engine API version of the paths ({@code 1.41}), or empty for unversioned paths
     * @param env the environment ({@code DOCKER_HOST})
     * @param engine the Docker Engine service
     * @param json the JSON codec service
     */
    public SwarmBackend(String host, long pollMillis, String apiVersion, Map<String, String> env, DockerEngine engine, JsonCodec json) {
        if (pollMillis < 10) {
            throw new IllegalArgumentException("poll.interval.ms must be at least 10, not " + pollMillis);
        }
        this.engine = engine;
        this.json = json;
        this.host = DockerEngine.host(host, env.get("DOCKER_HOST"));
        this.apiVersion = apiVersion == null ? "" : apiVersion.trim();
        String prefix = this.apiVersion.isEmpty() ? "" : "/v" + this.apiVersion;
        this.api = new SwarmApi(() -> this.engine, () -> this.json, this.host, prefix);
        this.elections = new SwarmElections(new LeaderProbe(() -> api), pollMillis);
        this.store = new SwarmStore(api);
        LOG.info("Swarm backend on the Docker engine at {}", this.host);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setEngine(DockerEngine engine) {
        this.engine = engine;
    }

    void unsetEngine(DockerEngine engine) {
        if (this.engine == engine) {
            this.engine = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec json) {
        this.json = json;
    }

    void unsetJson(JsonCodec json) {
        if (this.json == json) {
            this.json = null;
        }
    }

    /** Stops polling; managers still joined hear that the status is unknown. */
    @Deactivate
    public void close() {
        elections.stop();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Leads while this node is the swarm's leader manager; a follower is told the leader's hostname.
     * Closing the election stops the reports only: the swarm, not the manager, decides who leads.
     */
    @Override
    public Election join(String name, LeadershipListener listener) throws PluginException {
        checkConfiguration();
        return elections.join(name, listener);
    }

    @Override
    public StoredGroups load() throws PluginException {
        checkConfiguration();
        return store.load();
    }

    @Override
    public long save(String json, long expectedVersion) throws PluginException {
        checkConfiguration();
        return store.save(json, expectedVersion);
    }

    @Override
    public String toString() {
        return "swarm backend (Docker engine at " + host + ")";
    }

    private void checkConfiguration() throws PluginException {
        if (!host.startsWith(DockerEngine.UNIX)) {
            throw new PluginException("The swarm backend's Docker host " + host
                    + " is not supported: only unix:// addresses are (set host in etc/" + PID + ".cfg)");
        }
        if (!apiVersion.isEmpty() && !API_VERSION.matcher(apiVersion).matches()) {
            throw new PluginException("The swarm backend's api.version " + apiVersion + " is not an API version such as 1.41 (etc/" + PID + ".cfg)");
        }
    }
}
