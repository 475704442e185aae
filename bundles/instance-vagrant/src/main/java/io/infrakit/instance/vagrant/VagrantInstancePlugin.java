package io.infrakit.instance.vagrant;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Instances that are Vagrant machines, as the Go {@code infrakit-instance-vagrant}: one directory
 * {@code <dir>/infrakit-<random>} per instance (its ID) holding {@code boot.sh} (the Init script), a
 * {@code Vagrantfile} rendered from a template, {@code tags} (JSON) and, for pets, {@code ip} (the
 * LogicalID). {@code vagrant up} / {@code vagrant destroy -f} run in that directory; the directories are
 * the plugin's only state, so Describe finds the instances again after a restart, and the Go plugin's
 * directories are read as they are.
 *
 * <p>The JSON codec (a service of the rpc bundle) is a dynamic, optional reference: updating the rpc bundle
 * leaves this component as it is, and calls made while no codec is there fail with a clear error (and
 * touch no instance).
 */
@Component(service = InstancePlugin.class, configurationPid = VagrantInstancePlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = VagrantInstancePlugin.Config.class, factory = true)
public final class VagrantInstancePlugin implements InstancePlugin {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.instance.vagrant-<name>.cfg}. */
    public static final String PID = "io.infrakit.instance.vagrant";

    /** Configuration of one Vagrant instance plugin. */
    @ObjectClassDefinition(name = "InfraKit Vagrant instance plugin", description = "Instances that are Vagrant machines.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "instance-vagrant";

        /** @return the directory of the machine directories */
        @AttributeDefinition(name = "Directory", description = "Where the machine directories are. Empty: $INFRAKIT_HOME/instances/<plugin name>.")
        String dir() default "";

        /** @return the vagrant executable */
        @AttributeDefinition(name = "Vagrant executable", description = "A path, or a name looked up on the PATH of Karaf's environment.")
        String vagrant() default "vagrant";

        /** @return the template file, or empty for the built-in one */
        @AttributeDefinition(name = "Vagrantfile template", description = "Path of a Vagrantfile template with the placeholders "
                + "{{.Properties.Box}} (inside double quotes), {{.Properties.CPUs}}, {{.Properties.Memory}}, {{.NetworkOptions}}, {{.ID}}. "
                + "Empty: the original's template.")
        String template() default "";

        /** @return the time {@code vagrant up} may take */
        @AttributeDefinition(name = "vagrant up timeout (ms)", description = "Killed after this, and the instance destroyed.")
        long up_timeout_ms() default 1_800_000;

        /** @return the time {@code vagrant destroy -f} may take */
        @AttributeDefinition(name = "vagrant destroy timeout (ms)", description = "Killed after this; Destroy then fails.")
        long destroy_timeout_ms() default 600_000;
    }

    static final String BOOT = "boot.sh";
    static final String VAGRANTFILE = "Vagrantfile";
    static final String UP_LOG = "vagrant-up.log";
    static final String DESTROY_LOG = "vagrant-destroy.log";

    private static final Logger LOG = LoggerFactory.getLogger(VagrantInstancePlugin.class);

    private final MachineDirectories machines;
    private final JsonCodecReference json;
    private final VagrantCli vagrant;
    private final VagrantfileTemplate template;
    private final Duration upTimeout;
    private final Duration destroyTimeout;

    /**
     * Creates the plugin from its configuration (from DS). The JSON codec is bound by {@link #setJson}.
     *
     * @param config its configuration
     * @throws IOException if the directory cannot be created or the template read
     */
    @Activate
    public VagrantInstancePlugin(Config config) throws IOException {
        this(directory(config), null, new VagrantCli(config.vagrant().trim(), VagrantCli.processEnvironment()), template(config.template()),
                positive("up.timeout.ms", config.up_timeout_ms()), positive("destroy.timeout.ms", config.destroy_timeout_ms()));
    }

    /**
     * Creates the plugin, and its directory (owner only) when missing.
     *
     * @param dir where the machine directories are
     * @param json the JSON codec, or {@code null} until {@link #setJson} is called
     * @param vagrant runs vagrant
     * @param template the Vagrantfile template
     * @param upTimeout how long {@code vagrant up} may take
     * @param destroyTimeout how long {@code vagrant destroy -f} may take
     * @throws IOException if the directory cannot be created
     */
    VagrantInstancePlugin(Path dir, JsonCodec json, VagrantCli vagrant, VagrantfileTemplate template, Duration upTimeout, Duration destroyTimeout)
            throws IOException {
        this.machines = new MachineDirectories(dir);
        this.json = new JsonCodecReference(json);
        this.vagrant = vagrant;
        this.template = template;
        this.upTimeout = upTimeout;
        this.destroyTimeout = destroyTimeout;
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

    @Override
    public void validate(RawJson properties) throws PluginException {
        VagrantProperties.parse(json.get(), properties);
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        JsonCodec codec = json.get();
        InstanceSpec s = spec == null ? new InstanceSpec(null, null, null, null, null) : spec;
        VagrantProperties properties = VagrantProperties.parse(codec, s.properties());
        if (s.logicalID() != null && !VagrantfileTemplate.isIpv4(s.logicalID())) {
            throw new PluginException("LogicalID '" + s.logicalID() + "' is not an IPv4 address: the Vagrant plugin makes it the machine's private network address");
        }
        vagrant.resolve(); // fail before creating anything when vagrant is missing
        Path machine = machines.create();
        String id = machine.getFileName().toString();
        try {
            Files.writeString(machine.resolve(BOOT), s.init(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(machine.resolve(BOOT), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(machine.resolve(VAGRANTFILE), template.render(id, properties, s.logicalID()), StandardCharsets.UTF_8);
            // Tags before `vagrant up`: a machine that is still booting is already counted by Describe, and one
            // left by a crash mid-boot is found (and can be destroyed) instead of leaking.
            machines.writeTags(codec, machine, s.tags() == null ? Map.of() : s.tags());
            if (s.logicalID() != null) {
                Files.writeString(machine.resolve(MachineDirectories.IP), s.logicalID(), StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            machines.removeQuietly(machine);
            throw new PluginException("Cannot write the files of " + id + " in " + machine + ": " + e.getMessage(), e);
        }
        VagrantCli.Result up;
        try {
            up = vagrant.run(machine, machine.resolve(UP_LOG), upTimeout, "up");
        } catch (PluginException e) {
            machines.removeQuietly(machine);
            throw e;
        }
        if (!up.ok()) {
            String cleanup = destroyAfterFailedUp(machine, id);
            machines.removeQuietly(machine);
            throw new PluginException("vagrant up failed for " + id + " " + up.failure(upTimeout) + cleanup + ": " + up.outputTail());
        }
        return id;
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        machines.label(json.get(), instance, labels);
    }

    @Override
    public void destroy(String instance) throws PluginException {
        Path machine = machines.existing(instance);
        VagrantCli.Result result = vagrant.run(machine, machine.resolve(DESTROY_LOG), destroyTimeout, "destroy", "-f");
        if (!result.ok()) {
            // Unlike the original, which removed the directory anyway: keeping it keeps the machine visible, so
            // a leaked VM is retried rather than forgotten.
            throw new PluginException("vagrant destroy -f failed for " + instance + " " + result.failure(destroyTimeout)
                    + "; " + machine + " is kept: " + result.outputTail());
        }
        try {
            machines.remove(machine);
        } catch (IOException e) {
            throw new PluginException("Cannot remove " + machine + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        return machines.describe(json.get(), tags);
    }

    /**
     * The directory holding the machine directories.
     *
     * @return the directory
     */
    public Path directory() {
        return machines.root();
    }

    private String destroyAfterFailedUp(Path machine, String id) {
        // Clean up even when the caller gave up (interrupted the thread): a half-created machine must not leak.
        boolean interrupted = Thread.interrupted();
        try {
            VagrantCli.Result destroyed = vagrant.run(machine, machine.resolve(DESTROY_LOG), destroyTimeout, "destroy", "-f");
            if (!destroyed.ok()) {
                LOG.error("vagrant destroy -f after a failed vagrant up of {} failed: {}", id, destroyed.outputTail());
                return "; vagrant destroy -f failed too " + destroyed.failure(destroyTimeout) + ", check for a leftover machine";
            }
            return "";
        } catch (PluginException e) {
            LOG.error("vagrant destroy -f after a failed vagrant up of {} failed", id, e);
            return "; vagrant destroy -f failed too: " + e.getMessage();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Path directory(Config config) {
        return InfrakitHome.instancesDirectory(config.dir(), config.infrakit_plugin_name());
    }

    private static VagrantfileTemplate template(String path) throws IOException {
        if (path.isBlank()) {
            return new VagrantfileTemplate(VagrantfileTemplate.DEFAULT, "built-in template");
        }
        Path file = InfrakitHome.expand(path.trim(), System.getProperty("user.home"));
        return new VagrantfileTemplate(Files.readString(file, StandardCharsets.UTF_8), "template " + file);
    }

    private static Duration positive(String key, long ms) {
        if (ms <= 0) {
            throw new IllegalArgumentException(key + " must be positive, not " + ms);
        }
        return Duration.ofMillis(ms);
    }
}
