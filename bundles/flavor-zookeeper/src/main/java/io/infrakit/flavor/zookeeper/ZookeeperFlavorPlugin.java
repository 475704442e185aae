package io.infrakit.flavor.zookeeper;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ZooKeeper flavor: every instance of a group is a member of one ZooKeeper ensemble whose members
 * are the group's logical IDs (IPv4 addresses). Prepare <em>replaces</em> the init script (as the
 * original) with one that configures and starts the member (apt, docker or a local process) and tags
 * the instance with its {@code zookeeper-myid}. Healthy asks the member itself ({@code srvr}).
 * Properties: {@code {"Type": "member", "UseDocker": false, "Mode": "apt"|"docker"|"process", "ClientPort": 2181}}.
 * The JSON codec (a service of the rpc bundle) is a dynamic, optional reference: updating the rpc bundle
 * leaves this component as it is, and calls made while no codec is there fail with a clear error.
 */
@Component(service = FlavorPlugin.class, configurationPid = ZookeeperFlavorPlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ZookeeperFlavorPlugin.Config.class, factory = true)
public final class ZookeeperFlavorPlugin implements FlavorPlugin {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.flavor.zookeeper-<name>.cfg}. */
    public static final String PID = "io.infrakit.flavor.zookeeper";
    /** The tag that carries a member's myid. */
    public static final String MYID_TAG = "zookeeper-myid";
    /** The default server command of Mode process: Debian's {@code zookeeper} package. */
    public static final String DEFAULT_COMMAND = "/usr/share/zookeeper/bin/zkServer.sh start-foreground";

    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperFlavorPlugin.class);

    /** Configuration of one ZooKeeper flavor plugin. */
    @ObjectClassDefinition(name = "InfraKit ZooKeeper flavor", description = "ZooKeeper ensemble members on the group's logical IDs.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "flavor-zookeeper";

        /** @return the server command of Mode process */
        @AttributeDefinition(name = "ZooKeeper command", description = "Mode process: the command that runs a ZooKeeper server "
                + "in the foreground, as words separated by blanks (each passed as one argument, no shell expansion); "
                + "the path of the generated zoo.cfg is appended.")
        String zookeeper_command() default DEFAULT_COMMAND;

        /** @return the health check's timeout */
        @AttributeDefinition(name = "Health timeout (ms)", description = "Connect and read timeout of the srvr health check.")
        int health_timeout_ms() default 2000;
    }

    private final JsonCodecReference json;
    private final List<String> command;
    private final MemberProbe probe;

    /**
     * Creates the flavor from its configuration (DS). The JSON codec is bound by {@link #setJson}.
     *
     * @param config its configuration
     */
    @Activate
    public ZookeeperFlavorPlugin(Config config) {
        this(null, words(config.zookeeper_command()), config.health_timeout_ms());
    }

    /**
     * Creates the flavor.
     *
     * @param json the JSON codec, to read the properties, or {@code null} until {@link #setJson} is called
     * @param command the words of the server command of Mode process (not empty)
     * @param healthTimeoutMillis the health check's connect and read timeout
     */
    public ZookeeperFlavorPlugin(JsonCodec json, List<String> command, int healthTimeoutMillis) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("zookeeper.command must not be empty");
        }
        if (healthTimeoutMillis <= 0) {
            throw new IllegalArgumentException("health.timeout.ms must be positive, not " + healthTimeoutMillis);
        }
        this.json = new JsonCodecReference(json);
        this.command = List.copyOf(command);
        this.probe = new MemberProbe(healthTimeoutMillis);
    }

    /**
     * Binds the JSON codec (a service of the rpc bundle); dynamic, so updating the rpc bundle does not
     * restart this plugin.
     *
     * @param json the codec
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec json) {
        this.json.bind(json);
    }

    /**
     * Unbinds the JSON codec if it is the one bound.
     *
     * @param json the codec going away
     */
    void unsetJson(JsonCodec json) {
        this.json.unbind(json);
    }

    private static List<String> words(String command) {
        String text = command == null ? "" : command.strip();
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
    }

    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        MemberProperties.parse(json.get(), properties).checkLogicalIDs(allocation);
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
        MemberProperties member = MemberProperties.parse(json.get(), properties);
        List<String> ids = member.checkLogicalIDs(allocation);
        String self = spec.logicalID();
        if (self == null || self.isEmpty()) {
            throw new PluginException("A ZooKeeper ensemble member needs a LogicalID (one of the group's IP addresses)");
        }
        int index = ids.indexOf(self);
        if (index < 0) {
            throw new PluginException("LogicalID '" + self + "' is not one of the group's LogicalIDs " + ids);
        }
        int myid = index + 1;
        String init = switch (member.mode()) {
            case APT -> InitScripts.apt(myid, ids, member.clientPort());
            case DOCKER -> InitScripts.docker(myid, ids, member.clientPort());
            case PROCESS -> InitScripts.process(myid, self, ids, member.clientPort(), command);
        };
        Map<String, String> tags = new TreeMap<>(spec.tags() == null ? Map.of() : spec.tags());
        tags.put(MYID_TAG, Integer.toString(myid));
        return spec.withInit(init).withTags(tags);
    }

    @Override
    public Health healthy(RawJson properties, Description instance) throws PluginException {
        MemberProperties member = MemberProperties.parse(json.get(), properties);
        String address = instance.logicalID();
        try {
            member.checkAddress(address, "LogicalID");
        } catch (PluginException e) {
            LOG.warn("Instance {} cannot be asked for its health: {}", instance.id(), e.getMessage());
            return Health.UNKNOWN;
        }
        return probe.ask(address, member.clientPort());
    }

    @Override
    public void drain(RawJson properties, Description instance) {
        // a member leaves the ensemble by stopping; the others keep the quorum as long as a majority remains
    }
}
