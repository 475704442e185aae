package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.awaitPluginSocket;
import static io.infrakit.itests.Lifecycle.millis;
import static io.infrakit.itests.Lifecycle.EXAMPLE_BSN;
import static io.infrakit.itests.Lifecycle.EXAMPLE_PLUGIN_JAR;
import static io.infrakit.itests.Lifecycle.EXAMPLES_DIR;
import static io.infrakit.itests.Lifecycle.FLAVOR_VANILLA_BSN;
import static io.infrakit.itests.Lifecycle.INSTANCES_DIR;
import static io.infrakit.itests.Lifecycle.INSTANCE_FILE_BSN;
import static io.infrakit.itests.Lifecycle.PLUGINS_DIR;
import static io.infrakit.itests.Lifecycle.REPLACEMENT_TIMEOUT_MS;
import static io.infrakit.itests.Lifecycle.bumped;
import static io.infrakit.itests.Lifecycle.bundle;
import static io.infrakit.itests.Lifecycle.bundles;
import static io.infrakit.itests.Lifecycle.jarOf;
import static io.infrakit.itests.Lifecycle.required;
import static io.infrakit.itests.Lifecycle.versionOf;
import static io.infrakit.itests.Lifecycle.withVersion;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.Manager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Plugins come, go and change version while Karaf and everything else keep running: a plugin jar
 * dropped into {@code deploy/} is served and leaves with it; the file instance plugin is upgraded twice
 * ({@code bundle:update}, {@code feature:install -u}) under a client's continuous calls with no failed
 * call and no change to the group it serves; two versions of a plugin bundle, and two configurations of
 * one, serve side by side under their own names; and a group whose flavor plugin is uninstalled keeps its
 * instances, says what is missing, and resumes by itself when the plugin is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginLifecycleIT {

    /** The name the example plugin is served under when it has no configuration. */
    private static final String EXAMPLE_NAME = "instance-example";

    /** The factory PID of the example plugin. */
    private static final String EXAMPLE_PID = "io.infrakit.examples.plugin";

    /** The factory PID of the file instance plugin. */
    private static final String INSTANCE_FILE_PID = "io.infrakit.instance.file";

    private static final String INSTANCE_FILE_FEATURE = "infrakit-instance-file";
    private static final String FLAVOR_VANILLA_FEATURE = "infrakit-flavor-vanilla";

    /** The longest wait for a plugin's socket once its service is there. */
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(15);

    /** The longest wait for a socket to go once its plugin is gone: the replacement timeout, then a margin. */
    private static final Duration SOCKET_GONE_WAIT = Duration.ofMillis(REPLACEMENT_TIMEOUT_MS).plusSeconds(10);

    /** The longest wait for FileInstall (polling deploy/ every second) to install or uninstall a jar. */
    private static final Duration DEPLOY_WAIT = Duration.ofSeconds(20);

    /** The longest wait for a group to converge or to notice a change of its plugins. */
    private static final Duration GROUP_WAIT = Duration.ofSeconds(60);

    private static final String REPORT = "plugin-lifecycle.txt";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private FeaturesService features;

    private RpcClient client;

    private Path pluginsDir;

    private Path instancesDir;

    /** A directory of this test's own files inside the container's data directory. */
    private Path work;

    /**
     * The shipped assembly, unchanged but for the directories of this run and a short replacement timeout.
     *
     * @return the options
     * @throws IOException if the directories cannot be created
     */
    @Configuration
    public Option[] configuration() throws IOException {
        return Lifecycle.container(Lifecycle.REPLACEMENT_TIMEOUT_MS);
    }

    @Before
    public void setUp() throws IOException {
        pluginsDir = Path.of(required(PLUGINS_DIR));
        instancesDir = Path.of(required(INSTANCES_DIR));
        Path tmp = Path.of(required("karaf.data"), "tmp");
        Files.createDirectories(tmp);
        work = Files.createTempDirectory(tmp, "lifecycle");
        client = new RpcClient(Duration.ofSeconds(10));
    }

    @After
    public void tearDown() {
        client.close();
    }

    /**
     * Hot deploy: the example plugin's jar moved into Karaf's {@code deploy/} folder is installed by
     * FileInstall, registers its service and gets its socket, which answers the handshake (the time from
     * the jar landing to the first answer is reported); deleting the jar uninstalls the bundle, and its
     * service and socket go.
     */
    @Test
    public void pluginJarDroppedIntoDeployIsServedAndGoesWithIt() throws Exception {
        Path deploy = Path.of(required("karaf.base"), "deploy");
        assertTrue(deploy + " exists", Files.isDirectory(deploy));
        Path socket = pluginsDir.resolve(EXAMPLE_NAME);
        assertFalse("no socket " + socket + " before the deploy", Files.exists(socket));
        assertEquals("no example bundle before the deploy", List.of(), bundles(context, EXAMPLE_BSN));
        Version version = versionOf(Path.of(required(EXAMPLE_PLUGIN_JAR)));
        // The client's own first call (class loading in a fresh container) is not part of the deploy time.
        client.handshake(awaitPluginSocket("instance-file"));

        // Staged on the same file system, then renamed into deploy/: the jar lands whole, at a known instant.
        Path staged = Files.copy(Path.of(required(EXAMPLE_PLUGIN_JAR)), work.resolve("infrakit-example-plugin.jar"));
        Path deployed = deploy.resolve("infrakit-example-plugin.jar");
        long landed = System.nanoTime();
        Files.move(staged, deployed, StandardCopyOption.ATOMIC_MOVE);
        long registered;
        long socketCreated;
        long answered;
        JsonNode handshake;
        try {
            Await.until(DEPLOY_WAIT, "the service " + EXAMPLE_NAME + " registered by the deployed bundle",
                    () -> services(InstancePlugin.class, EXAMPLE_NAME).size() == 1);
            registered = System.nanoTime();
            SocketFiles.awaitPresent(socket, SOCKET_WAIT);
            socketCreated = System.nanoTime();
            handshake = JSON.readTree(client.call(socket, "Handshake.Implements", "{}"));
            answered = System.nanoTime();

            assertTrue(socket + " is a Unix domain socket", SocketFiles.isSocket(socket));
            assertEquals(JSON.readTree("[{\"Name\":\"Instance\",\"Version\":\"0.3.0\"}]"), handshake.get("APIs"));
            assertEquals(handshake.toString(), EXAMPLE_BSN, handshake.path("Vendor").path("Name").asText());
            assertEquals(handshake.toString(), version.toString(), handshake.path("Vendor").path("Version").asText());
            Bundle installed = bundle(context, EXAMPLE_BSN);
            assertEquals(Bundle.ACTIVE, installed.getState());

            InstancePlugin plugin = client.connect(socket, "", InstancePlugin.class);
            String id = plugin.provision(new InstanceSpec(null, Map.of("test", "hot-deploy"), "", null, null));
            assertEquals(List.of(new Description(id, null, Map.of("test", "hot-deploy"))),
                    plugin.describeInstances(Map.of("test", "hot-deploy")));
        } finally {
            Files.deleteIfExists(deployed);
        }
        long deleted = System.nanoTime();
        Await.until(DEPLOY_WAIT, "the example bundle uninstalled after its jar was deleted from deploy/",
                () -> bundles(context, EXAMPLE_BSN).isEmpty());
        assertEquals("services named " + EXAMPLE_NAME, List.of(), services(InstancePlugin.class, EXAMPLE_NAME));
        SocketFiles.awaitAbsent(socket, SOCKET_GONE_WAIT);
        long socketGone = System.nanoTime();
        assertThrows(PluginException.class, () -> client.handshake(socket));

        Lifecycle.report(REPORT, List.of(
                String.format("hot deploy: jar in deploy/ -> service registered %d ms, socket created %d ms, "
                        + "handshake answered %d ms", millis(registered - landed), millis(socketCreated - landed), millis(answered - landed)),
                String.format("hot undeploy: jar deleted -> socket gone %d ms (replacement timeout %d ms)",
                        millis(socketGone - deleted), REPLACEMENT_TIMEOUT_MS)));
    }

    /**
     * Versioned upgrade without restart: with the tutorial group {@code cattle} converged on the default
     * file instance plugin, and two clients calling continuously (the plugin's DescribeInstances over its
     * socket, the group's DescribeGroup over its own), the file instance bundle is upgraded twice to a copy
     * of its jar with a bumped {@code Bundle-Version}: (a) as {@code bundle:update <id> <jar>} does
     * ({@link Bundle#update(InputStream)}), then (b) as {@code feature:install -u} does
     * ({@link FeaturesService#installFeature(String, String, EnumSet)} with {@code Upgrade}) from a
     * features repository the test writes. No call fails, every call sees exactly the group's 5 instances,
     * the instance files are the same ones afterwards, and both OSGi and the plugin's handshake report the
     * new version.
     */
    @Test
    public void instancePluginUpgradedTwiceUnderLoadLosesNoCallAndNoInstance() throws Exception {
        Path groupSocket = awaitPluginSocket("group");
        Path instanceSocket = awaitPluginSocket("instance-file");
        GroupPlugin groups = client.connect(groupSocket, "", GroupPlugin.class);
        InstancePlugin instances = client.connect(instanceSocket, "", InstancePlugin.class);
        String cattle = Files.readString(Path.of(required(EXAMPLES_DIR), "cattle.json"), StandardCharsets.UTF_8);
        client.call(groupSocket, "Group.CommitGroup", "{\"Spec\":" + cattle + ",\"Pretend\":false}");
        try {
            Set<String> members = awaitConverged(groups, "cattle", 5);

            Bundle plugin = bundle(context, INSTANCE_FILE_BSN);
            Version original = plugin.getVersion();
            Version updated = bumped(original, 1);
            Version upgraded = bumped(original, 2);
            Path updateJar;
            Path upgradeJar;
            try (InputStream jar = jarOf(plugin)) {
                updateJar = withVersion(jar, updated, work.resolve("infrakit-instance-file-" + updated + ".jar"));
            }
            try (InputStream jar = jarOf(plugin)) {
                upgradeJar = withVersion(jar, upgraded, work.resolve("infrakit-instance-file-" + upgraded + ".jar"));
            }
            Path repository = upgradeRepository(upgraded, upgradeJar);
            Feature before = installedFeature(INSTANCE_FILE_FEATURE);

            CallLoop pluginCalls = new CallLoop("instance-file client",
                    () -> instances.describeInstances(Map.of("infrakit.group", "cattle")).size(), 5);
            CallLoop groupCalls = new CallLoop("group client",
                    () -> groups.describeGroup("cattle").instances().size(), 5);
            try (pluginCalls; groupCalls) {
                pluginCalls.awaitMore(20, SOCKET_WAIT);
                groupCalls.awaitMore(5, SOCKET_WAIT);

                // (a) bundle:update <id> <jar>: the same bundle (id, location) gets the new content.
                try (InputStream jar = Files.newInputStream(updateJar)) {
                    plugin.update(jar);
                }
                assertEquals(updated, plugin.getVersion());
                awaitServedBy("instance-file", updated);
                pluginCalls.awaitMore(20, SOCKET_WAIT);
                groupCalls.awaitMore(5, SOCKET_WAIT);
                assertEquals(updated.toString(), vendorVersion(instanceSocket));

                // (b) feature:install -u <feature>/<version> from a new features repository.
                features.addRepository(repository.toUri());
                features.installFeature(INSTANCE_FILE_FEATURE, upgraded.toString(), EnumSet.of(FeaturesService.Option.Upgrade));
                awaitServedBy("instance-file", upgraded);
                pluginCalls.awaitMore(20, SOCKET_WAIT);
                groupCalls.awaitMore(5, SOCKET_WAIT);
            }

            assertEquals("failed calls to the instance plugin: " + pluginCalls.summary(), 0, pluginCalls.failed());
            assertEquals("instance counts other than 5 from the instance plugin: " + pluginCalls.summary(), 0, pluginCalls.wrong());
            assertEquals("failed DescribeGroup calls: " + groupCalls.summary(), 0, groupCalls.failed());
            assertEquals("instance counts other than 5 from DescribeGroup: " + groupCalls.summary(), 0, groupCalls.wrong());

            Bundle now = bundle(context, INSTANCE_FILE_BSN);
            assertEquals(upgraded, now.getVersion());
            assertEquals(Bundle.ACTIVE, now.getState());
            assertTrue("feature " + INSTANCE_FILE_FEATURE + "/" + upgraded + " installed",
                    features.isInstalled(features.getFeature(INSTANCE_FILE_FEATURE, upgraded.toString())));
            assertFalse("feature " + before.getId() + " no longer installed", features.isInstalled(before));
            assertEquals(upgraded.toString(), vendorVersion(instanceSocket));
            assertEquals("the group's instances are the same ones", members, awaitConverged(groups, "cattle", 5));

            long[] latencies = pluginCalls.sortedLatencies();
            Lifecycle.report(REPORT, List.of(String.format(
                    "upgrade under load (bundle:update + feature:install -u of %s %s -> %s -> %s): %d calls to the plugin, "
                            + "%d failed, worst %.1f ms, p99 %.1f ms; %d DescribeGroup calls, %d failed, worst %.1f ms",
                    INSTANCE_FILE_BSN, original, updated, upgraded, pluginCalls.calls(), pluginCalls.failed(),
                    CallLoop.percentileMillis(latencies, 100), CallLoop.percentileMillis(latencies, 99),
                    groupCalls.calls(), groupCalls.failed(), CallLoop.percentileMillis(groupCalls.sortedLatencies(), 100))));
        } finally {
            client.call(groupSocket, "Group.DestroyGroup", "{\"ID\":\"cattle\"}");
        }
    }

    /**
     * Two versions of one plugin bundle side by side: the example plugin's jar and a copy with a bumped
     * version are both installed, each configured by a factory configuration targeted at its own version
     * (the PID {@code io.infrakit.examples.plugin|<symbolic name>|<version>}) with a name of its own. Two
     * sockets answer, each naming its bundle's version in the handshake, and each keeps its own instances.
     */
    @Test
    public void twoVersionsOfAPluginBundleServeSideBySideUnderTheirOwnNames() throws Exception {
        Path jar = Path.of(required(EXAMPLE_PLUGIN_JAR));
        Version v1 = versionOf(jar);
        Version v2 = bumped(v1, 1);
        Path jar1 = Files.copy(jar, work.resolve("example-" + v1 + ".jar"));
        Path jar2;
        try (InputStream in = Files.newInputStream(jar)) {
            jar2 = withVersion(in, v2, work.resolve("example-" + v2 + ".jar"));
        }
        List<org.osgi.service.cm.Configuration> configurations = new ArrayList<>();
        List<Bundle> installed = new ArrayList<>();
        try {
            configurations.add(namedConfiguration(EXAMPLE_PID + "|" + EXAMPLE_BSN + "|" + v1, "example-v1", Map.of()));
            configurations.add(namedConfiguration(EXAMPLE_PID + "|" + EXAMPLE_BSN + "|" + v2, "example-v2", Map.of()));
            Bundle b1 = context.installBundle(jar1.toUri().toString());
            installed.add(b1);
            Bundle b2 = context.installBundle(jar2.toUri().toString());
            installed.add(b2);
            b1.start();
            b2.start();

            Path s1 = awaitPluginSocket("example-v1");
            Path s2 = awaitPluginSocket("example-v2");
            assertEquals(v1.toString(), vendorVersion(s1));
            assertEquals(v2.toString(), vendorVersion(s2));
            assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), client.handshake(s1));
            assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), client.handshake(s2));
            assertEquals(b1, single(services(InstancePlugin.class, "example-v1")).getBundle());
            assertEquals(b2, single(services(InstancePlugin.class, "example-v2")).getBundle());
            assertEquals("no plugin under the default name while each version has a configuration",
                    List.of(), services(InstancePlugin.class, EXAMPLE_NAME));

            InstancePlugin p1 = client.connect(s1, "", InstancePlugin.class);
            InstancePlugin p2 = client.connect(s2, "", InstancePlugin.class);
            String id1 = p1.provision(new InstanceSpec(null, Map.of("side", "1"), "", null, null));
            String id2 = p2.provision(new InstanceSpec(null, Map.of("side", "2"), "", null, null));
            assertEquals(List.of(new Description(id1, null, Map.of("side", "1"))), p1.describeInstances(Map.of()));
            assertEquals(List.of(new Description(id2, null, Map.of("side", "2"))), p2.describeInstances(Map.of()));
        } finally {
            for (Bundle bundle : installed) {
                bundle.uninstall();
            }
            for (org.osgi.service.cm.Configuration configuration : configurations) {
                configuration.delete();
            }
        }
    }

    /**
     * One plugin bundle, two factory configurations with different names and directories: two sockets
     * answer, each plugin provisions into and lists its own directory only, and deleting the
     * configurations stops both (their sockets go, their files stay).
     */
    @Test
    public void twoConfigurationsOfTheFilePluginServeTheirOwnDirectoriesUnderTheirOwnNames() throws Exception {
        Path dirA = work.resolve("files-a");
        Path dirB = work.resolve("files-b");
        List<org.osgi.service.cm.Configuration> configurations = new ArrayList<>();
        Path socketA = pluginsDir.resolve("files-a");
        Path socketB = pluginsDir.resolve("files-b");
        try {
            configurations.add(namedConfiguration(INSTANCE_FILE_PID, "files-a", Map.of("dir", dirA.toString())));
            configurations.add(namedConfiguration(INSTANCE_FILE_PID, "files-b", Map.of("dir", dirB.toString())));
            awaitPluginSocket("files-a");
            awaitPluginSocket("files-b");
            assertEquals(INSTANCE_FILE_BSN, vendorName(socketA));
            assertEquals(INSTANCE_FILE_BSN, vendorName(socketB));

            InstancePlugin a = client.connect(socketA, "", InstancePlugin.class);
            InstancePlugin b = client.connect(socketB, "", InstancePlugin.class);
            String idA = a.provision(new InstanceSpec(null, Map.of("plugin", "a"), "", null, null));
            String idB = b.provision(new InstanceSpec(null, Map.of("plugin", "b"), "", null, null));
            assertEquals(Set.of(idA), fileNames(dirA));
            assertEquals(Set.of(idB), fileNames(dirB));
            assertEquals(List.of(new Description(idA, null, Map.of("plugin", "a"))), a.describeInstances(Map.of()));
            assertEquals(List.of(new Description(idB, null, Map.of("plugin", "b"))), b.describeInstances(Map.of()));
            assertFalse("the default plugin's directory is not theirs", fileNames(instancesDir).contains(idA));
        } finally {
            for (org.osgi.service.cm.Configuration configuration : configurations) {
                configuration.delete();
            }
        }
        SocketFiles.awaitAbsent(socketA, SOCKET_GONE_WAIT);
        SocketFiles.awaitAbsent(socketB, SOCKET_GONE_WAIT);
        assertEquals(1, fileNames(dirA).size());
        assertEquals(1, fileNames(dirB).size());
        assertEquals("the default instance-file plugin still answers", List.of(new InterfaceSpec("Instance", "0.3.0"),
                        new InterfaceSpec("InstanceChanges", "0.1.0")),
                client.handshake(pluginsDir.resolve("instance-file")));
    }

    /**
     * A group whose flavor plugin is uninstalled ({@code feature:uninstall infrakit-flavor-vanilla}) keeps
     * its instances and reports the missing plugin in DescribeGroup's error; once the feature is installed
     * again the group resumes by itself (no commit): converged, no error, the very same instances.
     */
    @Test
    public void groupKeepsItsInstancesWhileItsFlavorIsUninstalledAndResumesWhenItIsBack() throws Exception {
        Path groupSocket = awaitPluginSocket("group");
        awaitPluginSocket("flavor-vanilla");
        GroupPlugin groups = client.connect(groupSocket, "", GroupPlugin.class);
        String id = "it-flavor";
        client.call(groupSocket, "Group.CommitGroup", "{\"Spec\":{\"ID\":\"" + id + "\",\"Properties\":{"
                + "\"Allocation\":{\"Size\":3},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"flavor goes away\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hello\"]}}}},\"Pretend\":false}");
        Feature flavor = installedFeature(FLAVOR_VANILLA_FEATURE);
        try {
            Set<String> members = awaitConverged(groups, id, 3);

            features.uninstallFeature(flavor.getName(), flavor.getVersion());
            assertEquals("flavor bundles", List.of(), bundles(context, FLAVOR_VANILLA_BSN));
            GroupDescription[] seen = new GroupDescription[1];
            Await.until(GROUP_WAIT, "DescribeGroup reports the missing flavor plugin", () -> {
                seen[0] = groups.describeGroup(id);
                return seen[0].error() != null && seen[0].error().contains("Plugin not found: flavor-vanilla");
            });
            assertFalse("converged without its flavor: " + seen[0], seen[0].converged());
            assertEquals("the members DescribeGroup lists", members, ids(seen[0]));
            assertEquals("no instance destroyed", members, InstanceFiles.ofGroup(instancesDir, id));

            features.installFeature(flavor.getName(), flavor.getVersion());
            awaitPluginSocket("flavor-vanilla");
            assertEquals("the same instances once the flavor is back", members, awaitConverged(groups, id, 3));
            assertEquals(members, InstanceFiles.ofGroup(instancesDir, id));
        } finally {
            if (!features.isInstalled(flavor)) {
                features.installFeature(flavor.getName(), flavor.getVersion());
            }
            client.call(groupSocket, "Group.DestroyGroup", "{\"ID\":\"" + id + "\"}");
        }
    }

    /**
     * Waits until a group is converged with no error and {@code size} members, which are the instance
     * files tagged with the group.
     *
     * @return the members' IDs
     */
    private Set<String> awaitConverged(GroupPlugin groups, String id, int size) throws InterruptedException {
        GroupDescription[] last = new GroupDescription[1];
        try {
            Await.until(GROUP_WAIT, "group " + id + " converged with " + size + " instances and no error", () -> {
                GroupDescription d = groups.describeGroup(id);
                last[0] = d;
                return d.converged() && d.error() == null && d.instances().size() == size && ids(d).equals(InstanceFiles.ofGroup(instancesDir, id));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last description: " + last[0], e.getCause());
        }
        return ids(last[0]);
    }

    private static Set<String> ids(GroupDescription description) {
        Set<String> ids = new TreeSet<>();
        description.instances().forEach(d -> ids.add(d.id()));
        return ids;
    }


    private static Set<String> fileNames(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (var files = Files.newDirectoryStream(dir, "instance-*")) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        return names;
    }

    /** A features repository with the file instance feature in another version, made of the given jar. */
    private Path upgradeRepository(Version version, Path jar) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<features name=\"infrakit-itest-upgrade-" + version + "\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">\n"
                + "  <feature name=\"" + INSTANCE_FILE_FEATURE + "\" version=\"" + version + "\""
                + " description=\"InfraKit file instance plugin, bumped by the test\">\n"
                + "    <feature>infrakit-core</feature>\n"
                + "    <bundle>" + jar.toUri() + "</bundle>\n"
                + "  </feature>\n"
                + "</features>\n";
        return Files.writeString(work.resolve("upgrade-features.xml"), xml, StandardCharsets.UTF_8);
    }

    /** The installed feature of a name. */
    private Feature installedFeature(String name) throws Exception {
        List<Feature> found = new ArrayList<>();
        for (Feature feature : features.listInstalledFeatures()) {
            if (feature.getName().equals(name)) {
                found.add(feature);
            }
        }
        assertEquals("installed features " + name + ": " + found, 1, found.size());
        return found.get(0);
    }

    /** Creates a factory configuration with a plugin name, visible to every bundle. */
    private org.osgi.service.cm.Configuration namedConfiguration(String factoryPid, String name, Map<String, String> more)
            throws IOException {
        org.osgi.service.cm.Configuration configuration = configAdmin.createFactoryConfiguration(factoryPid, "?");
        Dictionary<String, Object> properties = new Hashtable<>(more);
        properties.put(PluginName.SERVICE_PROPERTY, name);
        configuration.update(properties);
        return configuration;
    }

    /**
     * Installing the manager's ZooKeeper backend while Karaf runs (Curator, a wrapped ZooKeeper, Guava,
     * Netty) restarts nothing: the manager and the group plugin keep their service registrations (a
     * refresh of JLine, the shell or SCR would re-register every DS component), and the manager keeps
     * leading on its file backend.
     */
    @Test
    public void installingTheZooKeeperBackendRestartsNothingThatRuns() throws Exception {
        awaitPluginSocket("group");
        Await.until(GROUP_WAIT, "the manager leads", () -> context.getService(single(services(Manager.class, "group"))).isLeader());
        Object manager = single(services(Manager.class, "group")).getProperty(Constants.SERVICE_ID);
        Object groups = single(services(GroupPlugin.class, "group-stateless")).getProperty(Constants.SERVICE_ID);
        Object instances = single(services(InstancePlugin.class, "instance-file")).getProperty(Constants.SERVICE_ID);
        Feature zookeeper = features.getFeature("infrakit-manager-zookeeper");
        assertNotNull("infrakit-manager-zookeeper is in the distribution", zookeeper);

        features.installFeature(zookeeper.getName(), zookeeper.getVersion());
        try {
            assertEquals("backend bundle state", Bundle.ACTIVE, bundle(context, "io.infrakit.manager.zookeeper").getState());
            assertEquals("the manager's registration", manager, single(services(Manager.class, "group")).getProperty(Constants.SERVICE_ID));
            assertEquals("the group plugin's registration", groups, single(services(GroupPlugin.class, "group-stateless")).getProperty(Constants.SERVICE_ID));
            assertEquals("the instance plugin's registration", instances,
                    single(services(InstancePlugin.class, "instance-file")).getProperty(Constants.SERVICE_ID));
            assertTrue("the manager still leads", context.getService(single(services(Manager.class, "group"))).isLeader());
        } finally {
            features.uninstallFeature(zookeeper.getName(), zookeeper.getVersion());
        }
    }

    /** The services of a type registered under a plugin name. */
    private <T> List<ServiceReference<T>> services(Class<T> type, String name) throws InvalidSyntaxException {
        Collection<ServiceReference<T>> found = context.getServiceReferences(type,
                "(" + PluginName.SERVICE_PROPERTY + "=" + name + ")");
        return List.copyOf(found);
    }

    private static <T> T single(List<T> list) {
        assertEquals("one of " + list, 1, list.size());
        return list.get(0);
    }

    /** Waits until the instance service of a name is registered by the bundle of a version, and nothing else. */
    private void awaitServedBy(String name, Version version) throws InterruptedException {
        Await.until(SOCKET_WAIT, "the service " + name + " registered by version " + version, () -> {
            List<ServiceReference<InstancePlugin>> found = services(InstancePlugin.class, name);
            return found.size() == 1 && found.get(0).getBundle() != null
                    && version.equals(found.get(0).getBundle().getVersion());
        });
    }

    /** The bundle version the plugin on a socket names in its handshake ({@code Vendor.Version}). */
    private String vendorVersion(Path socket) throws Exception {
        JsonNode vendor = JSON.readTree(client.call(socket, "Handshake.Implements", "{}")).get("Vendor");
        assertNotNull("the handshake names the plugin's bundle", vendor);
        return vendor.path("Version").asText();
    }

    private String vendorName(Path socket) throws Exception {
        JsonNode vendor = JSON.readTree(client.call(socket, "Handshake.Implements", "{}")).get("Vendor");
        assertNotNull("the handshake names the plugin's bundle", vendor);
        return vendor.path("Name").asText();
    }
}
