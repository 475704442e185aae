package io.infrakit.instance.file;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Temporary files left by a crash mid-write are removed once stale, and never listed. */
class TemporaryFilesTest {

    @TempDir
    Path dir;

    private Path file(String name, Duration age) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "{\"ID\":\"half");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void staleTemporaryFilesAreRemovedAtTheStartAndWhenTheDirectoryChanges() throws Exception {
        file(".instance-1.tmp-3f2a", Duration.ofMinutes(2));           // left by a crash
        file(".instance-2.tmp-9c", Duration.ofSeconds(5));             // being written (or just left): kept
        file(".instance-3.swp", Duration.ofHours(1));                  // not ours: kept
        file(".instance-4.tmp-not-hex", Duration.ofHours(1));          // not ours: kept
        Files.createDirectory(dir.resolve(".instance-5.tmp-ab"));      // not a file: kept
        Files.setLastModifiedTime(dir.resolve(".instance-5.tmp-ab"), FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        try (FileInstancePlugin plugin = new FileInstancePlugin(dir, new WireJsonCodec())) {
            assertEquals(List.of(".instance-2.tmp-9c", ".instance-3.swp", ".instance-4.tmp-not-hex", ".instance-5.tmp-ab"), names());
            String id = plugin.provision(new InstanceSpec(null, Map.of("g", "1"), null, null, null));

            file("." + id + ".tmp-0123abcd", Duration.ofMinutes(5));   // another writer's crash, later on
            assertEquals(List.of(new Description(id, null, Map.of("g", "1"))), plugin.describeInstances(null));
            assertEquals(Stream.of(".instance-2.tmp-9c", ".instance-3.swp", ".instance-4.tmp-not-hex", ".instance-5.tmp-ab", id)
                    .sorted().toList(), names());
        }
    }
}
