package io.infrakit.instance.file;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
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
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Instances that are files: {@code <dir>/<ID>} holds the instance's description and spec, written the way
 * the Go file plugin writes them ({@code json.MarshalIndent(v, "", "")}), so either plugin reads the
 * other's files. Every write goes to a temporary file that is then renamed over the target, so a crash
 * never leaves a half-written instance.
 *
 * <p>The JSON codec (a service of the rpc bundle) is a dynamic, optional reference: updating the rpc bundle
 * leaves this component as it is, and calls made while no codec is there fail with a clear error (and
 * touch no instance).
 */
@Component(service = InstancePlugin.class, configurationPid = FileInstancePlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = FileInstancePlugin.Config.class, factory = true)
public final class FileInstancePlugin implements InstancePlugin {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.instance.file-<name>.cfg}. */
    public static final String PID = "io.infrakit.instance.file";

    /** Configuration of one file instance plugin. */
    @ObjectClassDefinition(name = "InfraKit file instance plugin", description = "Instances that are files in a directory.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "instance-file";

        /** @return the directory of the instance files */
        @AttributeDefinition(name = "Directory", description = "Where the instance files are. Empty: $INFRAKIT_HOME/instances/<plugin name>.")
        String dir() default "";
    }


    private static final Logger LOG = LoggerFactory.getLogger(FileInstancePlugin.class);

    /** The file's content: the description's fields flattened, then the spec. */
    record InstanceFile(String id, String logicalID, Map<String, String> tags, InstanceSpec spec) {
    }

    private final Path dir;
    private volatile JsonCodec json;

    /**
     * Creates the plugin from its configuration (from DS). The JSON codec is bound by {@link #setJson}.
     *
     * @param config its configuration
     * @throws IOException if the directory cannot be created
     */
    @Activate
    public FileInstancePlugin(Config config) throws IOException {
        this(directory(config), null);
    }

    /**
     * Creates the plugin, and its directory (owner only) when missing.
     *
     * @param dir where the instance files are
     * @param json the JSON codec, or {@code null} until {@link #setJson} is called
     * @throws IOException if the directory cannot be created
     */
    public FileInstancePlugin(Path dir, JsonCodec json) throws IOException {
        this.dir = dir;
        this.json = json;
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /**
     * Binds the JSON codec (a service of the rpc bundle); dynamic, so updating the rpc bundle does not
     * restart this plugin.
     *
     * @param json the codec
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec json) {
        this.json = json;
    }

    /**
     * Unbinds the JSON codec if it is the one bound.
     *
     * @param json the codec going away
     */
    void unsetJson(JsonCodec json) {
        if (this.json == json) {
            this.json = null;
        }
    }

    /** The codec now; a clear error while there is none (the rpc bundle is stopped or being updated). */
    private JsonCodec codec() throws PluginException {
        JsonCodec codec = json;
        if (codec == null) {
            throw new PluginException("The JSON codec service is not available (is the infrakit rpc bundle running?)");
        }
        return codec;
    }

    /**
     * The directory holding the instance files.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    @Override
    public void validate(RawJson properties) throws PluginException {
        if (properties != null && !properties.json().strip().equals("null")) {
            codec().decode(properties, Map.class);
        }
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        JsonCodec codec = codec();
        InstanceSpec s = spec == null ? new InstanceSpec(null, null, null, null, null) : spec;
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = "instance-" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
            Path file = dir.resolve(id);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                write(codec, file, new InstanceFile(id, s.logicalID(), s.tags(), s));
                return id;
            }
        }
        throw new PluginException("Cannot find a free instance ID in " + dir);
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        JsonCodec codec = codec();
        Path file = fileOf(instance);
        InstanceFile current = read(codec, file);
        if (current == null) {
            throw new PluginException("Instance " + instance + " in " + file + " cannot be read");
        }
        Map<String, String> tags = new TreeMap<>(current.tags() == null ? Map.of() : current.tags());
        if (labels != null) {
            tags.putAll(labels);
        }
        write(codec, file, new InstanceFile(current.id(), current.logicalID(), tags, current.spec()));
    }

    @Override
    public void destroy(String instance) throws PluginException {
        Path file = fileOf(instance);
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            throw new PluginException("remove " + file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new PluginException("remove " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        // taken before any file is read: a missing codec must fail the call, not skip every file as "not an instance"
        JsonCodec codec = codec();
        List<Description> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                InstanceFile instance = read(codec, file);
                if (instance != null && Tags.matches(instance.tags(), tags)) {
                    found.add(new Description(instance.id() == null ? name : instance.id(), instance.logicalID(), instance.tags()));
                }
            }
        } catch (IOException e) {
            throw new PluginException("Cannot list instances in " + dir + ": " + e.getMessage(), e);
        }
        found.sort((a, b) -> a.id().compareTo(b.id()));
        return found;
    }

    private static Path directory(Config config) {
        return InfrakitHome.instancesDirectory(config.dir(), config.infrakit_plugin_name());
    }

    /** The file of an instance ID, which must be a plain file name in the directory. */
    private Path fileOf(String instance) throws PluginException {
        if (instance == null || instance.isEmpty() || instance.equals(".") || instance.equals("..")
                || instance.startsWith(".") || instance.indexOf('/') >= 0 || instance.indexOf('\\') >= 0 || instance.indexOf('\0') >= 0) {
            throw new PluginException("Invalid instance ID '" + instance + "': not a file name in " + dir);
        }
        return dir.resolve(instance);
    }

    /** Reads an instance file; an undecodable one is skipped with a warning. */
    private static InstanceFile read(JsonCodec json, Path file) throws PluginException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PluginException("open " + file + ": no such file or directory", e);
        } catch (IOException e) {
            LOG.warn("Skipping unreadable instance file {}: {}", file, e.getMessage());
            return null;
        }
        try {
            return json.decode(new RawJson(text.isBlank() ? "null" : text), InstanceFile.class);
        } catch (PluginException | IllegalArgumentException e) {
            LOG.warn("Skipping instance file {}: not an instance ({})", file, e.getMessage());
            return null;
        }
    }

    private void write(JsonCodec json, Path file, InstanceFile instance) throws PluginException {
        byte[] bytes = json.encodeIndented(instance, "", "").getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; report that
            }
            throw new PluginException("Cannot write instance file " + file + ": " + e.getMessage(), e);
        }
    }
}
