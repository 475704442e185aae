package io.infrakit.instance.file;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calls on one instance from several threads, as the group controller and an operator's shell make them. */
class ConcurrentCallsTest {

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void aLabelRacingADestroyNeverBringsTheInstanceBack() throws Exception {
        try (FileInstancePlugin plugin = new FileInstancePlugin(dir, new WireJsonCodec())) {
            int labelledFirst = 0;
            for (int round = 0; round < 300; round++) {
                String id = plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), null, null, null));
                Path file = dir.resolve(id);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<PluginException> label = threads.submit(() -> {
                    start.await();
                    try {
                        plugin.label(id, Map.of("round", "x"));
                        return null;
                    } catch (PluginException e) {
                        return e;
                    }
                });
                Future<?> destroy = threads.submit(() -> {
                    start.await();
                    plugin.destroy(id);
                    return null;
                });
                destroy.get(10, TimeUnit.SECONDS);
                PluginException labelError = label.get(10, TimeUnit.SECONDS);

                assertFalse(Files.exists(file), "round " + round + ": the destroyed instance is back");
                assertEquals(List.of(), plugin.describeInstances(Map.of("infrakit.group", "g")), "round " + round);
                if (labelError == null) {
                    labelledFirst++;
                } else {
                    assertEquals("open " + file + ": no such file or directory", labelError.getMessage(), "round " + round);
                }
            }
            // Both orders happened, else the race was not run.
            assertTrue(labelledFirst > 0 && labelledFirst < 300, labelledFirst + " of 300 labels came first");
        }
    }

    @Test
    void aLabelAfterADestroyFailsAndCreatesNothing() throws Exception {
        try (FileInstancePlugin plugin = new FileInstancePlugin(dir, new WireJsonCodec())) {
            String id = plugin.provision(new InstanceSpec(null, Map.of("a", "1"), null, null, null));
            plugin.destroy(id);
            PluginException e = assertThrows(PluginException.class, () -> plugin.label(id, Map.of("b", "2")));
            assertEquals("open " + dir.resolve(id) + ": no such file or directory", e.getMessage());
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList());
            }
            assertEquals(List.of(), plugin.describeInstances(null));
        }
    }
}
