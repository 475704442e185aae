package io.infrakit.rpc.server;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host owns the socket: a plugin service can be replaced behind it without a failed call. */
class ReplacementTest {

    private static final long GRACE_MILLIS = 1500;

    private HostFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(GRACE_MILLIS);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private static Fakes.Instances pluginWith(String id) {
        Fakes.Instances p = new Fakes.Instances(id);
        p.instances.add(new Description(id, null, Map.of()));
        return p;
    }

    private Object socketIdentity() throws Exception {
        return Files.readAttributes(fx.socket("swap"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    @Test
    void aServiceReplacedWhileAClientKeepsCallingFailsNoCall() throws Exception {
        Map<String, Object> first = fx.register(Spi.INSTANCE, "swap", null, pluginWith("old"));
        Object before = socketIdentity();
        InstancePlugin remote = fx.client.connect(fx.socket("swap"), "", InstancePlugin.class);
        AtomicInteger oldCalls = new AtomicInteger();
        AtomicInteger newCalls = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch sawOld = new CountDownLatch(1);
        CountDownLatch sawNewTwice = new CountDownLatch(2);
        Thread caller = new Thread(() -> {
            while (sawNewTwice.getCount() > 0 && failure.get() == null) {
                try {
                    String id = remote.describeInstances(Map.of()).get(0).id();
                    if (id.equals("old")) {
                        oldCalls.incrementAndGet();
                        sawOld.countDown();
                    } else {
                        newCalls.incrementAndGet();
                        sawNewTwice.countDown();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }
        });
        caller.start();
        assertTrue(sawOld.await(10, TimeUnit.SECONDS));
        for (int round = 0; round < 20; round++) {
            // unregister and register again, as a bundle update does, many times while the client calls
            fx.local.remove(Spi.INSTANCE, first);
            first = fx.register(Spi.INSTANCE, "swap", null, pluginWith(round == 19 ? "new" : "old"));
        }
        assertTrue(sawNewTwice.await(10, TimeUnit.SECONDS), "the replacement answers");
        caller.join(10_000);
        assertNull(failure.get(), () -> "a call failed during the replacement: " + failure.get());
        assertTrue(oldCalls.get() > 0 && newCalls.get() >= 2);
        assertEquals(before, socketIdentity(), "the socket was never closed");
    }

    @Test
    void aCallInTheGapWaitsForTheReplacement() throws Exception {
        Map<String, Object> first = fx.register(Spi.INSTANCE, "swap", null, pluginWith("old"));
        InstancePlugin remote = fx.client.connect(fx.socket("swap"), "", InstancePlugin.class);
        assertEquals("old", remote.describeInstances(Map.of()).get(0).id());
        fx.local.remove(Spi.INSTANCE, first);
        CompletableFuture<String> inGap = CompletableFuture.supplyAsync(() -> {
            try {
                return remote.describeInstances(Map.of()).get(0).id();
            } catch (PluginException e) {
                throw new IllegalStateException(e);
            }
        });
        // the request is on its way or waiting: the new service must be what answers it
        fx.register(Spi.INSTANCE, "swap", null, pluginWith("new"));
        assertEquals("new", inGap.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aNameGoneForGoodAnswersAfterTheTimeoutAndLosesItsSocket() throws Exception {
        Map<String, Object> only = fx.register(Spi.INSTANCE, "swap", null, pluginWith("old"));
        InstancePlugin remote = fx.client.connect(fx.socket("swap"), "", InstancePlugin.class);
        assertEquals(1, remote.describeInstances(Map.of()).size());
        fx.local.remove(Spi.INSTANCE, only);
        assertTrue(Files.exists(fx.socket("swap"), LinkOption.NOFOLLOW_LINKS), "kept open for a replacement");
        long started = System.nanoTime();
        PluginException e = assertThrows(PluginException.class, () -> remote.describeInstances(Map.of()));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(e.getMessage().startsWith("rpc: can't find service \"Instance.DescribeInstances\"")
                || e.getMessage().startsWith("No plugin is listening"), e.getMessage());
        assertTrue(waited >= GRACE_MILLIS / 2, "waited for a replacement first (" + waited + " ms)");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fx.socket("swap"), LinkOption.NOFOLLOW_LINKS));
        assertNull(fx.local.get("swap"));
    }

    @Test
    void aNameThatComesBackAfterItsSocketWasRemovedGetsANewSocket() throws Exception {
        Map<String, Object> only = fx.register(Spi.INSTANCE, "swap", null, pluginWith("old"));
        fx.local.remove(Spi.INSTANCE, only);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fx.socket("swap"), LinkOption.NOFOLLOW_LINKS));
        fx.register(Spi.INSTANCE, "swap", null, pluginWith("again"));
        assertTrue(SocketFiles.isSocket(fx.socket("swap")));
        assertEquals("again", fx.client.connect(fx.socket("swap"), "", InstancePlugin.class).describeInstances(Map.of()).get(0).id());
    }

    @Test
    void theHigherRankedOfTwoServicesAnswersAndTheOtherTakesOverWhenItLeaves() throws Exception {
        Map<String, Object> low = fx.register(Spi.INSTANCE, "swap", null, pluginWith("low"));
        Map<String, Object> high = new java.util.HashMap<>(Map.of("infrakit.plugin.name", "swap", "service.id", 99_999L, "service.ranking", 10));
        fx.local.add(Spi.INSTANCE, high, pluginWith("high"));
        InstancePlugin remote = fx.client.connect(fx.socket("swap"), "", InstancePlugin.class);
        assertEquals("high", remote.describeInstances(Map.of()).get(0).id());
        fx.local.remove(Spi.INSTANCE, high);
        assertEquals("low", remote.describeInstances(Map.of()).get(0).id());
        fx.local.remove(Spi.INSTANCE, low);
        assertFalse(fx.local.get("swap").knows(Spi.FLAVOR));
        assertEquals(List.of(), fx.local.get("swap").interfaces());
    }
}
