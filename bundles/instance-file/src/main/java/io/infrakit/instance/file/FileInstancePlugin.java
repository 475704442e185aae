package io.infrakit.instance.file;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Instances that are files: {@code <dir>/<ID>} holds the instance's description and spec, written the way
 * the Go file plugin writes them ({@code json.MarshalIndent(v, "", "")}), so either plugin reads the
 * other's files. Every write goes to a temporary file that is then renamed over the target, so a crash
 * never leaves a half-written instance.
 *
 * <p>Listings are answered from an in-memory {@link InstanceIndex} that {@link InstanceDirectory} keeps in
 * step with the directory, so the group controller's listing of a group once per second costs what it
 * returns, and a file removed or added by someone else is seen by the next listing. Provision, Label and
 * Destroy of one ID exclude each other ({@link IdLocks}).
 *
 * <p>The same object is registered as {@link InstanceChanges}: an instance file deleted or written by someone else
 * is told to callers waiting in {@link #changes} as soon as the directory's watch hears of it
 * ({@link OutsideChanges}); this plugin's own Provision, Label and Destroy are not.
 *
 * <p>The JSON codec (a service of the rpc bundle) is a dynamic, optional reference: updating the rpc bundle
 * leaves this component as it is, and calls made while no codec is there fail with a clear error (and
 * touch no instance). Each call takes the codec once and reads and writes with it throughout.
 */
@Component(service = {InstancePlugin.class, InstanceChanges.class}, configurationPid = FileInstancePlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = FileInstancePlugin.Config.class, factory = true)
public final class FileInstancePlugin implements InstancePlugin, InstanceChanges, AutoCloseable {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.instance.file-<name>.cfg}. */
    public static final String PID = "io.infrakit.instance.file";

    /** The plugin's kind, which its messages about properties start with. */
    static final String KIND = "instance-file";

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

    private final Path dir;
    private final JsonCodecReference json;
    private final InstanceFiles files;
    private final InstanceIndex index = new InstanceIndex();
    private final IdLocks locks = new IdLocks(64);
    private final OutsideChanges outside;
    private final InstanceDirectory directory;

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
     * Creates the plugin, and its directory (owner only) when missing, and reads the instances in it.
     * {@link #close()} it when done.
     *
     * @param dir where the instance files are
     * @param json the JSON codec, or {@code null} until {@link #setJson} is called
     * @throws IOException if the directory cannot be created
     */
    public FileInstancePlugin(Path dir, JsonCodec json) throws IOException {
        this(dir, json, true);
    }

    /** As {@link #FileInstancePlugin(Path, JsonCodec)}; {@code watch = false} checks every file at every listing. */
    FileInstancePlugin(Path dir, JsonCodec json, boolean watch) throws IOException {
        this.dir = dir;
        this.json = new JsonCodecReference(json);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        this.files = new InstanceFiles(dir);
        this.outside = new OutsideChanges(files, index, locks);
        this.directory = new InstanceDirectory(files, index, locks, outside, watch);
        try {
            if (json != null) { // else (from DS) the first listing does it, with the codec bound by then
                directory.refresh(json); // indexes the directory and removes temporary files left by a crash
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the instances in {} yet: {}", dir, e.getMessage());
        }
    }

    /** What keeps the listings in step with the directory (for tests). */
    InstanceDirectory instanceDirectory() {
        return directory;
    }

    /** The lock of an ID, which the watch thread also takes before it looks at the file (for tests). */
    ReentrantLock lockOf(String id) {
        return locks.of(id);
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
     * The directory holding the instance files.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    /** Stops watching the directory (from DS when the configuration goes away). */
    @Deactivate
    @Override
    public void close() {
        directory.close();
        outside.log().close(); // callers waiting for changes look the plugin up again
    }

    /**
     * Checks that the properties are a JSON object (or absent). Their keys are the user's own (the tutorial puts a
     * {@code Note} there; the Go plugin stores anything), so none is unknown; a key given twice is refused.
     */
    @Override
    public void validate(RawJson properties) throws PluginException {
        JsonCodec codec = json.get();
        try {
            codec.decodeStrict(properties, Map.class, "Properties");
        } catch (PluginException e) {
            throw new PluginException(KIND + ": " + e.getMessage());
        }
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        JsonCodec codec = json.get();
        InstanceSpec s = spec == null ? new InstanceSpec(null, null, null, null, null) : spec;
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = "instance-" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
            Path file = dir.resolve(id);
            ReentrantLock lock = locks.of(id);
            lock.lock();
            try {
                InstanceFile instance = new InstanceFile(id, s.logicalID(), s.tags(), s);
                FileStamp stamp = files.create(codec, file, instance);
                if (stamp != null) {
                    index.put(new InstanceIndex.Entry(id, stamp, instance.description(id)));
                    return id;
                }
            } finally {
                lock.unlock();
            }
        }
        throw new PluginException("Cannot find a free instance ID in " + dir);
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        JsonCodec codec = json.get();
        Path file = files.fileOf(instance);
        ReentrantLock lock = locks.of(instance);
        lock.lock();
        try {
            InstanceFile current;
            try {
                current = files.read(codec, file);
            } catch (NoSuchFileException e) {
                outside.gone(index.remove(instance), "file deleted");
                throw new PluginException("open " + file + ": no such file or directory", e);
            }
            if (current == null) {
                throw new PluginException("Instance " + instance + " in " + file + " cannot be read");
            }
            Map<String, String> tags = new TreeMap<>(current.tags() == null ? Map.of() : current.tags());
            if (labels != null) {
                tags.putAll(labels);
            }
            write(codec, file, new InstanceFile(current.id(), current.logicalID(), tags, current.spec()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void destroy(String instance) throws PluginException {
        Path file = files.fileOf(instance);
        ReentrantLock lock = locks.of(instance);
        lock.lock();
        try {
            Files.delete(file);
            index.remove(instance);
        } catch (NoSuchFileException e) {
            index.remove(instance); // deleted by someone else: gone as asked, nobody needs telling
            throw new PluginException("remove " + file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new PluginException("remove " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        // taken before any file is read: a missing codec must fail the call, never index a file as "not an instance"
        JsonCodec codec = json.get();
        try {
            directory.refresh(codec);
        } catch (IOException e) {
            throw new PluginException("Cannot list instances in " + dir + ": " + e.getMessage(), e);
        }
        return index.select(tags);
    }

    /**
     * The instance files deleted or written by someone else after {@code after}, waiting up to {@code waitMillis} for
     * one. An instance is told with the ID and tags this plugin last listed for it (a file it never listed is not
     * told); lost events of the directory are told as one change with no instance and no tags.
     */
    @Override
    public Changes changes(long after, long waitMillis) throws PluginException {
        try {
            return outside.log().since(after, waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for changes of " + dir, e);
        }
    }

    private static Path directory(Config config) {
        return InfrakitHome.instancesDirectory(config.dir(), config.infrakit_plugin_name());
    }

    /** Writes a file and indexes what was written; the caller holds the ID's lock. */
    private void write(JsonCodec json, Path file, InstanceFile instance) throws PluginException {
        String name = file.getFileName().toString();
        FileStamp stamp = files.write(json, file, instance);
        index.put(new InstanceIndex.Entry(name, stamp, instance.description(name)));
    }
}
