package io.infrakit.rpc.registry;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.server.HostFixture;
import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lookups by name: local services first, then sockets of other processes in the plugins directory. The
 * "other process" here is a second host with its own whiteboard on the same directory.
 */
class RegistryTest {

    private HostFixture fx;
    private LocalPlugins otherProcess;
    private PluginHost otherHost;
    private LocalOrRemoteRegistry registry;
    private final Fakes.Instances local = new Fakes.Instances("local");
    private final Fakes.Instances remote = new Fakes.Instances("remote");

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(300);
        fx.register(Spi.INSTANCE, "instance-local", null, local);
        fx.register(Spi.FLAVOR, "flavor-swarm", "worker", new Fakes.Flavor(Health.HEALTHY));
        otherProcess = new LocalPlugins(300);
        otherHost = new PluginHost(otherProcess, fx.dir, "", 30_000, 1 << 20);
        otherProcess.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", "instance-remote", "service.id", 1L), remote);
        registry = new LocalOrRemoteRegistry(fx.local, fx.host, fx.dir, new RpcClient(Duration.ofSeconds(5), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() throws Exception {
        registry.close();
        otherHost.close();
        fx.close();
    }

    @Test
    void aLocalServiceIsReturnedItself() throws Exception {
        assertSame(local, registry.lookup("instance-local", InstancePlugin.class));
        FlavorPlugin worker = registry.lookup("flavor-swarm/worker", FlavorPlugin.class);
        assertEquals(Health.HEALTHY, worker.healthy(null, new Description("i", null, null)));
    }

    @Test
    void aPluginOfAnotherProcessIsCalledThroughItsSocket() throws Exception {
        InstancePlugin plugin = registry.lookup("instance-remote", InstancePlugin.class);
        assertNotSame(remote, plugin);
        String id = plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), "", null, null));
        assertEquals("remote-1", id);
        assertEquals(List.of(new Description("remote-1", null, Map.of("infrakit.group", "g"))), plugin.describeInstances(Map.of("infrakit.group", "g")));
        assertSame(plugin, registry.lookup("instance-remote", InstancePlugin.class), "one proxy per socket file");
    }

    @Test
    void aRestartedRemotePluginIsReachedAgain() throws Exception {
        InstancePlugin before = registry.lookup("instance-remote", InstancePlugin.class);
        assertEquals(List.of(), before.describeInstances(Map.of()));
        otherHost.close();
        LocalPlugins restarted = new LocalPlugins(300);
        Fakes.Instances again = new Fakes.Instances("again");
        again.instances.add(new Description("again-1", null, null));
        restarted.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", "instance-remote", "service.id", 1L), again);
        otherHost = new PluginHost(restarted, fx.dir, "", 30_000, 1 << 20);
        InstancePlugin after = registry.lookup("instance-remote", InstancePlugin.class);
        assertEquals(List.of(new Description("again-1", null, null)), after.describeInstances(Map.of()));
    }

    @Test
    void nothingAnsweringIsAClearError() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> registry.lookup("instance-nope", InstancePlugin.class));
        assertEquals("Plugin not found: instance-nope (looked up using local services and " + fx.dir.resolve("instance-nope") + ")", e.getMessage());
        PluginNotFoundException wrong = assertThrows(PluginNotFoundException.class, () -> registry.lookup("instance-local", GroupPlugin.class));
        assertTrue(wrong.getMessage().startsWith("Plugin instance-local does not implement {Group 0.1.0}"), wrong.getMessage());
        PluginNotFoundException type = assertThrows(PluginNotFoundException.class, () -> registry.lookup("flavor-swarm/manager", FlavorPlugin.class));
        assertTrue(type.getMessage().contains("for type 'manager'") && type.getMessage().contains("[worker]"), type.getMessage());
    }

    @Test
    void hostileNamesAreRefusedBeforeTouchingTheFileSystem() {
        for (String name : List.of("../instance-remote", "", "a b", "/etc/passwd", ".hidden", "x/../../y", "-rf")) {
            assertThrows(IllegalArgumentException.class, () -> registry.lookup(name, InstancePlugin.class), name);
        }
        assertThrows(IllegalArgumentException.class, () -> registry.lookup("instance-local", String.class));
    }

    @Test
    void theListingShowsLocalAndRemotePlugins() {
        List<PluginInfo> plugins = registry.plugins();
        assertEquals(List.of("flavor-swarm", "instance-local", "instance-remote"), plugins.stream().map(PluginInfo::name).toList());
        PluginInfo swarm = plugins.get(0);
        assertTrue(swarm.local());
        assertEquals(List.of(new InterfaceSpec("Flavor", "0.1.0")), swarm.interfaces());
        assertEquals(List.of("worker"), swarm.types());
        assertEquals(fx.dir.resolve("flavor-swarm").toString(), swarm.socket());
        PluginInfo other = plugins.get(2);
        assertFalse(other.local());
        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), other.interfaces());
        assertNull(other.error());
    }
}
