package io.infrakit.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The instance files of a file instance plugin's directory ({@code instance-<n>}, the plugin's temporary
 * files left out), listed on demand and watched all along: every instance file created (or replaced by a
 * rename) and every one deleted is recorded from file system events, so an instance that lives shorter
 * than a poll is seen too.
 */
final class InstanceFiles implements AutoCloseable {

    private static final String PREFIX = "instance-";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final WatchService watcher;
    private final Thread thread;
    private final List<String> created = Collections.synchronizedList(new ArrayList<>());
    private final List<String> deleted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean overflowed = new AtomicBoolean();

    /**
     * Starts watching a directory.
     *
     * @param dir the directory, created if missing
     */
    InstanceFiles(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::watch, "watch-" + dir.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the names of the instance files now */
    Set<String> ids() throws IOException {
        Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            files.forEach(file -> ids.add(file.getFileName().toString()));
        }
        return ids;
    }

    /**
     * The instance files of a directory whose tag {@code infrakit.group} names a group, read from the files
     * themselves (a file destroyed while they are listed is left out).
     *
     * @param dir the file instance plugin's directory
     * @param group the group's ID
     * @return the instance IDs (file names)
     */
    static Set<String> ofGroup(Path dir, String group) throws IOException {
        Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path file : files) {
                JsonNode content;
                try {
                    content = JSON.readTree(file.toFile());
                } catch (IOException vanished) {
                    continue;
                }
                if (group.equals(content.path("Tags").path("infrakit.group").asText())) {
                    ids.add(file.getFileName().toString());
                }
            }
        }
        return ids;
    }

    /** @return every instance file name created since the watch began, in order (a name may repeat: a rewrite) */
    List<String> created() {
        synchronized (created) {
            return List.copyOf(created);
        }
    }

    /** @return every instance file name deleted since the watch began, in order */
    List<String> deleted() {
        synchronized (deleted) {
            return List.copyOf(deleted);
        }
    }

    /**
     * Fails if events may have been lost (the kernel's queue overflowed): then {@link #created()} and
     * {@link #deleted()} are incomplete.
     */
    void assertComplete() {
        if (overflowed.get()) {
            throw new AssertionError("The watch of " + dir + " overflowed: file events were lost");
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflowed.set(true);
                        continue;
                    }
                    String name = event.context().toString();
                    if (!name.startsWith(PREFIX)) {
                        continue;
                    }
                    (event.kind() == StandardWatchEventKinds.ENTRY_CREATE ? created : deleted).add(name);
                }
                if (!key.reset()) {
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed
        }
    }

    /** Stops watching. */
    @Override
    public void close() throws IOException {
        watcher.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
