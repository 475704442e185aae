package io.infrakit.rpc.registry;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.server.HostFixture;
import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.observe.ControllerObserver;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lookup(name, InstanceChanges.class)} for local services and sockets of another process alike; a plugin
 * without the interface is not found, locally or over its socket; and its long polls are never timed as plugin
 * calls, while the same plugin's Instance calls are.
 */
class InstanceChangesLookupTest {

    private HostFixture fx;
    private LocalPlugins otherProcess;
    private PluginHost otherHost;
    private LocalOrRemoteRegistry registry;
    private final Fakes.ChangingInstances local = new Fakes.ChangingInstances("local");
    private final Fakes.ChangingInstances remote = new Fakes.ChangingInstances("remote");
    private final List<String> timed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(300);
        Map<String, Object> props = fx.register(Spi.INSTANCE, "instance-local", null, local);
        fx.local.add(Spi.INSTANCE_CHANGES, props, local);
        fx.register(Spi.INSTANCE, "instance-polled", null, new Fakes.Instances("polled"));
        otherProcess = new LocalPlugins(300);
        otherHost = new PluginHost(otherProcess, fx.dir, "", 30_000, 1 << 20);
        Map<String, Object> remoteProps = Map.of("infrakit.plugin.name", "instance-remote", "service.id", 1L);
        otherProcess.add(Spi.INSTANCE, remoteProps, remote);
        otherProcess.add(Spi.INSTANCE_CHANGES, remoteProps, remote);
        otherProcess.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", "instance-go", "service.id", 2L), new Fakes.Instances("go"));
        registry = new LocalOrRemoteRegistry(fx.local, fx.host, fx.dir, new RpcClient(Duration.ofSeconds(5), Duration.ofMillis(200)));
        registry.addObserver(new ControllerObserver() {
            @Override
            public void pluginCalled(String plugin, String method, String outcome, long nanos) {
                timed.add(plugin + " " + method);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        registry.close();
        otherHost.close();
        fx.close();
    }

    @Test
    void aLocalServiceIsHandedOutItselfAndItsLongPollIsNotTimed() throws Exception {
        InstanceChanges changes = registry.lookup("instance-local", InstanceChanges.class);
        assertSame(local, changes, "not wrapped, though an observer is registered");
        long seq = changes.changes(0, 0).seq();
        local.lose("local-7", Map.of("infrakit.group", "g"), null);
        assertEquals(List.of("local-7"), changes.changes(seq, 1_000).changes().stream().map(InstanceChanges.Change::instance).toList());
        registry.lookup("instance-local", InstancePlugin.class).describeInstances(Map.of());
        assertEquals(List.of("instance-local Instance.DescribeInstances"), timed, "the plugin's Instance calls are timed, its waits are not");
    }

    @Test
    void aPluginOfAnotherProcessIsLongPolledThroughItsSocketAndNotTimed() throws Exception {
        InstanceChanges changes = registry.lookup("instance-remote", InstanceChanges.class);
        assertNotSame(remote, changes);
        long seq = changes.changes(0, 0).seq();
        remote.lose("remote-3", Map.of(), "deleted by hand");
        InstanceChanges.Changes got = changes.changes(seq, 5_000);
        assertEquals(List.of(new InstanceChanges.Change("remote-3", Map.of(), InstanceChanges.Kind.GONE, "deleted by hand")), got.changes());
        assertSame(changes, registry.lookup("instance-remote", InstanceChanges.class), "one proxy per socket file");
        assertEquals(List.of(), timed);
    }

    @Test
    void aPluginWithoutItIsNotFoundLocallyOrOverItsSocket() throws Exception {
        PluginNotFoundException here = assertThrows(PluginNotFoundException.class, () -> registry.lookup("instance-polled", InstanceChanges.class));
        assertTrue(here.getMessage().startsWith("Plugin instance-polled does not implement {InstanceChanges 0.1.0}"), here.getMessage());
        InstanceChanges go = registry.lookup("instance-go", InstanceChanges.class); // a socket: known at the first call
        PluginException there = assertThrows(PluginException.class, () -> go.changes(0, 0));
        assertInstanceOf(PluginNotFoundException.class, there);
        assertTrue(there.getMessage().startsWith("Plugin does not support interface {InstanceChanges 0.1.0}"), there.getMessage());
        assertEquals(List.of(), registry.lookup("instance-go", InstancePlugin.class).describeInstances(Map.of()), "it is still an instance plugin");
    }
}
