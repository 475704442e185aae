package io.infrakit.rpc.registry;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.server.HostFixture;
import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.CommonMessages.Vendor;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.observe.ControllerObserver;
import io.infrakit.spi.registry.PluginInfo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugin calls timed for the observers: local services and plugins of another process alike, by the name looked up
 * and the method's name on the wire, without changing what the caller gets; and the bundle of each local plugin.
 */
class ObservedRegistryTest {

    /** One reported call, without its duration. */
    private record Call(String plugin, String method, String outcome) {
    }

    /** Records every call, and that no duration is negative. */
    private static final class Recorder implements ControllerObserver {
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final List<Long> nanos = new CopyOnWriteArrayList<>();

        @Override
        public void pluginCalled(String plugin, String method, String outcome, long took) {
            calls.add(new Call(plugin, method, outcome));
            nanos.add(took);
        }
    }

    /** A manager that answers its status itself. */
    private static final class SelfReportingManager implements Manager {
        @Override
        public boolean isLeader() {
            return false;
        }

        @Override
        public LeaderStatus status() {
            return LeaderStatus.leader("elsewhere");
        }
    }

    private HostFixture fx;
    private LocalPlugins otherProcess;
    private PluginHost otherHost;
    private LocalOrRemoteRegistry registry;
    private final Fakes.Instances local = new Fakes.Instances("local");
    private final Fakes.Instances remote = new Fakes.Instances("remote");
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(300);
        fx.register(Spi.INSTANCE, "instance-local", null, local);
        fx.register(Spi.FLAVOR, "flavor-swarm", "worker", new Fakes.Flavor(Health.HEALTHY));
        otherProcess = new LocalPlugins(300);
        otherHost = new PluginHost(otherProcess, fx.dir, "", 30_000, 1 << 20);
        otherProcess.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", "instance-remote", "service.id", 1L), remote);
        registry = new LocalOrRemoteRegistry(fx.local, fx.host, fx.dir, new RpcClient(Duration.ofSeconds(5), Duration.ofMillis(200)));
        registry.addObserver(recorder);
    }

    @AfterEach
    void stop() throws Exception {
        registry.close();
        otherHost.close();
        fx.close();
    }

    @Test
    void callsOfALocalServiceAreReportedWithTheNameLookedUpAndTheWireMethod() throws Exception {
        InstancePlugin plugin = registry.lookup("instance-local", InstancePlugin.class);
        assertNotSame(local, plugin);
        String id = plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), "", null, null));
        assertEquals("local-1", id, "the plugin's answer, unchanged");
        assertEquals(1, plugin.describeInstances(Map.of("infrakit.group", "g")).size());
        PluginException refused = assertThrows(PluginException.class, () -> plugin.destroy("nope"));
        assertEquals("no such instance: nope", refused.getMessage());
        FlavorPlugin worker = registry.lookup("flavor-swarm/worker", FlavorPlugin.class);
        assertEquals(Health.HEALTHY, worker.healthy(null, new Description("i", null, null)));

        assertEquals(List.of(new Call("instance-local", "Instance.Provision", ControllerObserver.OK),
                new Call("instance-local", "Instance.DescribeInstances", ControllerObserver.OK),
                new Call("instance-local", "Instance.Destroy", ControllerObserver.ERROR),
                new Call("flavor-swarm/worker", "Flavor.Healthy", ControllerObserver.OK)), recorder.calls);
        assertTrue(recorder.nanos.stream().allMatch(n -> n >= 0), "durations " + recorder.nanos);
        assertEquals(List.of("provision", "describe {infrakit.group=g}", "destroy nope"), local.calls, "each call reached the plugin once");
    }

    @Test
    void callsOfAPluginOfAnotherProcessAreReportedAsWell() throws Exception {
        InstancePlugin plugin = registry.lookup("instance-remote", InstancePlugin.class);
        assertEquals("remote-1", plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), "", null, null)));
        PluginException refused = assertThrows(PluginException.class, () -> plugin.destroy("nope"));
        assertEquals("no such instance: nope", refused.getMessage(), "the remote plugin's error, as without observers");
        assertEquals(List.of(new Call("instance-remote", "Instance.Provision", ControllerObserver.OK),
                new Call("instance-remote", "Instance.Destroy", ControllerObserver.ERROR)), recorder.calls);
        InstancePlugin again = registry.lookup("instance-remote", InstancePlugin.class);
        assertEquals(plugin, again, "both wrap the one proxy of the socket file");
        assertEquals(plugin.hashCode(), again.hashCode());
        assertTrue(plugin.toString().contains("instance-remote"), plugin.toString());
        assertNotEquals(plugin, registry.lookup("instance-local", InstancePlugin.class));
        assertEquals(List.of("provision", "destroy nope"), remote.calls.stream().filter(c -> !c.startsWith("describe")).toList());
    }

    @Test
    void whatAPluginThrowsReachesTheCallerItself() throws Exception {
        PluginException checked = new PluginException("out of capacity");
        IllegalStateException unchecked = new IllegalStateException("bug");
        fx.register(Spi.INSTANCE, "instance-failing", null, new Fakes.Instances("f") {
            @Override
            public void validate(RawJson properties) throws PluginException {
                throw checked;
            }

            @Override
            public void label(String instance, Map<String, String> labels) {
                throw unchecked;
            }
        });
        InstancePlugin plugin = registry.lookup("instance-failing", InstancePlugin.class);
        assertSame(checked, assertThrows(PluginException.class, () -> plugin.validate(null)));
        assertSame(unchecked, assertThrows(IllegalStateException.class, () -> plugin.label("i", Map.of())));
        assertEquals(List.of(new Call("instance-failing", "Instance.Validate", ControllerObserver.ERROR),
                new Call("instance-failing", "Instance.Label", ControllerObserver.ERROR)), recorder.calls);
    }

    @Test
    void anObserverThatThrowsChangesNothing() throws Exception {
        registry.addObserver(new ControllerObserver() {
            @Override
            public void pluginCalled(String plugin, String method, String outcome, long nanos) {
                throw new IllegalStateException("broken observer");
            }
        });
        Recorder after = new Recorder();
        registry.addObserver(after);
        InstancePlugin plugin = registry.lookup("instance-local", InstancePlugin.class);
        assertEquals(List.of(), plugin.describeInstances(Map.of()));
        assertEquals(List.of(new Call("instance-local", "Instance.DescribeInstances", ControllerObserver.OK)), recorder.calls);
        assertEquals(recorder.calls, after.calls, "the observer after the broken one is told too");
    }

    @Test
    void withoutObserversPluginsAreHandedOutThemselves() throws Exception {
        InstancePlugin wrapped = registry.lookup("instance-local", InstancePlugin.class);
        registry.removeObserver(recorder);
        assertSame(local, registry.lookup("instance-local", InstancePlugin.class));
        InstancePlugin first = registry.lookup("instance-remote", InstancePlugin.class);
        assertSame(first, registry.lookup("instance-remote", InstancePlugin.class), "one proxy per socket file");
        wrapped.describeInstances(Map.of());
        assertEquals(List.of(), recorder.calls, "a wrapper handed out before is no longer timed");
    }

    @Test
    void aDefaultMethodRunsOnTheWrapperUnlessThePluginOverridesIt() throws Exception {
        Fakes.GroupAndManager plain = new Fakes.GroupAndManager();
        fx.register(Spi.MANAGER, "manager-plain", null, plain);
        fx.register(Spi.MANAGER, "manager-own", null, new SelfReportingManager());
        Manager manager = registry.lookup("manager-plain", Manager.class);
        assertEquals(LeaderStatus.leader(null), manager.status());
        assertEquals(List.of(new Call("manager-plain", "Manager.IsLeader", ControllerObserver.OK)), recorder.calls,
                "the call the default method makes is the one timed");
        recorder.calls.clear();
        assertEquals(LeaderStatus.leader("elsewhere"), registry.lookup("manager-own", Manager.class).status(), "the plugin's own status");
        assertEquals(List.of(), recorder.calls, "Status is not a wire method");
    }

    @Test
    void equalsHashCodeAndToStringAreThePlugins() throws Exception {
        InstancePlugin one = registry.lookup("instance-local", InstancePlugin.class);
        InstancePlugin two = registry.lookup("instance-local", InstancePlugin.class);
        assertEquals(one, one);
        assertEquals(one, two);
        assertEquals(local.hashCode(), one.hashCode());
        assertEquals(local.toString(), one.toString());
        assertNotEquals(one, local, "a wrapper equals wrappers only");
        assertNotEquals(one, null);
        assertEquals(List.of(), recorder.calls, "none of them is a plugin call");
    }

    @Test
    void theListingNamesTheBundleOfEachLocalPlugin() {
        fx.local.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", "instance-file", "service.id", 99L), () -> local,
                new Vendor("io.infrakit.instance.file", "0.1.0.SNAPSHOT", null));
        Map<String, PluginInfo> byName = new java.util.TreeMap<>();
        registry.plugins().forEach(p -> byName.put(p.name(), p));
        assertEquals("io.infrakit.instance.file/0.1.0.SNAPSHOT", byName.get("instance-file").bundle());
        assertNull(byName.get("instance-local").bundle(), "registered without a bundle");
        assertNull(byName.get("instance-remote").bundle(), "a socket only");
    }
}
