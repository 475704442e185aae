package io.infrakit.manager.file;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileBackendTest {

    @TempDir
    Path dir;

    private final List<FileBackend> backends = new ArrayList<>();

    @AfterEach
    void close() {
        backends.forEach(FileBackend::close);
    }

    private FileBackend backend(boolean create) {
        return backend(create, 20);
    }

    private FileBackend backend(boolean create, long pollMillis) {
        FileBackend backend = new FileBackend(dir.resolve("shared/leader"), dir.resolve("shared/configs"), pollMillis, create);
        backends.add(backend);
        return backend;
    }

    /** Joins and records every status reported. */
    private static final class Recorder {
        final List<LeaderStatus> seen = new CopyOnWriteArrayList<>();
        final List<Long> at = new CopyOnWriteArrayList<>();
        Election election;

        void report(LeaderStatus status) {
            at.add(System.nanoTime());
            seen.add(status);
        }

        LeaderStatus last() {
            return seen.isEmpty() ? null : seen.get(seen.size() - 1);
        }
    }

    private Recorder join(FileBackend backend, String name) {
        Recorder recorder = new Recorder();
        recorder.election = backend.join(name, recorder::report);
        return recorder;
    }

    @Test
    void theFirstManagerCreatesTheMissingLeaderFileAndLeadsTheNextFollows() throws IOException {
        Recorder a = join(backend(true), "node-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.last() != null);
        Recorder b = join(backend(true), "node-b");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.last() != null);

        assertEquals(LeaderStatus.leader("node-a"), a.last());
        assertEquals(LeaderStatus.follower("node-a"), b.last());
        Path file = dir.resolve("shared/leader");
        assertEquals("node-a\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void writingAnotherNameIntoTheFileMovesLeadership() throws IOException {
        Path file = dir.resolve("shared/leader");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "node-a");
        Recorder a = join(backend(false), "node-a");
        Recorder b = join(backend(false), "node-b");
        await().atMost(Duration.ofSeconds(5)).until(() -> LeaderStatus.leader("node-a").equals(a.last()) && LeaderStatus.follower("node-a").equals(b.last()));

        Files.writeString(file, "  node-b \n");

        await().atMost(Duration.ofSeconds(5)).until(() -> LeaderStatus.follower("node-b").equals(a.last()) && LeaderStatus.leader("node-b").equals(b.last()));
        assertEquals(List.of(LeaderStatus.leader("node-a"), LeaderStatus.follower("node-b")), a.seen, "each change reported once");
        assertEquals(LeaderStatus.follower("node-b"), a.election.status());
    }

    @Test
    void theNewLeaderStartsOnlyAfterTheOldOneHasStopped() throws IOException {
        Path file = dir.resolve("shared/leader");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "node-a");
        Recorder a = join(backend(false, 100), "node-a");
        Recorder b = join(backend(false, 100), "node-b");
        await().atMost(Duration.ofSeconds(5)).until(() -> LeaderStatus.leader("node-a").equals(a.last()) && LeaderStatus.follower("node-a").equals(b.last()));

        Files.writeString(file, "node-b");

        await().atMost(Duration.ofSeconds(5)).until(() -> LeaderStatus.leader("node-b").equals(b.last()));
        int demoted = a.seen.indexOf(LeaderStatus.follower("node-b"));
        assertTrue(demoted > 0, "node-a stopped leading: " + a.seen);
        long gap = b.at.get(b.at.size() - 1) - a.at.get(demoted);
        assertTrue(gap > 0, "node-b led " + (-gap / 1_000_000) + " ms before node-a stopped");
    }

    @Test
    void aMissingFileWithoutCreationOrAnUnreadableOneLeavesLeadershipUnknown() throws IOException {
        Recorder a = join(backend(false), "node-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.last() != null);
        assertEquals(LeaderStatus.Role.UNKNOWN, a.last().role());
        assertTrue(a.last().detail().contains("does not exist"), a.last().detail());

        Files.createDirectories(dir.resolve("shared/leader")); // a directory cannot be read as a file
        await().atMost(Duration.ofSeconds(5)).until(() -> a.last().detail() != null && a.last().detail().startsWith("cannot read the leader file"));
        assertEquals(LeaderStatus.Role.UNKNOWN, a.last().role());
    }

    @Test
    void aLeaderWhoseFileBecomesUnreadableStopsLeadingAtTheNextRead() throws IOException {
        Path file = dir.resolve("shared/leader");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "node-a");
        Recorder a = join(backend(false), "node-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> LeaderStatus.leader("node-a").equals(a.last()));

        Files.delete(file);
        Files.createDirectory(file); // a directory cannot be read as the file (the backend does not recreate it)

        await().atMost(Duration.ofSeconds(5)).until(() -> a.last().role() == LeaderStatus.Role.UNKNOWN);
    }

    @Test
    void theStoreRoundTripsAndRefusesAStaleVersion() throws PluginException, IOException {
        FileBackend backend = backend(true);
        StoredGroups empty = backend.load();
        assertEquals(new StoredGroups(null, StoredGroups.NONE), empty);

        long v1 = backend.save("{\n    \"Groups\": {}\n  }", StoredGroups.NONE);
        StoredGroups read = backend.load();
        assertEquals(new StoredGroups("{\n    \"Groups\": {}\n  }", v1), read);

        long v2 = backend.save("{\"Groups\":{\"a\":null}}", v1);
        assertTrue(v2 != v1);
        StoreConflictException stale = assertThrows(StoreConflictException.class, () -> backend.save("{\"Groups\":{}}", v1));
        assertTrue(stale.getMessage().contains("changed since it was read"), stale.getMessage());
        assertThrows(StoreConflictException.class, () -> backend.save("{}", StoredGroups.NONE));
        assertEquals("{\"Groups\":{\"a\":null}}", backend.load().json());

        Path configs = dir.resolve("shared/configs");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(configs.resolve("global.config"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(configs)));
        try (Stream<Path> files = Files.list(configs)) {
            assertEquals(List.of("global.config", "global.config.lock"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void twoManagersWritingAtOnceLoseNoUpdate() throws Exception {
        FileBackend one = backend(true);
        FileBackend two = backend(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (FileBackend backend : List.of(one, two)) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        while (true) {
                            StoredGroups current = backend.load();
                            int n = current.json() == null ? 0 : Integer.parseInt(current.json());
                            try {
                                backend.save(Integer.toString(n + 1), current.version());
                                break;
                            } catch (StoreConflictException e) {
                                // someone else wrote first: read again
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("100", one.load().json());
    }

    @Test
    void pathsComeFromTheConfigurationThenTheEnvironmentThenInfrakitHome() {
        Map<String, String> home = Map.of("INFRAKIT_HOME", "/srv/infrakit");
        assertEquals(Path.of("/srv/infrakit/leader"), FileBackend.leaderFile("", home, "/home/u"));
        assertEquals(Path.of("/srv/infrakit/configs"), FileBackend.storeDir(" ", home, "/home/u"));
        assertEquals(Path.of("/home/u/.infrakit/leader"), FileBackend.leaderFile("", Map.of(), "/home/u"));
        Map<String, String> env = Map.of("INFRAKIT_HOME", "/srv/infrakit", "INFRAKIT_LEADER_FILE", "/shared/leader", "INFRAKIT_STORE_DIR", "~/configs");
        assertEquals(Path.of("/shared/leader"), FileBackend.leaderFile("", env, "/home/u"));
        assertEquals(Path.of("/home/u/configs"), FileBackend.storeDir("", env, "/home/u"));
        assertEquals(Path.of("/etc/infrakit/leader"), FileBackend.leaderFile("/etc/infrakit/leader", env, "/home/u"));
    }
}
