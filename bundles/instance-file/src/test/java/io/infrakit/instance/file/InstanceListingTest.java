package io.infrakit.instance.file;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listings come from the index, and the index follows what others do to the directory. */
class InstanceListingTest {

    @TempDir
    Path tmp;

    private Path dir;
    private Path staging;
    private final CountingCodec json = new CountingCodec();
    private final List<FileInstancePlugin> plugins = new ArrayList<>();

    @BeforeEach
    void directories() throws Exception {
        dir = Files.createDirectory(tmp.resolve("instances"));
        staging = Files.createDirectory(tmp.resolve("staging"));
    }

    @AfterEach
    void close() {
        plugins.forEach(FileInstancePlugin::close);
    }

    private FileInstancePlugin plugin(boolean watch) throws Exception {
        FileInstancePlugin plugin = new FileInstancePlugin(dir, json, watch);
        plugins.add(plugin);
        return plugin;
    }

    /** An instance file as the Go plugin writes it. */
    private static String goFile(String id, String group, String tier) {
        return "{\n\"ID\": \"" + id + "\",\n\"LogicalID\": null,\n\"Tags\": {\n\"infrakit.group\": \"" + group + "\",\n\"tier\": \""
                + tier + "\"\n},\n\"Spec\": {\n\"Properties\": null,\n\"Tags\": null,\n\"Init\": \"\",\n\"LogicalID\": null,\n"
                + "\"Attachments\": null\n}\n}";
    }

    /** Puts a file into the directory at once (written elsewhere, then renamed), as a careful writer does. */
    private void putAtomically(String id, String content) throws Exception {
        Path staged = Files.writeString(staging.resolve(id), content);
        Files.move(staged, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private List<String> ids(FileInstancePlugin plugin, String group) throws PluginException {
        return plugin.describeInstances(Map.of("infrakit.group", group)).stream().map(Description::id).toList();
    }

    @Test
    void listingsReadNoFileUntilOneChangesAndThenOnlyThatOne() throws Exception {
        for (int i = 0; i < 100; i++) {
            Files.writeString(dir.resolve("instance-" + (1000 + i)), goFile("instance-" + (1000 + i), "g" + i % 5, "web"));
        }
        FileInstancePlugin plugin = plugin(true);
        assertEquals(100, json.reads.get(), "the start reads every file once");
        for (int i = 0; i < 10; i++) {
            plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "mine"), null, null, null));
        }

        json.reads.set(0);
        for (int round = 0; round < 20; round++) {
            for (int g = 0; g < 5; g++) {
                assertEquals(20, ids(plugin, "g" + g).size());
            }
            assertEquals(10, ids(plugin, "mine").size());
            assertEquals(110, plugin.describeInstances(null).size());
        }
        assertEquals(0, json.reads.get(), "no file changed, none is read");

        putAtomically("instance-2000", goFile("instance-2000", "g0", "db"));
        assertEquals(21, ids(plugin, "g0").size());
        assertEquals(List.of(new Description("instance-2000", null, Map.of("infrakit.group", "g0", "tier", "db"))),
                plugin.describeInstances(Map.of("tier", "db")));
        Files.delete(dir.resolve("instance-1001"));
        assertEquals(19, ids(plugin, "g1").size());
        for (int round = 0; round < 20; round++) {
            assertEquals(21, ids(plugin, "g0").size());
        }
        assertEquals(1, json.reads.get(), "only the new file is read");
    }

    @Test
    void whatOthersDoToTheDirectoryIsSeenByTheVeryNextListing() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        String mine = plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), null, null, null));
        // Back to back, so that changes fall within one tick of the file system's clock.
        for (int round = 0; round < 100; round++) {
            String copied = "instance-" + (5000 + round);
            Files.writeString(dir.resolve(copied), goFile(copied, "g", "web")); // cp: created, then written
            assertEquals(Stream.of(copied, mine).sorted().toList(), ids(plugin, "g"), "round " + round + ": a copied file");

            putAtomically(copied, goFile(copied, "other", "web")); // another plugin's Label: renamed over
            assertEquals(List.of(mine), ids(plugin, "g"), "round " + round + ": a file replaced");
            assertEquals(List.of(copied), ids(plugin, "other"), "round " + round + ": a file replaced");

            Files.delete(dir.resolve(copied)); // the self-healing demo: rm
            assertEquals(List.of(), ids(plugin, "other"), "round " + round + ": a file removed");
        }
        Files.delete(dir.resolve(mine));
        assertEquals(List.of(), plugin.describeInstances(Map.of()));
    }

    @Test
    void aChangingDirectoryIsFollowedThroughItsEventsWithoutCheckingEveryFile() throws Exception {
        for (int i = 0; i < 1000; i++) {
            Files.writeString(dir.resolve("instance-" + (1000 + i)), goFile("instance-" + (1000 + i), "old", "web"));
        }
        FileInstancePlugin plugin = plugin(true);
        assertEquals(1, plugin.instanceDirectory().fullScans(), "the start checks every file");
        List<String> mine = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            mine.add(plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), null, null, null)));
            String copied = "instance-" + (5000 + round);
            Files.writeString(dir.resolve(copied), goFile(copied, "g", "web"));
            assertEquals(Stream.concat(mine.stream(), Stream.of(copied)).sorted().toList(), ids(plugin, "g"), "round " + round);
            putAtomically(copied, goFile(copied, "other", "web"));
            Files.delete(dir.resolve("instance-" + (1000 + round)));
            assertEquals(List.of(copied), ids(plugin, "other"), "round " + round);
            assertEquals(1000 - round - 1, ids(plugin, "old").size(), "round " + round);
            Files.delete(dir.resolve(copied));
            assertEquals(List.of(), ids(plugin, "other"), "round " + round);
        }
        assertEquals(1, plugin.instanceDirectory().fullScans(), "no listing checked every file again");
    }

    @Test
    void aBurstOfChangesBetweenTwoListingsIsListedCompletely() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        assertEquals(List.of(), plugin.describeInstances(null));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // far more events than the JDK keeps for a directory nobody asks
            String id = "instance-" + (10_000 + i);
            Files.writeString(dir.resolve(id), goFile(id, "g", "web"));
            expected.add(id);
            if (i % 3 == 0) {
                expected.add(plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g"), null, null, null)));
            }
        }
        for (int i = 0; i < 3000; i += 2) {
            Files.delete(dir.resolve("instance-" + (10_000 + i)));
            expected.remove("instance-" + (10_000 + i));
        }
        assertEquals(expected.stream().sorted().toList(), ids(plugin, "g"));
    }

    @Test
    void withoutItsBarrierDirectoryAListingChecksEveryFileAndMakesANewOne() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        Path barriers = plugin.instanceDirectory().barrierDirectory();
        assertTrue(Files.isDirectory(barriers));
        Files.delete(barriers); // a cleaner of temporary files
        String copied = "instance-7";
        Files.writeString(dir.resolve(copied), goFile(copied, "g", "web"));
        assertEquals(List.of(copied), ids(plugin, "g"));
        assertEquals(2, plugin.instanceDirectory().fullScans(), "without a barrier, every file is checked");
        assertTrue(Files.isDirectory(plugin.instanceDirectory().barrierDirectory()), "a new barrier directory");
        Files.delete(dir.resolve(copied));
        assertEquals(List.of(), ids(plugin, "g"));
        assertEquals(2, plugin.instanceDirectory().fullScans(), "the new barriers serve again");
    }

    @Test
    void closingRemovesTheBarrierDirectory() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        Path barriers = plugin.instanceDirectory().barrierDirectory();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(barriers)));
        plugin.close();
        assertFalse(Files.exists(barriers));
    }

    @Test
    void aFileWrittenInPlaceIsSeenEvenWithItsSizeAndTimeUnchanged() throws Exception {
        Path file = Files.writeString(dir.resolve("instance-1"), goFile("instance-1", "g1", "web"));
        FileInstancePlugin plugin = plugin(true);
        assertEquals(List.of("instance-1"), ids(plugin, "g1"));
        FileTime time = Files.getLastModifiedTime(file);

        // As a Go plugin's Label does: the same file truncated and written again, here to the same length.
        Files.writeString(file, goFile("instance-1", "g2", "web"));
        Files.setLastModifiedTime(file, time);
        await().atMost(Duration.ofSeconds(10)).until(() -> ids(plugin, "g2").equals(List.of("instance-1")));
        assertEquals(List.of(), ids(plugin, "g1"));
    }

    @Test
    void aFileStillBeingWrittenIsListedOnceComplete() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        Path file = Files.createFile(dir.resolve("instance-7"));
        assertEquals(List.of(), plugin.describeInstances(null));
        Files.writeString(file, goFile("instance-7", "g", "web").substring(0, 40));
        assertEquals(List.of(), plugin.describeInstances(null));
        Files.writeString(file, goFile("instance-7", "g", "web"));
        assertEquals(List.of("instance-7"), ids(plugin, "g"));
    }

    @Test
    void withoutAWatchEveryListingChecksEveryFile() throws Exception {
        Path file = Files.writeString(dir.resolve("instance-1"), goFile("instance-1", "g1", "web"));
        FileInstancePlugin plugin = plugin(false);
        assertEquals(List.of("instance-1"), ids(plugin, "g1"));
        Files.writeString(file, goFile("instance-1", "group-2", "web"));
        assertEquals(List.of("instance-1"), ids(plugin, "group-2"));
        Files.delete(file);
        assertEquals(List.of(), plugin.describeInstances(null));
    }

    @Test
    void aFilterOnSeveralTagsOrOnAnUnknownTagListsOnlyWhatMatchesAll() throws Exception {
        FileInstancePlugin plugin = plugin(true);
        String a = plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g", "tier", "web"), null, null, null));
        plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "g", "tier", "db"), null, null, null));
        plugin.provision(new InstanceSpec(null, Map.of("infrakit.group", "h", "tier", "web"), null, null, null));
        assertEquals(List.of(a), plugin.describeInstances(Map.of("infrakit.group", "g", "tier", "web")).stream().map(Description::id).toList());
        assertEquals(List.of(), plugin.describeInstances(Map.of("infrakit.group", "g", "zone", "a")));
        plugin.label(a, Map.of("tier", "cache"));
        assertEquals(List.of(), plugin.describeInstances(Map.of("infrakit.group", "g", "tier", "web")));
        assertEquals(List.of(a), ids(plugin, "g").stream().filter(a::equals).toList());
        plugin.destroy(a);
        assertEquals(1, ids(plugin, "g").size());
        assertTrue(plugin.describeInstances(Map.of("tier", "cache")).isEmpty());
    }

    @Test
    void instancesAreSortedByTheIdInTheirFileEvenWhenItIsNotTheFileName() throws Exception {
        Files.writeString(dir.resolve("a-file"), goFile("z-id", "g", "web"));
        Files.writeString(dir.resolve("b-file"), goFile("a-id", "g", "web"));
        Files.writeString(dir.resolve("c-file"), goFile("c-file", "g", "web"));
        FileInstancePlugin plugin = plugin(true);
        assertEquals(List.of("a-id", "c-file", "z-id"), ids(plugin, "g"));
        Files.delete(dir.resolve("a-file"));
        Files.delete(dir.resolve("b-file"));
        putAtomically("b-file", goFile("b-file", "g", "web"));
        assertEquals(List.of("b-file", "c-file"), ids(plugin, "g"));
    }

    /** The product's codec, counting the instance files it decodes. */
    private static final class CountingCodec implements JsonCodec {

        final AtomicInteger reads = new AtomicInteger();
        private final WireJsonCodec codec = new WireJsonCodec();

        @Override
        public <T> T decode(RawJson json, Class<T> type) throws PluginException {
            if (type == InstanceFile.class) {
                reads.incrementAndGet();
            }
            return codec.decode(json, type);
        }

        @Override
        public RawJson encode(Object value) {
            return codec.encode(value);
        }

        @Override
        public String encodeIndented(Object value, String prefix, String indent) {
            return codec.encodeIndented(value, prefix, indent);
        }

        @Override
        public String encodeStable(Object value, String prefix, String indent) {
            return codec.encodeStable(value, prefix, indent);
        }
    }
}
