package io.infrakit.instance.process;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Instances that are local OS processes: each runs its spec's {@code Init} script with {@code /bin/sh} in its
 * own directory {@code <dir>/<ID>}, which also holds the script ({@code init.sh}), its output
 * ({@code output.log}) and its state ({@code instance.json}: ID, logical ID, tags, spec, pid, start time).
 *
 * <p>A process is identified by its pid <em>and</em> its start time, so a pid reused by another process is
 * never taken for an instance. An instance whose process has ended is not listed, so its group replaces it;
 * its directory moves to {@code <dir>/.exited/} with its output, where only the latest few are kept. The
 * processes outlive the plugin and Karaf: a new plugin on the same directory adopts those still running.
 *
 * <p>The same object is registered as {@link InstanceChanges}: the exit of an instance's process is told to callers
 * waiting in {@link #changes} the moment it happens ({@link ProcessExits}), except when Destroy stopped it.
 *
 * <p>The JSON codec (a service of the rpc bundle) is a dynamic, optional reference: updating the rpc bundle
 * leaves this component as it is, and calls made while no codec is there fail with a clear error (and
 * touch no instance).
 */
@Component(service = {InstancePlugin.class, InstanceChanges.class}, configurationPid = ProcessInstancePlugin.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ProcessInstancePlugin.Config.class, factory = true)
public final class ProcessInstancePlugin implements InstancePlugin, InstanceChanges {

    /** The factory PID: one plugin per configuration, {@code etc/io.infrakit.instance.process-<name>.cfg}. */
    public static final String PID = "io.infrakit.instance.process";

    /** Configuration of one process instance plugin. */
    @ObjectClassDefinition(name = "InfraKit process instance plugin", description = "Instances that are local processes running the Init script.")
    public @interface Config {
        /** @return the plugin (socket) name */
        @AttributeDefinition(name = "Plugin name", description = "The name the plugin is found by, and its socket's name.")
        String infrakit_plugin_name() default "instance-process";

        /** @return the directory of the instances */
        @AttributeDefinition(name = "Directory", description = "Where the instance directories are. Empty: $INFRAKIT_HOME/instances/<plugin name>.")
        String dir() default "";

        /** @return seconds between SIGTERM and SIGKILL */
        @AttributeDefinition(name = "Destroy grace period (s)", description = "Seconds Destroy waits after SIGTERM before it sends SIGKILL.")
        int destroy_grace_seconds() default 10;

        /** @return how many directories of exited instances to keep */
        @AttributeDefinition(name = "Exited instances kept", description = "How many directories of instances whose process ended are kept in <dir>/.exited (0: none).")
        int keep_exited() default 20;
    }

    /** The state file in an instance's directory. */
    static final String STATE_FILE = "instance.json";
    /** The init script in an instance's directory. */
    static final String SCRIPT_FILE = "init.sh";
    /** The output (stdout and stderr) of an instance's process. */
    static final String LOG_FILE = "output.log";
    /** Where the directories of ended instances go. */
    static final String EXITED = ".exited";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessInstancePlugin.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

    /**
     * The content of {@code instance.json}.
     *
     * @param id the instance ID
     * @param logicalID the logical ID, or {@code null}
     * @param tags the tags (rewritten by Label)
     * @param spec the spec the instance was made from
     * @param pid the pid of the process, or {@code null} before it started
     * @param start the start time of the process (see {@link ProcessIdentity}), or {@code null} when unknown
     */
    record InstanceState(String id, String logicalID, Map<String, String> tags, InstanceSpec spec, Long pid, String start) {

        Optional<ProcessIdentity> process() {
            return pid == null || start == null ? Optional.empty() : Optional.of(new ProcessIdentity(pid, start));
        }
    }

    private final Path dir;
    private final JsonCodecReference json;
    private final Duration grace;
    private final ExitedInstances exited;
    private final ProcessExits exits = new ProcessExits();
    /** IDs being provisioned: their directory may not have a state file yet. */
    private final Set<String> provisioning = ConcurrentHashMap.newKeySet();

    /**
     * Creates the plugin from its configuration (from DS). The JSON codec is bound by {@link #setJson}.
     *
     * @param config its configuration
     * @throws IOException if the directory cannot be created
     */
    @Activate
    public ProcessInstancePlugin(Config config) throws IOException {
        this(directory(config), null, Duration.ofSeconds(Math.max(0, config.destroy_grace_seconds())), config.keep_exited());
    }

    /**
     * Creates the plugin, and its directory (owner only) when missing. Processes of earlier plugins on the
     * same directory that still run are its instances from now on.
     *
     * @param dir where the instance directories are
     * @param json the JSON codec, or {@code null} until {@link #setJson} is called
     * @param grace how long Destroy waits after SIGTERM before SIGKILL
     * @param keepExited how many directories of ended instances to keep
     * @throws IOException if the directory cannot be created
     */
    public ProcessInstancePlugin(Path dir, JsonCodec json, Duration grace, int keepExited) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.json = new JsonCodecReference(json);
        this.grace = grace;
        this.exited = new ExitedInstances(this.dir.resolve(EXITED), keepExited);
        if (!Files.isDirectory(this.dir)) {
            Files.createDirectories(this.dir, InstanceFiles.DIR_0700);
        }
    }

    /**
     * Answers the callers waiting for changes with a reset, so that they look the plugin up again (from DS when the
     * configuration goes away or the bundle is updated); the processes run on.
     */
    @Deactivate
    public void stop() {
        exits.log().close();
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
     * The directory holding the instance directories.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    @Override
    public void validate(RawJson properties) throws PluginException {
        ProcessProperties.env(json.get(), properties);
    }

    @Override
    public String provision(InstanceSpec spec) throws PluginException {
        JsonCodec codec = json.get();
        InstanceSpec s = spec == null ? new InstanceSpec(null, null, null, null, null) : spec;
        Map<String, String> extraEnv = ProcessProperties.env(codec, s.properties());
        String id = null;
        Path home = null;
        for (int attempt = 0; attempt < 10 && home == null; attempt++) {
            id = "process-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            provisioning.add(id);
            try {
                home = Files.createDirectory(dir.resolve(id), InstanceFiles.DIR_0700);
            } catch (FileAlreadyExistsException e) {
                provisioning.remove(id);
            } catch (IOException e) {
                provisioning.remove(id);
                throw new PluginException("Cannot create the instance directory " + dir.resolve(id) + ": " + e.getMessage(), e);
            }
        }
        if (home == null) {
            throw new PluginException("Cannot find a free instance ID in " + dir);
        }
        try {
            InstanceState state = new InstanceState(id, s.logicalID(), s.tags(), s, null, null);
            writeState(codec, home, state);
            InstanceFiles.create(home.resolve(SCRIPT_FILE), s.init());
            InstanceFiles.create(home.resolve(LOG_FILE), ""); // owner-only; the process appends to it
            Process process = start(home, id, s.logicalID(), extraEnv);
            // an identity that cannot be read means the process has already ended: it is still provisioned,
            // and the next Describe reports it missing
            String start = ProcessIdentity.of(process.pid()).map(ProcessIdentity::start).orElse(null);
            writeState(codec, home, new InstanceState(id, s.logicalID(), s.tags(), s, process.pid(), start));
            exits.watch(id, process, s.tags());
            LOG.info("Provisioned {}: pid {} in {}", id, process.pid(), home);
            return id;
        } catch (IOException | RuntimeException e) {
            try {
                InstanceFiles.deleteTree(home);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new PluginException("Cannot start instance " + id + " in " + home + ": " + e.getMessage(), e);
        } finally {
            provisioning.remove(id);
        }
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        JsonCodec codec = json.get();
        Path home = homeOf(instance);
        InstanceState current = readState(codec, home);
        if (current == null) {
            throw new PluginException("Instance " + instance + " has no readable state in " + home);
        }
        Map<String, String> tags = new TreeMap<>(current.tags() == null ? Map.of() : current.tags());
        if (labels != null) {
            tags.putAll(labels);
        }
        writeState(codec, home, new InstanceState(current.id(), current.logicalID(), tags, current.spec(), current.pid(), current.start()));
        exits.relabel(instance, tags);
    }

    @Override
    public void destroy(String instance) throws PluginException {
        // without the codec the state (the pid) cannot be read: refuse rather than remove a running process's directory
        JsonCodec codec = json.get();
        Path home = homeOf(instance);
        InstanceState state = readState(codec, home);
        Optional<ProcessHandle> process = state == null ? Optional.empty() : state.process().flatMap(ProcessIdentity::handle);
        exits.destroying(instance); // its exit is this call's doing: not a change to tell
        if (process.isPresent()) {
            try {
                if (ProcessTree.terminate(process.get(), grace)) {
                    LOG.info("Instance {} (pid {}) did not stop within {} of SIGTERM; sent SIGKILL", instance, process.get().pid(), grace);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("Interrupted while stopping instance " + instance, e);
            }
        }
        try {
            InstanceFiles.deleteTree(home);
        } catch (IOException e) {
            throw new PluginException("Cannot remove instance directory " + home + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
        // taken once, before any state is read: a missing codec must fail the call, not make every instance look ended
        JsonCodec codec = json.get();
        List<Description> found = new ArrayList<>();
        List<Path> ended = new ArrayList<>();
        try (DirectoryStream<Path> homes = Files.newDirectoryStream(dir)) {
            for (Path home : homes) {
                String name = home.getFileName().toString();
                if (!ID.matcher(name).matches() || provisioning.contains(name) || !Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                InstanceState state = readState(codec, home);
                if (state == null || !state.process().map(ProcessIdentity::isAlive).orElse(false)) {
                    if (!provisioning.contains(name)) {
                        ended.add(home);
                    }
                    continue;
                }
                adopt(name, state);
                if (Tags.matches(state.tags(), tags)) {
                    found.add(new Description(name, state.logicalID(), state.tags()));
                }
            }
        } catch (IOException e) {
            throw new PluginException("Cannot list instances in " + dir + ": " + e.getMessage(), e);
        }
        ended.forEach(exited::retire);
        found.sort(Comparator.comparing(Description::id));
        return found;
    }

    /**
     * The instances whose process exited after {@code after} (not by Destroy), waiting up to {@code waitMillis} for
     * one; each told {@code Gone} with its tags and, for a process this Karaf started, its exit status.
     */
    @Override
    public Changes changes(long after, long waitMillis) throws PluginException {
        try {
            return exits.log().since(after, waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for changes of " + dir, e);
        }
    }

    /** Whether an instance's process is watched for its exit (for tests). */
    boolean watches(String id) {
        return exits.watches(id);
    }

    /** Watches the exit of a running instance's process that this plugin did not start (found by a listing). */
    private void adopt(String id, InstanceState state) {
        if (!exits.watches(id)) {
            state.process().flatMap(ProcessIdentity::handle).ifPresent(h -> exits.adopt(id, h, state.tags()));
        }
    }

    private Process start(Path home, String id, String logicalID, Map<String, String> extraEnv) throws IOException {
        List<String> command = new ArrayList<>();
        // its own session: Ctrl-C or a hang-up in Karaf's terminal does not reach it, and it outlives Karaf
        SETSID.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().ifPresent(command::add);
        command.add("/bin/sh");
        command.add(home.resolve(SCRIPT_FILE).toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve(LOG_FILE).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.putAll(extraEnv);
        env.put("INFRAKIT_INSTANCE_ID", id);
        if (logicalID != null) {
            env.put("INFRAKIT_LOGICAL_ID", logicalID);
        } else {
            env.remove("INFRAKIT_LOGICAL_ID");
        }
        return builder.start();
    }

    private static Path directory(Config config) {
        return InfrakitHome.instancesDirectory(config.dir(), config.infrakit_plugin_name());
    }

    /** The directory of an instance ID from the wire, which must be an existing instance directory. */
    private Path homeOf(String instance) throws PluginException {
        if (instance == null || !ID.matcher(instance).matches()) {
            throw new PluginException("Invalid instance ID '" + instance + "': not an instance of " + dir);
        }
        Path home = dir.resolve(instance);
        if (!home.getParent().equals(dir) || !Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
            throw new PluginException("Unknown instance " + instance + ": no directory " + home);
        }
        return home;
    }

    private static InstanceState readState(JsonCodec json, Path home) {
        Path file = home.resolve(STATE_FILE);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return json.decode(new RawJson(text.isBlank() ? "null" : text), InstanceState.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | PluginException | IllegalArgumentException e) {
            LOG.warn("Ignoring the state of instance {}: {}", home.getFileName(), e.getMessage());
            return null;
        }
    }

    private static void writeState(JsonCodec json, Path home, InstanceState state) throws PluginException {
        try {
            InstanceFiles.writeAtomically(home.resolve(STATE_FILE), json.encodeIndented(state, "", "  ") + "\n");
        } catch (IOException e) {
            throw new PluginException("Cannot write the state of instance " + state.id() + " in " + home + ": " + e.getMessage(), e);
        }
    }
}
