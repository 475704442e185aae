package io.infrakit.flavor.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The two types on one socket, as the rpc bundle serves the two components' services
 * ({@code infrakit.plugin.type} manager and worker under one {@code infrakit.plugin.name}): the
 * {@code "Type"} of each JSON-RPC call picks the role, as for the original {@code flavor-swarm/worker}.
 */
class SwarmTypesRoundTripTest {

    private final Path base;
    private final LocalPlugins local = new LocalPlugins(1000);
    private final PluginHost host;
    private final RpcClient client = new RpcClient(Duration.ofSeconds(10), Duration.ofMillis(500));
    private final FakeEngine engine = new FakeEngine();

    SwarmTypesRoundTripTest() throws Exception {
        base = Files.createTempDirectory(Path.of("/tmp"), "iks");
        host = new PluginHost(local, base.resolve("plugins"), "", 30_000, 1 << 20);
        for (SwarmFlavor.Role role : SwarmFlavor.Role.values()) {
            Map<String, Object> props = new HashMap<>();
            props.put(PluginName.SERVICE_PROPERTY, "flavor-swarm");
            props.put(PluginName.TYPE_SERVICE_PROPERTY, role.type());
            props.put("service.id", 100L + role.ordinal());
            local.add(Spi.FLAVOR, props, new SwarmFlavor(role, SwarmFlavorTest.HOST, null, new SwarmApi(() -> engine, WireJsonCodec::new)));
        }
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        host.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void eachTypeAnswersAsItsRole() throws Exception {
        Path socket = base.resolve("plugins").resolve("flavor-swarm");
        FlavorPlugin worker = client.connect(socket, "worker", FlavorPlugin.class);
        FlavorPlugin manager = client.connect(socket, "manager", FlavorPlugin.class);

        InstanceSpec spec = worker.prepare(new RawJson(SwarmFlavorTest.WORKER_PROPS), new InstanceSpec(null, Map.of("infrakit.group", "w"), "", null, null),
                Allocation.ofSize(1));
        assertEquals("swarm/" + FakeEngine.SWARM_ID + "/worker", spec.tags().get("infrakit-link-context"));
        assertTrue(spec.init().contains("--token '" + FakeEngine.WORKER_TOKEN + "'"), spec.init());
        assertEquals(Health.UNHEALTHY, worker.healthy(null, new Description("i-1", null, null)));

        // the manager type: its own rules, its own token, and its Validate error travels back as sent
        Exception odd = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> manager.validate(new RawJson(SwarmFlavorTest.WORKER_PROPS),
                Allocation.ofLogicalIDs(java.util.List.of("a", "b"))));
        assertEquals("Allocation.LogicalIDs must have odd number for quorum, not 2", odd.getMessage());
        InstanceSpec managerSpec = manager.prepare(new RawJson(SwarmFlavorTest.WORKER_PROPS), new InstanceSpec(null, null, "", "10.0.0.7", null),
                SwarmFlavorTest.THREE);
        assertTrue(managerSpec.init().contains("--token '" + FakeEngine.MANAGER_TOKEN + "'"), managerSpec.init());
        manager.drain(null, new Description("i-2", null, Map.of("infrakit-link", "x")));
        assertEquals(0, engine.calls.stream().filter(c -> c.startsWith("DELETE")).count());
    }
}
