package io.infrakit.instance.process;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstanceChanges.Change;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The exit of an instance's process is told to {@link InstanceChanges} callers, with its tags and exit status; a
 * process stopped by Destroy is not. Every wait for a change is a long poll of the plugin, which returns as soon as
 * something is told; its timeouts are generous and only reached when the plugin fails.
 */
class InstanceChangesTest {

    private static final long WAIT_MILLIS = 20_000;
    private static final String FOREVER = "exec sleep 600";

    @TempDir
    Path dir;

    private final ExecutorService callers = Executors.newCachedThreadPool();

    private ProcessInstancePlugin plugin() throws Exception {
        return new ProcessInstancePlugin(dir, new WireJsonCodec(), Duration.ofSeconds(5), 5);
    }

    @AfterEach
    void stopEverything() throws Exception {
        ProcessInstancePlugin p = new ProcessInstancePlugin(dir, new WireJsonCodec(), Duration.ZERO, 5);
        for (Description d : p.describeInstances(null)) {
            p.destroy(d.id());
        }
        callers.shutdownNow();
    }

    private static String provision(ProcessInstancePlugin plugin, String init, Map<String, String> tags) throws PluginException {
        return plugin.provision(new InstanceSpec(RawJson.of(null), tags, init, null, null));
    }

    private long pid(String id) throws Exception {
        return new WireJsonCodec().decode(new RawJson(Files.readString(dir.resolve(id).resolve("instance.json"))),
                ProcessInstancePlugin.InstanceState.class).pid();
    }

    /** The changes told after {@code after}, by as many long polls as it takes until one mentions {@code id}. */
    private static List<Change> awaitTold(ProcessInstancePlugin plugin, long after, String id) throws PluginException {
        List<Change> told = new ArrayList<>();
        long seq = after;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (told.stream().noneMatch(c -> id.equals(c.instance()))) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                fail(id + " not told in " + WAIT_MILLIS + " ms; told: " + told);
            }
            InstanceChanges.Changes answer = plugin.changes(seq, left);
            assertFalse(answer.reset());
            told.addAll(answer.changes());
            seq = answer.seq();
        }
        return told;
    }

    @Test
    void aProcessKilledWithSigkillIsToldToTheCallerWaitingWithItsTagsAndExitStatus() throws Exception {
        ProcessInstancePlugin p = plugin();
        Map<String, String> tags = Map.of("infrakit.group", "g", "tier", "web");
        String id = provision(p, FOREVER, tags);
        long seq = p.changes(0, 0).seq();

        CompletableFuture<InstanceChanges.Changes> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return p.changes(seq, WAIT_MILLIS);
            } catch (PluginException e) {
                throw new IllegalStateException(e);
            }
        }, callers);
        ProcessHandle.of(pid(id)).orElseThrow().destroyForcibly(); // kill -9
        InstanceChanges.Changes answer = waiting.get(WAIT_MILLIS + 5_000, TimeUnit.MILLISECONDS);

        assertEquals(List.of(new Change(id, tags, InstanceChanges.Kind.GONE, "exit status 137 (signal 9)")), answer.changes());
        assertEquals(List.of(), p.describeInstances(null), "the listing agrees: the process is gone");
    }

    @Test
    void aScriptThatEndsIsToldWithItsExitStatusAndTheTagsOfItsLastLabel() throws Exception {
        ProcessInstancePlugin p = plugin();
        long seq = p.changes(0, 0).seq();
        Path go = dir.resolveSibling(dir.getFileName() + "-go");
        assertEquals(0, new ProcessBuilder("mkfifo", go.toString()).start().waitFor());
        // the script ends once the test has labelled it: it blocks reading the pipe until the test writes a line
        String id = provision(p, "read line < \"" + go + "\"\nexit 3", Map.of("infrakit.group", "a"));
        p.label(id, Map.of("infrakit.group", "b"));
        Files.writeString(go, "go\n");

        assertEquals(List.of(new Change(id, Map.of("infrakit.group", "b"), InstanceChanges.Kind.GONE, "exit status 3")), awaitTold(p, seq, id));
        Files.delete(go);
    }

    @Test
    void aProcessStoppedByDestroyIsNotTold() throws Exception {
        ProcessInstancePlugin p = plugin();
        String destroyed = provision(p, FOREVER, Map.of("infrakit.group", "g"));
        String killed = provision(p, FOREVER, Map.of("infrakit.group", "g"));
        long seq = p.changes(0, 0).seq();

        p.destroy(destroyed);
        await().atMost(Duration.ofMillis(WAIT_MILLIS)).until(() -> !p.watches(destroyed)); // its exit has been handled
        ProcessHandle.of(pid(killed)).orElseThrow().destroyForcibly();

        List<Change> told = awaitTold(p, seq, killed);
        assertEquals(List.of(killed), told.stream().map(Change::instance).toList(), told.toString());
    }

    @Test
    void aNewPluginWatchesTheProcessesItAdoptsOnceItListsThem() throws Exception {
        ProcessInstancePlugin first = plugin();
        String id = provision(first, FOREVER, Map.of("infrakit.group", "g"));
        ProcessInstancePlugin second = plugin(); // as after a restart of the plugin
        assertFalse(second.watches(id));
        assertEquals(List.of(id), second.describeInstances(null).stream().map(Description::id).toList());
        assertTrue(second.watches(id));
        long seq = second.changes(0, 0).seq();

        ProcessHandle.of(pid(id)).orElseThrow().destroyForcibly();

        List<Change> told = awaitTold(second, seq, id);
        assertEquals(1, told.size(), told.toString());
        assertEquals(Map.of("infrakit.group", "g"), told.get(0).tags());
        assertEquals(InstanceChanges.Kind.GONE, told.get(0).kind());
        assertTrue(told.get(0).detail().contains("exit status unknown"), told.get(0).detail());
    }

    @Test
    void exitStatusesOfSignalsAreNamed() {
        assertEquals("exit status 0", ProcessExits.exitStatus(0));
        assertEquals("exit status 128", ProcessExits.exitStatus(128));
        assertEquals("exit status 143 (signal 15)", ProcessExits.exitStatus(143));
        assertEquals("exit status 192 (signal 64)", ProcessExits.exitStatus(192));
        assertEquals("exit status 255", ProcessExits.exitStatus(255));
    }

    @Test
    void theComponentIsRegisteredAsAnInstancePluginAndAsItsChanges() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + ProcessInstancePlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<provide interface=\"io.infrakit.spi.instance.InstancePlugin\"/>"), xml);
        assertTrue(xml.contains("<provide interface=\"io.infrakit.spi.instance.InstanceChanges\"/>"), xml);
        assertEquals(1, xml.split("<service", -1).length - 1, "one registration, so one plugin name for both: " + xml);
    }
}
