package io.infrakit.instance.terraform;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The Terraform instance plugin: each instance is one resource in its own file {@code <dir>/<ID>.tf.json}
 * ({@code {"resource":{"<type>":{"<ID>":{...}}}}}), and {@code terraform apply} runs in the directory after
 * every change, synchronously and one at a time, so that Provision returns only once the resource exists.
 *
 * <p>Besides the resource, each file carries a Terraform comment property {@code "//"} (ignored by
 * terraform) with the instance's ID, LogicalID, Tags and spec: Describe reads them from there, whatever
 * the resource type, so logical IDs survive (unlike the Go plugin at v0.3.1, bug #395). Files without
 * it (written by the Go plugin) are read the Go way, from the resource's {@code tags}.
 *
 * <p>The JSON codec (a service of the rpc bundle) is a dynamic, optional reference: updating the rpc bundle
 * leaves this component as it is, and calls made while no codec is there fail with a clear error (and
 * touch no instance).
 */
@Component(service = InstancePlugin.class, configurationPid = TerraformInstancePlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TerraformInstancePlugin.Config.class, factory = true)
public final class TerraformInstancePlugin implements InstancePlugin {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.instance.terraform-<name>.cfg}. */
    public static final String PID = "io.infrakit.instance.terraform";

    /** Configuration of one Terraform instance plugin. */
    @ObjectClassDefinition(name = "InfraKit Terraform instance plugin", description = "Instances that are Terraform resources, one .tf.json file each.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "instance-terraform";

        /** @return the directory of the .tf.json files, where terraform runs */
        @AttributeDefinition(name = "Directory", description = "Where the .tf.json files and the Terraform state are. Empty: $INFRAKIT_HOME/instances/<plugin name>.")
        String dir() default "";

        /** @return the terraform executable */
        @AttributeDefinition(name = "Terraform executable", description = "A name looked up on PATH, or a full path.")
        String terraform() default "terraform";

        /** @return the longest one terraform init or apply may take */
        @AttributeDefinition(name = "Apply timeout (s)", description = "The longest one terraform init or apply may run before it is killed.")
        long apply_timeout_seconds() default 600;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TerraformInstancePlugin.class);

    private final Path dir;
    private final JsonCodecReference json;
    private final InstanceFiles files;
    private final Terraform terraform;
    private final LongSupplier clock;

    /**
     * Creates the plugin from its configuration (from DS). A missing terraform is not an error here: it is
     * reported by Validate and Provision. The JSON codec is bound by {@link #setJson}.
     *
     * @param config its configuration
     * @throws IOException if the directory cannot be created
     */
    @Activate
    public TerraformInstancePlugin(Config config) throws IOException {
        this(directory(config), null, config.terraform().isBlank() ? "terraform" : config.terraform().trim(),
                Duration.ofSeconds(Math.max(1, config.apply_timeout_seconds())), System.getenv(),
                () -> System.currentTimeMillis() / 1000);
    }

    /**
     * Creates the plugin, and its directory (owner only) when missing.
     *
     * @param dir where the .tf.json files are
     * @param json the JSON codec, or {@code null} until {@link #setJson} is called
     * @param executable the terraform executable: a name looked up on {@code PATH} in {@code env}, or a path
     * @param timeout the longest one terraform command may run
     * @param env the environment ({@code PATH})
     * @param clock the time in Unix seconds, for instance IDs
     * @throws IOException if the directory cannot be created
     */
    public TerraformInstancePlugin(Path dir, JsonCodec json, String executable, Duration timeout, Map<String, String> env, LongSupplier clock)
            throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.json = new JsonCodecReference(json);
        this.clock = clock;
        if (!Files.isDirectory(this.dir)) {
            Files.createDirectories(this.dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        this.files = new InstanceFiles(this.dir);
        this.terraform = new Terraform(this.dir, executable, timeout, env);
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

    /**
     * The directory holding the .tf.json files.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    @Override
    public void validate(RawJson properties) throws PluginException {
        JsonCodec codec = json.get();
        ResourceProperties.checkKeys(codec, properties);
        ResourceProperties.parse(codec, properties);
        terraform.resolve();
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        JsonCodec codec = json.get();
        InstanceSpec s = spec == null ? new InstanceSpec(null, null, null, null, null) : spec;
        ResourceProperties p = ResourceProperties.parse(codec, s.properties());
        terraform.resolve();
        return terraform.locked(() -> {
            String id = files.freeId(clock.getAsLong());
            Map<String, String> tags = new TreeMap<>(s.tags() == null ? Map.of() : s.tags());
            tags.putIfAbsent("Name", id);
            Path file = files.fileOf(id);
            files.write(codec, file, p.type(), id, Placement.body(p.type(), p.value(), id, tags, s.init(), s.logicalID()), new InstanceFiles.Meta(id, s.logicalID(), tags, s));
            try {
                terraform.apply();
            } catch (PluginException e) {
                // the instance was not made: take its file away again. Whatever the failed apply made of it
                // is destroyed by the next apply (the group's replacement, say); applying again here would
                // double the time a hanging terraform holds the lock.
                InstanceFiles.deleteQuietly(file);
                LOG.warn("Provisioning {} failed; its file is removed: {}", id, e.getMessage());
                throw new PluginException("Cannot provision " + id + ": " + e.getMessage(), e);
            }
            return id;
        });
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        JsonCodec codec = json.get();
        Path file = files.fileOf(instance);
        terraform.resolve();
        terraform.locked(() -> {
            InstanceFiles.Resource current = files.read(codec, file);
            if (current == null) {
                throw new PluginException("Instance " + instance + " in " + file + " cannot be read");
            }
            Map<String, String> tags = new TreeMap<>(current.tags());
            if (labels != null) {
                tags.putAll(labels);
            }
            Map<String, Object> body;
            InstanceFiles.Meta meta;
            ResourceProperties original = current.meta() == null ? null : ResourceProperties.parseOrNull(codec, current.meta().spec());
            if (original != null && original.type().equals(current.type())) {
                InstanceSpec spec = current.meta().spec();
                body = Placement.body(current.type(), original.value(), instance, tags, spec.init(), spec.logicalID());
                meta = new InstanceFiles.Meta(instance, current.logicalID(), tags, spec);
            } else {
                // a file without our comment: put the tags into the body as it is
                body = Placement.body(current.type(), current.body(), instance, tags, "", null);
                meta = new InstanceFiles.Meta(instance, current.logicalID(), tags, null);
            }
            files.write(codec, file, current.type(), instance, body, meta);
            terraform.apply();
            return null;
        });
    }

    @Override
    public void destroy(String instance) throws PluginException {
        Path file = files.fileOf(instance);
        terraform.resolve();
        terraform.locked(() -> {
            try {
                Files.delete(file);
            } catch (NoSuchFileException e) {
                throw new PluginException("remove " + file + ": no such file or directory", e);
            } catch (IOException e) {
                throw new PluginException("remove " + file + ": " + e.getMessage(), e);
            }
            try {
                terraform.apply();
            } catch (PluginException e) {
                throw new PluginException("Removed " + file + ", but the resource is not destroyed yet (the next apply retries): " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        // taken before any file is read: a missing codec must fail the call, not skip every file as unreadable
        JsonCodec codec = json.get();
        List<Description> found = new ArrayList<>();
        for (InstanceFiles.Resource r : files.readAll(codec)) {
            if (Tags.matches(r.tags(), tags)) {
                found.add(new Description(r.id(), r.logicalID(), r.tags()));
            }
        }
        found.sort((a, b) -> a.id().compareTo(b.id()));
        return found;
    }

    /**
     * Runs {@code terraform state list} in the directory (for operators and tests).
     *
     * @return the resource addresses in the state
     * @throws PluginException if terraform fails
     */
    public List<String> stateList() throws PluginException {
        return terraform.locked(() -> terraform.run(List.of("state", "list", "-no-color")).lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }


    private static Path directory(Config config) {
        return InfrakitHome.instancesDirectory(config.dir(), config.infrakit_plugin_name());
    }
}
