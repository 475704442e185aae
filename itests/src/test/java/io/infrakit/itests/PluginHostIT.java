package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.awaitPluginSocket;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.manager.Manager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Boots the InfraKit assembly once and proves, over real Unix sockets, that the rpc plugin host serves
 * every plugin service registered with {@code infrakit.plugin.name}: socket file and permissions,
 * handshake and one method per SPI, a replacement behind an open socket with no failed call, and the
 * socket's removal when the name is gone for good. It also proves that the assembly's default plugins
 * ({@code group}, {@code instance-file}, {@code flavor-vanilla}) are served out of the box from their
 * shipped configurations, behave like the Go ones on the wire, and together converge and heal the
 * tutorial group of {@code examples/}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginHostIT {

    /** The config SHA of examples/cattle.json (Go InfraKit's golden value for docs/cattle.json). */
    private static final String CATTLE_CONFIG_SHA = "006438mMXW8gXeYtUxgf9Zbg94Y=";

    /** The longest wait for a group to converge; the group plugin checks every second by default. */
    private static final Duration CONVERGENCE_WAIT = Duration.ofSeconds(30);


    /** How long the host waits for a replacement; kept short so the removal test is quick. */
    private static final long REPLACEMENT_TIMEOUT_MS = 1000;

    private static final Duration SOCKET_WAIT = Duration.ofSeconds(15);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    private RpcClient client;

    private Path pluginsDir;

    private Path instancesDir;

    /**
     * The container: the assembly under test, the real local Maven repository, and a short plugins
     * directory (Pax Exam's own unpack path would exceed the 107-byte socket path limit).
     *
     * @return the options
     * @throws IOException if the plugins directory cannot be created
     */
    @Configuration
    public Option[] configuration() throws IOException {
        return Lifecycle.container(REPLACEMENT_TIMEOUT_MS);
    }

    private static String required(String property) {
        return Lifecycle.required(property);
    }

    @Before
    public void setUp() {
        pluginsDir = Path.of(required(Lifecycle.PLUGINS_DIR));
        instancesDir = Path.of(required(Lifecycle.INSTANCES_DIR));
        client = new RpcClient(Duration.ofSeconds(10));
    }

    @After
    public void tearDown() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the test itself
            }
        }
        client.close();
    }

    /** (a) A registered plugin service gets the socket {@code <plugins dir>/<name>}, readable by its owner only. */
    @Test
    public void registeredPluginGetsAnOwnerOnlySocket() throws Exception {
        Path socket = pluginsDir.resolve("it-perm");
        assertFalse("no socket before registration", Files.exists(socket));

        register(new FakeInstancePlugin(List.of()), "it-perm", InstancePlugin.class);
        SocketFiles.awaitPresent(socket, SOCKET_WAIT);

        assertTrue(socket + " is a Unix domain socket", SocketFiles.isSocket(socket));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), client.handshake(socket));
    }

    /** (b) Handshake and one method of the Instance SPI over the socket. */
    @Test
    public void instancePluginAnswersHandshakeAndDescribeInstances() throws Exception {
        Description web = new Description("i-web-1", null, Map.of("tier", "web", "infrakit.group", "cattle"));
        Description db = new Description("i-db-1", "db-a", Map.of("tier", "db", "infrakit.group", "pets"));
        register(new FakeInstancePlugin(List.of(web, db)), "it-instance", InstancePlugin.class);
        Path socket = awaitPluginSocket("it-instance");

        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), client.handshake(socket));
        // Go InfraKit 0.3+ clients read "APIs" from Handshake.Implements; the documented Plugin.Implements has "Interfaces".
        String instanceSpec = "[{\"Name\":\"Instance\",\"Version\":\"0.3.0\"}]";
        assertJson(instanceSpec, JSON.readTree(client.call(socket, "Handshake.Implements", "{}")).get("APIs"));
        assertJson(instanceSpec, JSON.readTree(client.call(socket, "Plugin.Implements", "{}")).get("Interfaces"));

        InstancePlugin instances = client.connect(socket, "", InstancePlugin.class);
        assertEquals("the tag filter reaches the plugin", List.of(db), instances.describeInstances(Map.of("tier", "db")));
        assertEquals(List.of(web, db), instances.describeInstances(Map.of()));
        assertEquals(List.of(), instances.describeInstances(Map.of("tier", "cache")));
        PluginException error = assertThrows(PluginException.class, () -> instances.destroy("i-web-1"));
        assertTrue(error.getMessage(), error.getMessage().contains("destroy is not supported by this fake"));
    }

    /** (b) Handshake and one method of the Flavor SPI over the socket. */
    @Test
    public void flavorPluginAnswersHandshakeAndHealthy() throws Exception {
        FakeFlavorPlugin fake = new FakeFlavorPlugin(Health.UNHEALTHY);
        register(fake, "it-flavor", FlavorPlugin.class);
        Path socket = awaitPluginSocket("it-flavor");

        assertEquals(List.of(new InterfaceSpec("Flavor", "0.1.0")), client.handshake(socket));

        FlavorPlugin flavor = client.connect(socket, "", FlavorPlugin.class);
        Description instance = new Description("i-7", "10.0.0.7", Map.of("infrakit.group", "workers"));
        RawJson properties = new RawJson("{\"Probe\":{\"Port\":8080},\"Retries\":3}");

        assertEquals(Health.UNHEALTHY, flavor.healthy(properties, instance));
        assertEquals("the instance reaches the plugin", instance, fake.lastInstance.get());
        assertNotNull("the properties reach the plugin", fake.lastProperties.get());
        assertEquals("the properties reach the plugin unchanged",
                JSON.readTree(properties.json()), JSON.readTree(fake.lastProperties.get().json()));

        assertEquals(Health.UNHEALTHY, flavor.healthy(null, instance));
        assertNull("a null Properties stays null", fake.lastProperties.get());
    }

    /** (b) One object serving both Group and Manager: handshake lists both, and both answer. */
    @Test
    public void groupManagerAnswersHandshakeInspectGroupsAndIsLeader() throws Exception {
        GroupSpec cattle = new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":5},\"Instance\":{\"Plugin\":\"instance-file\"}}"));
        GroupSpec pets = new GroupSpec("pets", new RawJson("{\"Allocation\":{\"LogicalIDs\":[\"a\",\"b\"]}}"));
        FakeGroupManager fake = new FakeGroupManager(List.of(cattle, pets));
        register(fake, "it-group", GroupPlugin.class, Manager.class);
        Path socket = awaitPluginSocket("it-group");

        List<InterfaceSpec> apis = client.handshake(socket);
        assertEquals("handshake " + apis, 2, apis.size());
        assertEquals(Set.of(new InterfaceSpec("Group", "0.1.0"), new InterfaceSpec("Manager", "0.1.0")),
                new HashSet<>(apis));

        GroupPlugin group = client.connect(socket, "", GroupPlugin.class);
        List<GroupSpec> groups = group.inspectGroups();
        assertEquals(2, groups.size());
        assertEquals("cattle", groups.get(0).id());
        assertEquals(JSON.readTree(cattle.properties().json()), JSON.readTree(groups.get(0).properties().json()));
        assertEquals("pets", groups.get(1).id());
        assertEquals(JSON.readTree(pets.properties().json()), JSON.readTree(groups.get(1).properties().json()));
        PluginException error = assertThrows(PluginException.class, () -> group.describeGroup("nope"));
        assertTrue(error.getMessage(), error.getMessage().contains("Group nope is not managed here"));

        Manager manager = client.connect(socket, "", Manager.class);
        assertTrue(manager.isLeader());
        fake.leader.set(false);
        assertFalse(manager.isLeader());
    }

    /**
     * The default plugins run out of the box: the assembly boots their features and ships a factory
     * configuration for each ({@code etc/<factory pid>-default.cfg}), so their sockets appear without
     * anything registered by the test, and answer the handshake with the Go plugins' interface versions.
     */
    @Test
    public void defaultInstanceAndFlavorPluginsAreServedOutOfTheBox() throws Exception {
        Path instanceFile = awaitPluginSocket("instance-file");
        Path flavorVanilla = awaitPluginSocket("flavor-vanilla");

        assertTrue(instanceFile + " is a Unix domain socket", SocketFiles.isSocket(instanceFile));
        // Instance first, as the Go plugins answer; then the changes it tells at once (InstanceChanges, optional)
        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0"), new InterfaceSpec("InstanceChanges", "0.1.0")), client.handshake(instanceFile));
        assertEquals(List.of(new InterfaceSpec("Flavor", "0.1.0")), client.handshake(flavorVanilla));

        // fileinstall (3.7.4 in Karaf 4.4) makes <factory pid>-<name>.cfg a named factory configuration
        // <factory pid>~<name>; a file named <factory pid>~<name>.cfg would be a plain one, and start nothing.
        org.osgi.service.cm.Configuration[] configs = configAdmin.listConfigurations(
                "(service.factoryPid=io.infrakit.instance.file)");
        assertNotNull("a factory configuration of io.infrakit.instance.file", configs);
        assertEquals(1, configs.length);
        assertEquals("io.infrakit.instance.file~default", configs[0].getPid());
        assertEquals("instance-file", configs[0].getProperties().get(PluginName.SERVICE_PROPERTY));
    }

    /**
     * An instance provisioned over the default {@code instance-file} socket is a file in the configured
     * directory, in the Go plugin's format ({@code json.MarshalIndent(v, "", "")}), and Destroy removes it.
     */
    @Test
    public void defaultFileInstancePluginWritesGoFormatFilesInItsConfiguredDirectory() throws Exception {
        Path socket = awaitPluginSocket("instance-file");
        String tags = "{\"itest\":\"provision\",\"tier\":\"web\"}";
        String result = client.call(socket, "Instance.Provision", "{\"Type\":\"\",\"Spec\":{\"Properties\":{\"Note\":\"itest\"},"
                + "\"Tags\":" + tags + ",\"Init\":\"echo hello\",\"LogicalID\":null,\"Attachments\":null}}");
        String id = JSON.readTree(result).get("ID").asText();
        assertTrue("instance ID " + id, id.matches("instance-[0-9]+"));
        Path file = instancesDir.resolve(id);
        try {
            assertTrue(file + " exists", Files.isRegularFile(file));
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertEquals("{", lines.get(0));
            assertTrue("second line: " + lines.get(1), lines.get(1).startsWith("\"ID\": \"instance-"));
            assertEquals("\"ID\": \"" + id + "\",", lines.get(1));
            JsonNode content = JSON.readTree(file.toFile());
            assertJson(tags, content.get("Tags"));
            assertEquals("echo hello", content.get("Spec").get("Init").asText());

            String described = client.call(socket, "Instance.DescribeInstances", "{\"Type\":\"\",\"Tags\":{\"itest\":\"provision\"}}");
            assertJson("[{\"ID\":\"" + id + "\",\"LogicalID\":null,\"Tags\":" + tags + "}]",
                    JSON.readTree(described).get("Descriptions"));
        } finally {
            client.call(socket, "Instance.Destroy", "{\"Type\":\"\",\"Instance\":\"" + id + "\"}");
        }
        assertFalse(file + " is gone after Destroy", Files.exists(file));
    }

    /** Flavor.Prepare of the default {@code flavor-vanilla} over its socket answers byte for byte like the Go plugin. */
    @Test
    public void defaultVanillaFlavorPreparesLikeTheGoPlugin() throws Exception {
        Path socket = awaitPluginSocket("flavor-vanilla");
        String result = client.call(socket, "Flavor.Prepare", "{\"Type\":\"\","
                + "\"Properties\":{\"Init\":[\"line1\",\"line2\"],\"Tags\":{\"tier\":\"web\"}},"
                + "\"Spec\":{\"Properties\":{\"Note\":\"x\"},\"Tags\":{\"infrakit.group\":\"g\"},\"Init\":\"first\"},"
                + "\"Allocation\":{\"Size\":1}}");
        assertEquals("{\"Type\":\"\",\"Spec\":{\"Properties\":{\"Note\":\"x\"},\"Tags\":{\"infrakit.group\":\"g\",\"tier\":\"web\"},"
                + "\"Init\":\"first\\nline1\\nline2\",\"LogicalID\":null,\"Attachments\":null}}", result);
    }

    /**
     * End to end with the default plugins only, over the {@code group} socket as a user would: commit
     * {@code examples/cattle.json} as it is, and the group converges to 5 file instances with the
     * group's tags and the golden config SHA; a deleted instance file is replaced (self-healing); and
     * DestroyGroup removes every instance file.
     */
    @Test
    public void cattleExampleConvergesHealsAndIsDestroyedOverTheGroupSocket() throws Exception {
        Path group = awaitPluginSocket("group");
        assertEquals(List.of(new InterfaceSpec("Group", "0.1.0"), new InterfaceSpec("Manager", "0.1.0"), new InterfaceSpec("GroupControl", "0.1.0")),
                client.handshake(group));
        String cattle = Files.readString(Path.of(required(Lifecycle.EXAMPLES_DIR), "cattle.json"), StandardCharsets.UTF_8);

        String committed = client.call(group, "Group.CommitGroup", "{\"Spec\":" + cattle + ",\"Pretend\":false}");
        try {
            assertJson("{\"Details\":\"Managing 5 instances\"}", JSON.readTree(committed));

            Await.until(CONVERGENCE_WAIT, "5 instance files of group cattle, described as converged",
                    () -> InstanceFiles.ofGroup(instancesDir, "cattle").size() == 5 && convergedCattle(group).equals(InstanceFiles.ofGroup(instancesDir, "cattle")));
            Set<String> before = InstanceFiles.ofGroup(instancesDir, "cattle");
            for (String id : before) {
                JsonNode file = JSON.readTree(instancesDir.resolve(id).toFile());
                assertEquals(id, "docker pull nginx:alpine\ndocker run -d -p 80:80 nginx-alpine",
                        file.get("Spec").get("Init").asText());
                assertJson("{\"Note\":\"Instance properties version 1.0\"}", file.get("Spec").get("Properties"));
            }

            String lost = before.iterator().next();
            Files.delete(instancesDir.resolve(lost));
            Await.until(CONVERGENCE_WAIT, "the deleted instance " + lost + " replaced by a new one",
                    () -> {
                        Set<String> now = InstanceFiles.ofGroup(instancesDir, "cattle");
                        return now.size() == 5 && !now.contains(lost) && convergedCattle(group).equals(now);
                    });
            Set<String> after = InstanceFiles.ofGroup(instancesDir, "cattle");
            after.removeAll(before);
            assertEquals("exactly one new instance " + after, 1, after.size());

            assertJson("{\"OK\":true}", JSON.readTree(client.call(group, "Group.DestroyGroup", "{\"ID\":\"cattle\"}")));
            Await.until(CONVERGENCE_WAIT, "no instance file of group cattle", () -> InstanceFiles.ofGroup(instancesDir, "cattle").isEmpty());
            PluginException gone = assertThrows(PluginException.class,
                    () -> client.call(group, "Group.DescribeGroup", "{\"ID\":\"cattle\"}"));
            assertEquals("Group 'cattle' is not being watched", gone.getMessage());
        } catch (Throwable failure) {
            try {
                client.call(group, "Group.DestroyGroup", "{\"ID\":\"cattle\"}");
            } catch (PluginException alreadyGone) {
                failure.addSuppressed(alreadyGone);
            }
            throw failure;
        }
    }


    /**
     * The IDs of group cattle's instances from DescribeGroup, once it says converged and every instance
     * carries the group's tags and the config SHA of cattle.json (the Go tutorial's golden value);
     * otherwise an empty set.
     */
    private Set<String> convergedCattle(Path group) throws Exception {
        JsonNode description = JSON.readTree(client.call(group, "Group.DescribeGroup", "{\"ID\":\"cattle\"}")).get("Description");
        Set<String> ids = new TreeSet<>();
        if (!description.get("Converged").asBoolean()) {
            return ids;
        }
        for (JsonNode instance : description.get("Instances")) {
            JsonNode tags = instance.get("Tags");
            assertEquals(instance.toString(), "cattle", tags.get("infrakit.group").asText());
            assertEquals(instance.toString(), CATTLE_CONFIG_SHA, tags.get("infrakit.config_sha").asText());
            assertEquals(instance.toString(), "web", tags.get("tier").asText());
            assertEquals(instance.toString(), "infrakit", tags.get("project").asText());
            ids.add(instance.get("ID").asText());
        }
        return ids;
    }

    /**
     * (c) The service behind a name is replaced while a client calls in a loop: no call fails, the
     * socket file stays the same, and the new service answers from then on.
     */
    @Test
    public void replacedServiceIsServedBehindTheSameSocketWithoutFailedCalls() throws Exception {
        String name = "it-swap";
        ServiceRegistration<?> first = register(
                new FakeInstancePlugin(List.of(new Description("v1", null, Map.of("version", "1")))),
                name, InstancePlugin.class);
        Path socket = awaitPluginSocket(name);
        Object socketIdentity = SocketFiles.identity(socket);
        InstancePlugin plugin = client.connect(socket, "", InstancePlugin.class);

        CallLoop loop = new CallLoop(plugin);
        Thread thread = new Thread(loop, "it-swap-client");
        thread.start();
        try {
            loop.await(loop.sawFirst, "the client reached the first service");

            first.unregister();
            loop.afterUnregister.set(true);
            // Leave the name without a service until the client has issued a call after the removal, or
            // is held in one issued before it. The bound only limits how long the gap may last.
            loop.calledDuringGap.await(REPLACEMENT_TIMEOUT_MS / 2, TimeUnit.MILLISECONDS);
            loop.replacing.set(true);
            register(new FakeInstancePlugin(List.of(new Description("v2", null, Map.of("version", "2")))),
                    name, InstancePlugin.class);

            loop.await(loop.sawSecond, "the client reached the replacement");
        } finally {
            loop.stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertFalse("the client loop ended", thread.isAlive());

        if (!loop.failures.isEmpty()) {
            throw new AssertionError(loop.failures.size() + " of " + loop.calls.get() + " calls failed; first: "
                    + describe(loop.failures.get(0)));
        }
        assertTrue("calls before the replacement: " + loop.firstCalls.get(), loop.firstCalls.get() > 0);
        assertTrue("calls after the replacement: " + loop.secondCalls.get(), loop.secondCalls.get() > 0);
        assertFalse("the old service answered after the new one had", loop.firstAfterSecond.get());
        assertTrue("calls issued while the name had no service were answered by the replacement",
                loop.heldCalls.get() > 0);
        assertEquals("the socket file was kept across the replacement", socketIdentity, SocketFiles.identity(socket));
        assertEquals("v2", plugin.describeInstances(Map.of()).get(0).id());
    }

    /** (d) Once a name is unregistered for good its socket goes away, and calls to it fail. */
    @Test
    public void unregisteredNameLosesItsSocket() throws Exception {
        ServiceRegistration<?> registration = register(new FakeInstancePlugin(List.of()), "it-gone", InstancePlugin.class);
        Path socket = awaitPluginSocket("it-gone");
        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), client.handshake(socket));

        registration.unregister();
        SocketFiles.awaitAbsent(socket, Duration.ofMillis(REPLACEMENT_TIMEOUT_MS).plus(SOCKET_WAIT));

        assertThrows(PluginException.class, () -> client.handshake(socket));
    }

    /**
     * The assembly's defaults: the ssh console and JMX listen on the loopback interface only, and no
     * user or key is shipped (etc/users.properties and etc/keys.properties define none).
     */
    @Test
    public void consoleListensOnLoopbackOnlyAndNoUserIsShipped() throws Exception {
        Dictionary<String, Object> shell = configAdmin.getConfiguration("org.apache.karaf.shell", null).getProperties();
        assertNotNull("org.apache.karaf.shell is configured", shell);
        assertEquals("127.0.0.1", String.valueOf(shell.get("sshHost")).trim());
        int sshPort = Integer.parseInt(String.valueOf(shell.get("sshPort")).trim());

        Dictionary<String, Object> jmx = configAdmin.getConfiguration("org.apache.karaf.management", null).getProperties();
        assertNotNull("org.apache.karaf.management is configured", jmx);
        assertEquals("127.0.0.1", String.valueOf(jmx.get("rmiRegistryHost")).trim());
        assertEquals("127.0.0.1", String.valueOf(jmx.get("rmiServerHost")).trim());

        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), sshPort);
        Await.until(Duration.ofSeconds(30), "ssh answers on " + loopback,
                () -> sshBanner(loopback).startsWith("SSH-2.0-"));
        for (InetAddress other : nonLoopbackAddresses()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(other, sshPort), 2000);
                throw new AssertionError("ssh answers on " + other + ":" + sshPort);
            } catch (ConnectException | SocketTimeoutException expected) {
                // not listening there
            }
        }

        Path etc = Path.of(required("karaf.etc"));
        assertEquals("users in etc/users.properties", List.of(), settings(etc.resolve("users.properties"), ""));
        assertEquals("users in etc/keys.properties", List.of(), settings(etc.resolve("keys.properties"), "_g_"));
    }

    private static String sshBanner(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            socket.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line = in.readLine();
            return line == null ? "" : line;
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        addresses.add(address);
                    }
                }
            }
        }
        return addresses;
    }

    /** The non-comment lines of a properties file, except those starting with {@code ignoredPrefix} (group definitions). */
    private static List<String> settings(Path file, String ignoredPrefix) throws IOException {
        return Files.readAllLines(file).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("!"))
                .filter(line -> ignoredPrefix.isEmpty() || !line.startsWith(ignoredPrefix))
                .toList();
    }

    private ServiceRegistration<?> register(Object service, String name, Class<?>... interfaces) {
        String[] classes = new String[interfaces.length];
        for (int i = 0; i < interfaces.length; i++) {
            classes[i] = interfaces[i].getName();
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(PluginName.SERVICE_PROPERTY, name);
        ServiceRegistration<?> registration = context.registerService(classes, service, properties);
        registrations.add(registration);
        return registration;
    }


    /** An exception and its causes on one line (Pax Exam reports only part of a remote failure's chain). */
    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }

    private static void assertJson(String expected, JsonNode actual) throws IOException {
        assertEquals(JSON.readTree(expected), actual);
    }

    /** Calls DescribeInstances in a loop and sorts every answer into first service, second service or failure. */
    private static final class CallLoop implements Runnable {
        final InstancePlugin plugin;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean afterUnregister = new AtomicBoolean();
        final AtomicBoolean firstAfterSecond = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger firstCalls = new AtomicInteger();
        final AtomicInteger secondCalls = new AtomicInteger();
        final AtomicInteger heldCalls = new AtomicInteger();
        final AtomicBoolean replacing = new AtomicBoolean();
        final CountDownLatch sawFirst = new CountDownLatch(20);
        final CountDownLatch calledDuringGap = new CountDownLatch(1);
        final CountDownLatch sawSecond = new CountDownLatch(20);
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

        CallLoop(InstancePlugin plugin) {
            this.plugin = plugin;
        }

        /** Waits for a latch, reporting the calls that failed meanwhile if it is not reached in time. */
        void await(CountDownLatch latch, String what) throws InterruptedException {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("Not in time: " + what + " (" + calls.get() + " calls, " + failures.size()
                        + " failed" + (failures.isEmpty() ? "" : ", first: " + describe(failures.get(0))) + ")");
            }
        }

        @Override
        public void run() {
            while (!stop.get()) {
                calls.incrementAndGet();
                // Read before signalling the gap: the test sets replacing only once the signal came (or
                // the loop is held in a call), so a call that signals the gap is always counted as held.
                boolean issuedBeforeReplacement = !replacing.get();
                if (afterUnregister.get()) {
                    calledDuringGap.countDown();
                }
                try {
                    List<Description> answer = plugin.describeInstances(Map.of());
                    String id = answer.size() == 1 ? answer.get(0).id() : null;
                    if ("v1".equals(id)) {
                        firstCalls.incrementAndGet();
                        if (secondCalls.get() > 0) {
                            firstAfterSecond.set(true);
                        }
                        sawFirst.countDown();
                    } else if ("v2".equals(id)) {
                        secondCalls.incrementAndGet();
                        if (issuedBeforeReplacement) {
                            heldCalls.incrementAndGet();
                        }
                        sawSecond.countDown();
                    } else {
                        failures.add(new AssertionError("unexpected answer " + answer));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                    if (failures.size() > 100) {
                        return;
                    }
                }
            }
        }
    }
}
