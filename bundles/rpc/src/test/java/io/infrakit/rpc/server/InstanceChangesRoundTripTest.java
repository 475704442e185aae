package io.infrakit.rpc.server;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The InstanceChanges interface over a real socket: served beside Instance by one service object, its wire name and
 * shape, a client proxy long-polling it and woken by a recorded change, a wait longer than the client's call timeout
 * and the server's idle timeout, and a plugin without it.
 */
class InstanceChangesRoundTripTest {

    private HostFixture fx;
    private final Fakes.ChangingInstances plugin = new Fakes.ChangingInstances("inst");

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(1000, 300, 1 << 20); // an idle timeout far below the waits
        Map<String, Object> props = fx.register(Spi.INSTANCE, "instance-watched", null, plugin);
        fx.local.add(Spi.INSTANCE_CHANGES, props, plugin); // one service registered under both interfaces
        fx.register(Spi.INSTANCE, "instance-polled", null, new Fakes.Instances("polled"));
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private static <T> CompletableFuture<T> async(PluginCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (PluginException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private interface PluginCall<T> {
        T call() throws PluginException;
    }

    @Test
    void theHandshakeListsItAfterInstanceAndTheWireShapeIsGoStyle() throws Exception {
        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0"), new InterfaceSpec("InstanceChanges", "0.1.0")),
                fx.client.handshake(fx.socket("instance-watched")));
        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), fx.client.handshake(fx.socket("instance-polled")));
        String api = new String(ApiDescription.describe(fx.local.get("instance-watched").interfaces(), null), java.nio.charset.StandardCharsets.UTF_8)
                .replaceAll("\\s", "");
        assertTrue(api.contains("{\"Request\":{\"jsonrpc\":\"2.0\",\"method\":\"InstanceChanges.Changes\",\"params\":{\"After\":0,\"WaitMillis\":0}"), api);
        assertTrue(api.contains("\"Response\":{\"result\":{\"Seq\":0,\"Changes\":[],\"Reset\":false}"), api);

        String first = fx.client.call(fx.socket("instance-watched"), "InstanceChanges.Changes", "{\"After\":0,\"WaitMillis\":0}");
        long seq = plugin.changes(0, 0).seq();
        assertEquals("{\"Seq\":" + seq + ",\"Changes\":[],\"Reset\":false}", first);
        plugin.lose("inst-9", Map.of("infrakit.group", "web"), null);
        assertEquals("{\"Seq\":" + (seq + 1) + ",\"Changes\":[{\"Instance\":\"inst-9\",\"Tags\":{\"infrakit.group\":\"web\"},\"Kind\":\"Gone\"}],"
                + "\"Reset\":false}", fx.client.call(fx.socket("instance-watched"), "InstanceChanges.Changes",
                "{\"After\":" + seq + ",\"WaitMillis\":0}"));
        assertEquals("{\"Seq\":" + (seq + 1) + ",\"Changes\":[],\"Reset\":true}", fx.client.call(fx.socket("instance-watched"),
                "InstanceChanges.Changes", "{\"After\":" + (seq + 5) + "}"), "a number this log never gave: anything may have changed");

        fx.client.call(fx.socket("instance-watched"), "InstanceChanges.Changes", "{\"After\":0,\"WaitMillis\":3600000}");
        assertEquals(InstanceChanges.MAX_WAIT_MILLIS, plugin.waits.get(plugin.waits.size() - 1), "the wait is capped at 30 s");
        fx.client.call(fx.socket("instance-watched"), "InstanceChanges.Changes", "{\"After\":0,\"WaitMillis\":-5}");
        assertEquals(0L, plugin.waits.get(plugin.waits.size() - 1), "and a negative one is no wait");

    }

    @Test
    void aPluginWithoutItAnswersThatTheServiceIsUnknown() {
        PluginException e = assertThrows(PluginException.class,
                () -> fx.client.call(fx.socket("instance-polled"), "InstanceChanges.Changes", "{}"));
        assertEquals("rpc: can't find service \"InstanceChanges.Changes\"", e.getMessage());
    }

    @Test
    void theClientProxyLongPollsAndIsWokenByARecordedChange() throws Exception {
        InstanceChanges remote = fx.client.connect(fx.socket("instance-watched"), "", InstanceChanges.class);
        long seq = remote.changes(0, 0).seq();
        long start = System.nanoTime();
        CompletableFuture<InstanceChanges.Changes> waiting = async(() -> remote.changes(seq, 20_000));
        await().atMost(Duration.ofSeconds(5)).until(() -> plugin.waits.contains(20_000L)); // the call is held by the plugin
        assertFalse(waiting.isDone());
        plugin.lose("inst-1", Map.of("infrakit.group", "web", "infrakit.config_sha", "abc"), "exit code 137");
        InstanceChanges.Changes got = waiting.get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "woken by the change, not by the end of the wait");
        assertEquals(new InstanceChanges.Changes(seq + 1, List.of(new InstanceChanges.Change("inst-1",
                Map.of("infrakit.group", "web", "infrakit.config_sha", "abc"), InstanceChanges.Kind.GONE, "exit code 137")), false), got);
    }

    @Test
    void aWaitLongerThanTheCallTimeoutAndTheIdleTimeoutIsAnsweredWhenItEnds() throws Exception {
        try (RpcClient quick = new RpcClient(Duration.ofMillis(200), Duration.ofMillis(200))) {
            InstanceChanges remote = quick.connect(fx.socket("instance-watched"), "", InstanceChanges.class);
            long seq = remote.changes(0, 0).seq();
            long start = System.nanoTime();
            InstanceChanges.Changes none = remote.changes(seq, 1_000);
            long took = System.nanoTime() - start;
            assertEquals(new InstanceChanges.Changes(seq, List.of(), false), none);
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900), "the plugin held the call for the wait: " + took / 1_000_000 + " ms");
            // other calls keep the call timeout: the long poll's margin is its own
            InstancePlugin instances = quick.connect(fx.socket("instance-watched"), "", InstancePlugin.class);
            assertEquals("inst-1", instances.provision(new InstanceSpec(null, Map.of(), "", null, null)));
        }
    }

    @Test
    void aPollingThreadThatIsInterruptedStopsWaitingAtOnce() throws Exception {
        InstanceChanges remote = fx.client.connect(fx.socket("instance-watched"), "", InstanceChanges.class);
        long seq = remote.changes(0, 0).seq();
        CompletableFuture<PluginException> failed = new CompletableFuture<>();
        Thread poller = new Thread(() -> {
            try {
                remote.changes(seq, 20_000);
                failed.complete(null);
            } catch (PluginException e) {
                failed.complete(e);
            }
        }, "poller");
        poller.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> plugin.waits.contains(20_000L));
        poller.interrupt();
        PluginException e = failed.get(3, TimeUnit.SECONDS);
        assertTrue(e != null && e.getMessage().contains("Interrupted while calling plugin"), String.valueOf(e));
        poller.join(3_000);
        assertFalse(poller.isAlive());
    }

    @Test
    void aProxyForAPluginWithoutItFailsAsNotFound() {
        InstanceChanges remote = fx.client.connect(fx.socket("instance-polled"), "", InstanceChanges.class);
        PluginException e = assertThrows(PluginException.class, () -> remote.changes(0, 0));
        assertInstanceOf(PluginNotFoundException.class, e, "so that a caller tells it from a failing call, and polls instead");
        assertTrue(e.getMessage().startsWith("Plugin does not support interface {InstanceChanges 0.1.0}"), e.getMessage());
    }
}
