package io.infrakit.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.PluginException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One Karaf of the distribution for the process-level tests: unpacked from the assembly's tar.gz into a
 * work directory, with a plugins directory of its own, its own TCP ports and only the local Maven
 * repository, and a manager by the name given. What the test shares between nodes (leader file, store,
 * instances) it configures itself through {@link #karaf()}.
 *
 * @param managerName the manager's name in the election
 * @param karaf the Karaf process
 * @param plugins its plugins directory
 */
record DistributionNode(String managerName, KarafProcess karaf, Path plugins) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Unpacks and configures a node; does not start it.
     *
     * @param managerName the manager's name
     * @param home the Karaf home (replaced)
     * @param plugins the plugins directory (short: socket paths have at most 106 bytes)
     * @param infrakitHome its {@code INFRAKIT_HOME}
     * @return the node
     */
    static DistributionNode unpack(String managerName, Path home, Path plugins, Path infrakitHome) throws IOException, InterruptedException {
        KarafProcess karaf = new KarafProcess(managerName, home, javaHome(), Map.of("INFRAKIT_HOME", infrakitHome.toString()));
        karaf.unpack(Path.of(Lifecycle.required(TwoNodesIT.ASSEMBLY)));
        karaf.configure("io.infrakit.rpc.cfg", "plugins.dir", plugins.toString());
        karaf.configure("io.infrakit.manager.cfg", "manager.name", managerName);
        int[] ports = KarafProcess.freePorts(3);
        karaf.configure("org.apache.karaf.shell.cfg", "sshPort", Integer.toString(ports[0]));
        karaf.configure("org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(ports[1]));
        karaf.configure("org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(ports[2]));
        // everything is in the distribution's system/: no remote repository, so nothing is fetched
        karaf.configure("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                Lifecycle.required("org.ops4j.pax.url.mvn.localRepository"));
        karaf.configure("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", "");
        return new DistributionNode(managerName, karaf, plugins);
    }

    /** @return the manager's socket */
    Path group() {
        return plugins.resolve("group");
    }

    /** @return the stateless group plugin's socket */
    Path stateless() {
        return plugins.resolve("group-stateless");
    }

    /**
     * Calls a plugin of this node.
     *
     * @param client the client
     * @param socket the plugin's socket
     * @param method {@code Service.Method}
     * @param params the params as JSON
     * @return the result
     */
    static JsonNode call(RpcClient client, Path socket, String method, String params) throws PluginException, IOException {
        return JSON.readTree(client.call(socket, method, params));
    }

    /**
     * @param client the client
     * @return whether this node's manager leads
     */
    boolean isLeader(RpcClient client) throws PluginException, IOException {
        JsonNode leader = call(client, group(), "Manager.IsLeader", "{}").get("Leader");
        if (leader == null || !leader.isBoolean()) {
            throw new AssertionError(managerName + " answered IsLeader without a boolean Leader: " + leader);
        }
        return leader.asBoolean();
    }

    /**
     * @param client the client
     * @return the number of groups this node's group plugin runs
     */
    int groupsRunning(RpcClient client) throws PluginException, IOException {
        return call(client, stateless(), "Group.InspectGroups", "{}").path("Groups").size();
    }

    /** The JDK for Karaf: Karaf 4.4 does not start on Java 24+. */
    static Path javaHome() {
        String configured = System.getProperty(TwoNodesIT.KARAF_JAVA_HOME);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        int feature = Runtime.version().feature();
        if (feature >= 24) {
            throw new IllegalStateException("Karaf 4.4 does not run on Java " + feature + ": run the tests on JDK 17 or set -D"
                    + TwoNodesIT.KARAF_JAVA_HOME);
        }
        return Path.of(System.getProperty("java.home"));
    }
}
