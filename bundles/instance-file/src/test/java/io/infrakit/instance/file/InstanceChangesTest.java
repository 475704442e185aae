package io.infrakit.instance.file;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstanceChanges.Change;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What others do to the directory is told to {@link InstanceChanges} callers; what the plugin does itself is not.
 * Every wait is a long poll of the plugin ({@code changes(after, wait)}), which returns as soon as something is
 * told; its timeouts are generous and only reached when the plugin fails.
 */
class InstanceChangesTest {

    private static final long WAIT_MILLIS = 20_000;

    @TempDir
    Path tmp;

    private Path dir;
    private Path staging;
    private final List<FileInstancePlugin> plugins = new ArrayList<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void directories() throws Exception {
        dir = Files.createDirectory(tmp.resolve("instances"));
        staging = Files.createDirectory(tmp.resolve("staging"));
    }

    @AfterEach
    void close() {
        plugins.forEach(FileInstancePlugin::close);
        callers.shutdownNow();
    }

    private FileInstancePlugin plugin(boolean watch) throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir, new WireJsonCodec(), watch);
        plugins.add(plugin);
        return plugin;
    }

    private static String provision(FileInstancePlugin plugin, String group) throws PluginException {
        return plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", group, "tier", "web"), null, null, null));
    }

    /** An instance file as the Go plugin writes it. */
    private static String goFile(String id, String group) {
        return "{\n\"ID\": \"" + id + "\",\n\"LogicalID\": null,\n\"Tags\": {\n\"infrakit.group\": \"" + group + "\"\n},\n"
                + "\"Spec\": {\n\"Properties\": null,\n\"Tags\": null,\n\"Init\": \"\",\n\"LogicalID\": null,\n\"Attachments\": null\n}\n}";
    }

    /** Where the log is now: the number to wait after. */
    private static long now(FileInstancePlugin plugin) throws PluginException {
        return plugin.changes(0, 0).seq();
    }

    /**
     * The changes told after {@code after}, by as many long polls as it takes until one of them satisfies
     * {@code enough}; fails if none does within the wait.
     */
    private static Told awaitTold(FileInstancePlugin plugin, long after, Predicate<Told> enough) throws PluginException {
        Told told = new Told(after);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!enough.test(told)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                fail("not told in " + WAIT_MILLIS + " ms; told: " + told.changes);
            }
            told.add(plugin.changes(told.seq, left));
        }
        return told;
    }

    /** Everything told so far by successive answers. */
    private static final class Told {
        long seq;
        int answers;
        boolean reset;
        final List<Change> changes = new ArrayList<>();

        Told(long seq) {
            this.seq = seq;
        }

        void add(InstanceChanges.Changes answer) {
            seq = answer.seq();
            answers++;
            reset |= answer.reset();
            changes.addAll(answer.changes());
        }

        boolean mentions(String id) {
            return changes.stream().anyMatch(c -> id.equals(c.instance()));
        }

        /** A change with no instance: events were lost, describe everything. */
        boolean lost() {
            return changes.stream().anyMatch(c -> c.instance() == null && c.tags().isEmpty());
        }

        List<String> gone() {
            return changes.stream().filter(c -> InstanceChanges.Kind.GONE.equals(c.kind())).map(Change::instance).toList();
        }
    }

    @Test
    void aFileDeletedBehindThePluginsBackIsToldToTheCallerWaitingWithTheTagsOfItsGroup() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        String mine = provision(plugin, "g1");
        Files.writeString(dir.resolve("handmade"), goFile("handmade", "g2")); // tags known from a listing
        assertEquals(2, plugin.describeInstances(null).size());
        long seq = now(plugin);

        CompletableFuture<InstanceChanges.Changes> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return plugin.changes(seq, WAIT_MILLIS);
            } catch (PluginException e) {
                throw new IllegalStateException(e);
            }
        }, callers);
        Files.delete(dir.resolve(mine));
        InstanceChanges.Changes answer = waiting.get(WAIT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        assertFalse(answer.reset());
        assertEquals(List.of(new Change(mine, Map.of("infrakit.group", "g1", "tier", "web"), InstanceChanges.Kind.GONE, "file deleted")),
                answer.changes());
        assertEquals(seq + 1, answer.seq());

        Files.delete(dir.resolve("handmade"));
        Told told = awaitTold(plugin, answer.seq(), t -> !t.changes.isEmpty());
        assertEquals(List.of(new Change("handmade", Map.of("infrakit.group", "g2"), InstanceChanges.Kind.GONE, "file deleted")),
                told.changes);
        assertEquals(List.of(), plugin.describeInstances(null));
    }

    @Test
    void thePluginsOwnProvisionLabelAndDestroyAreNotTold() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        long seq = now(plugin);
        String destroyed = provision(plugin, "g");
        String labelled = provision(plugin, "g");
        String deleted = provision(plugin, "g");
        plugin.label(labelled, Map.of("tier", "db"));
        plugin.destroy(destroyed);
        Files.writeString(dir.resolve("never-listed"), goFile("never-listed", "g")); // no group can count it
        Files.delete(dir.resolve("never-listed"));
        // The watch takes events in order: once the outside deletion is told, every event before it was looked at.
        Files.delete(dir.resolve(deleted));

        Told told = awaitTold(plugin, seq, t -> t.mentions(deleted));
        assertEquals(List.of(new Change(deleted, Map.of("infrakit.group", "g", "tier", "web"), InstanceChanges.Kind.GONE, "file deleted")),
                told.changes);
        assertEquals(List.of(labelled), plugin.describeInstances(null).stream().map(Description::id).toList());
        assertEquals(List.of(), plugin.changes(told.seq, 0).changes(), "the listing found nothing more to tell");
    }

    @Test
    void aFileRewrittenBySomeoneElseIsToldChangedWithTheTagsItWasListedWith() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        String id = provision(plugin, "g1");
        long seq = now(plugin);
        // Another plugin's Label: a new file renamed over the instance's.
        Path staged = Files.writeString(staging.resolve(id), goFile(id, "g2"));
        Files.move(staged, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        Told told = awaitTold(plugin, seq, t -> t.mentions(id));
        Change change = told.changes.get(0);
        assertEquals(InstanceChanges.Kind.CHANGED, change.kind());
        assertEquals(Map.of("infrakit.group", "g1", "tier", "web"), change.tags(), "the group that counted it is told");
        assertEquals(List.of(id), plugin.describeInstances(Map.of("infrakit.group", "g2")).stream().map(Description::id).toList());
    }

    @Test
    void aBurstOf500DeletionsIsToldCompletelyEachOnce() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            ids.add(provision(plugin, "burst"));
        }
        long seq = now(plugin);
        for (String id : ids) {
            Files.delete(dir.resolve(id));
        }

        Told told = awaitTold(plugin, seq, t -> t.reset || t.lost() || new HashSet<>(t.gone()).containsAll(ids));
        if (told.reset || told.lost()) {
            // Told to describe everything: the listing is the truth, and tells what the lost events did not.
            assertEquals(List.of(), plugin.describeInstances(Map.of("infrakit.group", "burst")));
            told.add(plugin.changes(told.seq, 0));
        }
        if (!told.reset) {
            assertEquals(ids, new HashSet<>(told.gone()), "every deletion is told");
            assertEquals(500, told.gone().size(), "each once");
            assertTrue(told.changes.stream().filter(c -> c.instance() != null)
                    .allMatch(c -> c.tags().equals(Map.of("infrakit.group", "burst", "tier", "web"))), told.changes.toString());
        }
    }

    @Test
    void deletionsMadeWhileTheWatchIsHeldUpAreToldEachOnceByTheWatchOrAfterLostEventsByTheNextListing() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        String first = provision(plugin, "g");
        Set<String> all = new HashSet<>(Set.of(first));
        for (int i = 0; i < 700; i++) {
            all.add(provision(plugin, "g"));
        }
        long seq = now(plugin);
        ReentrantLock lock = plugin.lockOf(first);
        lock.lock();
        try {
            // The watch thread, looking at the first deletion, waits for this lock. Meanwhile more events come than the
            // JDK keeps for a directory (512) and it drops the rest, unless the JDK's own thread that reads them from
            // the kernel lags behind too (on a busy machine): then none is lost.
            Files.delete(dir.resolve(first));
            await().atMost(Duration.ofMillis(WAIT_MILLIS)).until(lock::hasQueuedThreads);
            for (String id : all) {
                if (!id.equals(first)) {
                    Files.delete(dir.resolve(id));
                }
            }
        } finally {
            lock.unlock();
        }

        Told told = awaitTold(plugin, seq, t -> t.lost() || new HashSet<>(t.gone()).containsAll(all));
        if (told.lost()) {
            Change lost = told.changes.stream().filter(c -> c.instance() == null).findFirst().orElseThrow();
            assertEquals(InstanceChanges.Kind.CHANGED, lost.kind());
            assertTrue(lost.detail().contains("lost"), lost.detail());
            // the caller describes everything: the listing checks every file, and tells the deletions the watch lost
            assertEquals(List.of(), plugin.describeInstances(Map.of("infrakit.group", "g")));
            told.add(plugin.changes(told.seq, 0));
        }
        assertEquals(all, new HashSet<>(told.gone()), "every deletion is told");
        assertEquals(701, told.gone().size(), "each once");
    }

    @Test
    void withoutAWatchAListingTellsTheInstancesItFindsGone() throws Exception {
        FileInstancePlugin plugin = plugin(false);
        String a = provision(plugin, "a");
        String b = provision(plugin, "b");
        long seq = now(plugin);
        Files.delete(dir.resolve(b));
        assertEquals(List.of(), plugin.changes(seq, 0).changes(), "nothing watches the directory");

        assertEquals(List.of(a), plugin.describeInstances(Map.of("infrakit.group", "a")).stream().map(Description::id).toList());
        assertEquals(List.of(new Change(b, Map.of("infrakit.group", "b", "tier", "web"), InstanceChanges.Kind.GONE, "file deleted")),
                plugin.changes(seq, 0).changes(), "a listing of one group tells another group's loss");
    }

    @Test
    void theComponentIsRegisteredAsAnInstancePluginAndAsItsChanges() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + FileInstancePlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<provide interface=\"io.infrakit.spi.instance.InstancePlugin\"/>"), xml);
        assertTrue(xml.contains("<provide interface=\"io.infrakit.spi.instance.InstanceChanges\"/>"), xml);
        assertEquals(1, xml.split("<service", -1).length - 1, "one registration, so one plugin name for both: " + xml);
    }
}
