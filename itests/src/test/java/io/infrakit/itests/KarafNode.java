package io.infrakit.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.PluginException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One Karaf of the distribution run alone as a process ({@link DistributionNode}), as a user runs it, for
 * the tests that kill it with {@code kill -9}: unpacked into {@code target/<name>}, with a short base
 * directory under {@code /tmp} of its own holding its plugins directory ({@code p/}), its
 * {@code INFRAKIT_HOME} ({@code home/}: the leader file and {@code configs/global.config} at their default
 * places) and the directory of its default file instance plugin ({@code instances/}). The test JVM talks to
 * it over the sockets, as a client would: the manager ({@code group}) and the group plugin behind it
 * ({@code group-stateless}).
 */
final class KarafNode implements AutoCloseable {

    /**
     * A rule printing a node's logs when a test fails.
     *
     * @param node the node, once there is one
     * @return the rule
     */
    static org.junit.rules.TestWatcher logsOnFailure(java.util.function.Supplier<KarafNode> node) {
        return new org.junit.rules.TestWatcher() {
            @Override
            protected void failed(Throwable e, org.junit.runner.Description description) {
                KarafNode n = node.get();
                if (n != null) {
                    System.err.println(n.logs());
                }
            }
        };
    }


    /** First boot on two busy cores: up to ~25 s; a restart after kill -9 less. */
    static final Duration BOOT_WAIT = Duration.ofSeconds(90);

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path base;
    private final KarafProcess karaf;
    private final RpcClient client;

    /**
     * Unpacks and configures a node; does not start it. Leadership and the group plugin poll every
     * {@code pollMillis}; everything else is the distribution's default unless {@link #configure} says otherwise.
     *
     * @param name the node's name: its folder under {@code target/}, its manager's name, and the prefix of its base directory
     * @param pollMillis the group plugin's and the file backend's poll interval
     */
    KarafNode(String name, long pollMillis) throws IOException, InterruptedException {
        // short: socket paths are limited to 107 bytes
        this.base = Lifecycle.tempDirectory("ikit-" + name.substring(0, Math.min(6, name.length())));
        Path work = Path.of(Lifecycle.required(TwoNodesIT.WORK_DIR)).resolveSibling(name);
        this.karaf = DistributionNode.unpack(name, work.resolve("karaf"), plugins(), home()).karaf();
        this.client = new RpcClient(Duration.ofSeconds(90), Duration.ofMillis(500));
        Files.createDirectories(instances());
        configure("io.infrakit.instance.file-default.cfg", "dir", instances().toString());
        configure("io.infrakit.manager.file.cfg", "poll.interval.ms", Long.toString(pollMillis));
        configure("io.infrakit.group.cfg", "poll.interval.ms", Long.toString(pollMillis));
    }

    /** @return the unpacked distribution (its {@code bin/}, {@code etc/}, {@code examples/}) */
    Path distribution() {
        return karaf.home();
    }

    /** @return the plugins directory (sockets) */
    Path plugins() {
        return base.resolve("p");
    }

    /** @return {@code INFRAKIT_HOME} */
    Path home() {
        return base.resolve("home");
    }

    /** @return the directory of the default file instance plugin */
    Path instances() {
        return base.resolve("instances");
    }

    /** @return the manager's store */
    Path globalConfig() {
        return home().resolve("configs/global.config");
    }

    /**
     * Sets a key of an {@code etc/} file (before {@link #start}).
     *
     * @param file the file name in {@code etc/}
     * @param key the key
     * @param value the value
     */
    void configure(String file, String key, String value) throws IOException {
        karaf.configure(file, key, value);
    }

    /** Starts Karaf and waits until the manager leads and the group plugin behind it answers. */
    void start() throws IOException, InterruptedException {
        karaf.start();
        Await.until(BOOT_WAIT, karaf.name() + "'s manager leads and group-stateless answers",
                () -> call("Manager.IsLeader", "{}").path("Leader").asBoolean()
                        && client.call(plugins().resolve("group-stateless"), "Group.InspectGroups", "{}") != null);
    }

    /** @return whether Karaf's process runs */
    boolean isAlive() {
        return karaf.isAlive();
    }

    /** Kills Karaf's JVM with SIGKILL (no shutdown hook, no orderly stop of any bundle) and waits for it to be gone. */
    void killHard() throws Exception {
        ProcessHandle process = ProcessHandle.of(karaf.pid()).orElseThrow(() -> new AssertionError(karaf.name() + " is not running"));
        process.destroyForcibly(); // SIGKILL on Unix
        process.onExit().get(30, TimeUnit.SECONDS);
        karaf.stop(STOP_WAIT); // it is gone: only forgets the process
    }

    /**
     * Calls the manager ({@code group}).
     *
     * @param method {@code Service.Method}
     * @param params the params as JSON text
     * @return the result
     * @throws PluginException if the call fails or answers an error
     */
    JsonNode call(String method, String params) throws PluginException, IOException {
        return JSON.readTree(client.call(plugins().resolve("group"), method, params));
    }

    /**
     * {@code Group.CommitGroup} through the manager.
     *
     * @param spec the group spec as JSON text
     * @return the plan ({@code Details})
     */
    String commit(String spec) throws PluginException, IOException {
        return call("Group.CommitGroup", "{\"Spec\":" + spec + ",\"Pretend\":false}").path("Details").asText();
    }

    /**
     * {@code Group.DescribeGroup} through the manager.
     *
     * @param id the group ID
     * @return the {@code Description}
     */
    JsonNode describe(String id) throws PluginException, IOException {
        return call("Group.DescribeGroup", "{\"ID\":" + JSON.writeValueAsString(id) + "}").path("Description");
    }

    /**
     * {@code Group.DestroyGroup} through the manager.
     *
     * @param id the group ID
     * @return the result ({@code {"OK":true}})
     */
    JsonNode destroy(String id) throws PluginException, IOException {
        return call("Group.DestroyGroup", "{\"ID\":" + JSON.writeValueAsString(id) + "}");
    }

    /**
     * The IDs of the groups the group plugin behind the manager runs.
     *
     * @return the IDs
     */
    Set<String> runningGroups() throws PluginException, IOException {
        Set<String> ids = new TreeSet<>();
        JSON.readTree(client.call(plugins().resolve("group-stateless"), "Group.InspectGroups", "{}"))
                .path("Groups").forEach(g -> ids.add(g.path("ID").asText()));
        return ids;
    }

    /**
     * A group's entry in {@code global.config}, read from the file.
     *
     * @param id the group ID
     * @return the entry ({@code {"Plugin","Properties","State"}}), or a missing node when the group is not stored
     */
    JsonNode stored(String id) throws IOException {
        if (!Files.exists(globalConfig())) {
            return MissingNode.getInstance();
        }
        return JSON.readTree(globalConfig().toFile()).path("Groups").path(id);
    }

    /**
     * The end of Karaf's log and console, for a failure report.
     *
     * @return the text
     */
    String logs() {
        return karaf.logs(300);
    }

    /** Stops Karaf (killing it if it does not stop), closes the client and deletes the base directory. */
    @Override
    public void close() throws Exception {
        try {
            karaf.stop(STOP_WAIT);
        } finally {
            client.close();
            KarafProcess.deleteTree(base);
        }
    }
}
