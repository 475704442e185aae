package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.EXAMPLES_DIR;
import static io.infrakit.itests.Lifecycle.FLAVOR_VANILLA_BSN;
import static io.infrakit.itests.Lifecycle.INSTANCES_DIR;
import static io.infrakit.itests.Lifecycle.INSTANCE_FILE_BSN;
import static io.infrakit.itests.Lifecycle.PLUGINS_DIR;
import static io.infrakit.itests.Lifecycle.awaitPluginSocket;
import static io.infrakit.itests.Lifecycle.bundle;
import static io.infrakit.itests.Lifecycle.millis;
import static io.infrakit.itests.Lifecycle.required;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.instance.InstancePlugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The rpc bundle (the JSON codec, the plugin registry and the host of every socket) is updated as
 * {@code bundle:update} does while a group of the default plugins is converged and clients keep calling.
 * The plugin components reference the codec dynamically, so none of them is deactivated: their services
 * keep their registrations, the group keeps exactly its instance files (none created, none deleted), and
 * every socket is served again by the new rpc bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RpcBundleUpdateIT {

    private static final String RPC_BSN = "io.infrakit.rpc";

    /** The bundles whose components must live through the update. */
    private static final List<String> PLUGIN_BSNS = List.of(INSTANCE_FILE_BSN, FLAVOR_VANILLA_BSN);

    /** The plugin names of the manager and the group plugin, whose bundles' registrations are reported, not asserted. */
    private static final List<String> CONTROLLERS = List.of("group", "group-stateless");

    private static final String GROUP = "cattle";
    private static final int SIZE = 5;
    private static final Map<String, String> GROUP_TAG = Map.of("infrakit.group", GROUP);

    /** What a plugin answers while the rpc bundle's codec is away. */
    private static final String NO_CODEC = "The JSON codec service is not available (is the infrakit rpc bundle running?)";

    private static final Duration GROUP_WAIT = Duration.ofSeconds(60);
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(30);

    private static final String REPORT = "rpc-update.txt";

    @Inject
    private BundleContext context;

    private RpcClient client;

    private Path pluginsDir;

    private Path instancesDir;

    @Configuration
    public Option[] configuration() throws IOException {
        return Lifecycle.container(Lifecycle.REPLACEMENT_TIMEOUT_MS);
    }

    @Before
    public void setUp() {
        pluginsDir = Path.of(required(PLUGINS_DIR));
        instancesDir = Path.of(required(INSTANCES_DIR));
        client = new RpcClient(Duration.ofSeconds(5));
    }

    @After
    public void tearDown() {
        client.close();
    }

    /**
     * With {@code examples/cattle.json} converged on the file instance plugin and the vanilla flavor, and
     * three clients calling all along (DescribeInstances over the plugin's socket and in-process,
     * DescribeGroup over the group socket), the rpc bundle is updated ({@link Bundle#update()}). Afterwards
     * every socket served before answers the handshake again (as before); no service of the
     * instance-file and flavor-vanilla bundles was unregistered (same service IDs); the group is converged
     * with the same instance files, and no instance file was created or deleted meanwhile; no call ever
     * answered a wrong instance count, and in-process calls failed only with the codec's clear message.
     */
    @Test
    public void updatingTheRpcBundleDeactivatesNoPluginAndTouchesNoInstance() throws Exception {
        Path groupSocket = awaitPluginSocket("group");
        Path instanceSocket = awaitPluginSocket("instance-file");
        awaitPluginSocket("flavor-vanilla");
        GroupPlugin groups = client.connect(groupSocket, "", GroupPlugin.class);
        InstancePlugin remoteInstances = client.connect(instanceSocket, "", InstancePlugin.class);
        String cattle = Files.readString(Path.of(required(EXAMPLES_DIR), "cattle.json"), StandardCharsets.UTF_8);
        client.call(groupSocket, "Group.CommitGroup", "{\"Spec\":" + cattle + ",\"Pretend\":false}");
        try {
            Set<String> members = awaitConverged(groups);
            SortedMap<String, List<InterfaceSpec>> served = servedSockets();
            assertTrue("the plugins are served before the update: " + served.keySet(),
                    served.keySet().containsAll(List.of("group", "group-stateless", "instance-file", "flavor-vanilla")));
            Map<String, Set<Object>> pluginServices = serviceIds(PLUGIN_BSNS);
            List<String> controllerBsns = new ArrayList<>();
            for (String name : CONTROLLERS) {
                controllerBsns.add(single(context.getServiceReferences(GroupPlugin.class, "(" + PluginName.SERVICE_PROPERTY + "=" + name + ")"))
                        .getBundle().getSymbolicName());
            }
            Map<String, Set<Object>> controllerServices = serviceIds(controllerBsns);
            ServiceReference<InstancePlugin> local = single(context.getServiceReferences(InstancePlugin.class,
                    "(" + PluginName.SERVICE_PROPERTY + "=instance-file)"));
            InstancePlugin localInstances = context.getService(local);
            Bundle rpc = bundle(context, RPC_BSN);
            BundleRevision revision = rpc.adapt(BundleRevision.class);

            List<String> unregistered = Collections.synchronizedList(new ArrayList<>());
            ServiceListener watcher = event -> {
                if (event.getType() == ServiceEvent.UNREGISTERING) {
                    Bundle owner = event.getServiceReference().getBundle();
                    unregistered.add((owner == null ? "?" : owner.getSymbolicName()) + " service "
                            + event.getServiceReference().getProperty(Constants.SERVICE_ID) + " "
                            + List.of((String[]) event.getServiceReference().getProperty(Constants.OBJECTCLASS)));
                }
            };
            long updated;
            long answeredAgain;
            CallLoop socketCalls = new CallLoop("instance-file socket client",
                    () -> remoteInstances.describeInstances(GROUP_TAG).size(), SIZE);
            CallLoop localCalls = new CallLoop("instance-file in-process client",
                    () -> localInstances.describeInstances(GROUP_TAG).size(), SIZE);
            CallLoop groupCalls = new CallLoop("group socket client",
                    () -> groups.describeGroup(GROUP).instances().size(), SIZE);
            context.addServiceListener(watcher);
            try (InstanceFiles files = new InstanceFiles(instancesDir); socketCalls; localCalls; groupCalls) {
                socketCalls.awaitMore(10, SOCKET_WAIT);
                localCalls.awaitMore(10, SOCKET_WAIT);
                groupCalls.awaitMore(5, SOCKET_WAIT);

                long start = System.nanoTime();
                rpc.update(); // bundle:update <id>: the same location read again, the bundle stopped and started
                updated = System.nanoTime() - start;
                assertNotEquals("the rpc bundle has a new revision", revision, rpc.adapt(BundleRevision.class));
                Await.until(SOCKET_WAIT, "the rpc bundle active again", () -> rpc.getState() == Bundle.ACTIVE);

                for (Map.Entry<String, List<InterfaceSpec>> socket : served.entrySet()) {
                    Path path = pluginsDir.resolve(socket.getKey());
                    // the old rpc bundle's host stopped before update() returned: whoever answers now is the new one
                    Await.until(SOCKET_WAIT, "socket " + socket.getKey() + " answering the handshake again",
                            () -> socket.getValue().equals(client.handshake(path)));
                }
                answeredAgain = System.nanoTime() - start;
                socketCalls.awaitMore(20, SOCKET_WAIT);
                localCalls.awaitMore(20, SOCKET_WAIT);
                groupCalls.awaitMore(5, GROUP_WAIT);
                assertEquals("the same group, converged", members, awaitConverged(groups));

                files.assertComplete();
                assertEquals("instance files created during the update", List.of(), files.created());
                assertEquals("instance files deleted during the update", List.of(), files.deleted());
            } finally {
                context.removeServiceListener(watcher);
                context.ungetService(local);
            }

            assertEquals("sockets served after the update", served.keySet(), servedSockets().keySet());
            List<String> pluginEvents = new ArrayList<>();
            synchronized (unregistered) {
                for (String event : unregistered) {
                    if (PLUGIN_BSNS.stream().anyMatch(bsn -> event.startsWith(bsn + " "))) {
                        pluginEvents.add(event);
                    }
                }
            }
            assertEquals("services of the plugin bundles unregistered during the update", List.of(), pluginEvents);
            assertEquals("the plugin bundles' service registrations", pluginServices, serviceIds(PLUGIN_BSNS));
            assertEquals("DescribeInstances over the socket answered another count: " + socketCalls.summary(), 0, socketCalls.wrong());
            assertEquals("DescribeInstances in-process answered another count: " + localCalls.summary(), 0, localCalls.wrong());
            for (String problem : localCalls.problems()) {
                assertTrue("an in-process call failed for another reason than the missing codec: " + problem, problem.contains(NO_CODEC));
            }
            assertEquals("the group's instance files", members, InstanceFiles.ofGroup(instancesDir, GROUP));

            Map<String, Set<Object>> controllersAfter = serviceIds(controllerBsns);
            Lifecycle.report(REPORT, List.of(String.format(
                    "rpc bundle update under load: update() %d ms, every socket (%d) answering again %d ms after it began; "
                            + "socket DescribeInstances %d calls, %d failed; in-process DescribeInstances %d calls, %d failed (no codec); "
                            + "DescribeGroup %d calls, %d failed, %d other counts; group and manager registrations %s",
                    millis(updated), served.size(), millis(answeredAgain), socketCalls.calls(), socketCalls.failed(),
                    localCalls.calls(), localCalls.failed(), groupCalls.calls(), groupCalls.failed(), groupCalls.wrong(),
                    controllerServices.equals(controllersAfter) ? "unchanged" : "changed: " + controllerServices + " -> " + controllersAfter)));
        } finally {
            client.call(groupSocket, "Group.DestroyGroup", "{\"ID\":\"" + GROUP + "\"}");
        }
    }

    /** Waits until the group is converged with no error and {@link #SIZE} members, which are its instance files. */
    private Set<String> awaitConverged(GroupPlugin groups) throws InterruptedException {
        GroupDescription[] last = new GroupDescription[1];
        Set<String> ids = new TreeSet<>();
        try {
            Await.until(GROUP_WAIT, "group " + GROUP + " converged with " + SIZE + " instances and no error", () -> {
                GroupDescription d = groups.describeGroup(GROUP);
                last[0] = d;
                ids.clear();
                d.instances().forEach(i -> ids.add(i.id()));
                return d.converged() && d.error() == null && ids.size() == SIZE && ids.equals(InstanceFiles.ofGroup(instancesDir, GROUP));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last description: " + last[0], e.getCause());
        }
        return Set.copyOf(ids);
    }

    /** The sockets of the plugins directory that answer the handshake, with what they implement. */
    private SortedMap<String, List<InterfaceSpec>> servedSockets() throws IOException {
        SortedMap<String, List<InterfaceSpec>> served = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pluginsDir)) {
            for (Path entry : entries) {
                if (SocketFiles.isSocket(entry)) {
                    try {
                        served.put(entry.getFileName().toString(), client.handshake(entry));
                    } catch (PluginException notServed) {
                        // a stale socket file: nothing to serve again
                    }
                }
            }
        }
        return served;
    }

    /** The IDs of the services each bundle has registered now. */
    private Map<String, Set<Object>> serviceIds(List<String> symbolicNames) {
        Map<String, Set<Object>> ids = new TreeMap<>();
        for (String name : symbolicNames) {
            Set<Object> services = new TreeSet<>();
            ServiceReference<?>[] registered = bundle(context, name).getRegisteredServices();
            for (ServiceReference<?> service : registered == null ? new ServiceReference<?>[0] : registered) {
                services.add(service.getProperty(Constants.SERVICE_ID));
            }
            ids.put(name, services);
        }
        return ids;
    }

    private static <T> ServiceReference<T> single(java.util.Collection<ServiceReference<T>> found) {
        assertEquals("one of " + found, 1, found.size());
        ServiceReference<T> only = found.iterator().next();
        assertNotNull(only);
        return only;
    }
}
