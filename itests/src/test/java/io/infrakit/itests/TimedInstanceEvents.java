package io.infrakit.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every instance file of a file instance plugin's directory created or deleted, with the time it was seen
 * and, for a creation, the tags the file holds: who provisioned what, and when, as the directory shows it.
 */
final class TimedInstanceEvents implements AutoCloseable {

    private static final String PREFIX = "instance-";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A file event.
     *
     * @param created a creation (else a deletion)
     * @param id the instance (file name)
     * @param nanos when it was seen ({@link System#nanoTime()})
     * @param wallMillis when it was seen ({@link System#currentTimeMillis()})
     * @param tags the file's tags for a creation ({@code null} if it was gone before it could be read)
     */
    record Event(boolean created, String id, long nanos, long wallMillis, JsonNode tags) {

        /** @return the value of a tag of a created file, or {@code ""} */
        String tag(String name) {
            return tags == null ? "" : tags.path(name).asText("");
        }

        @Override
        public String toString() {
            return (created ? "+" : "-") + id + (tags == null ? "" : " " + tags);
        }
    }

    private final Path dir;
    private final WatchService watcher;
    private final Thread thread;
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean overflowed = new AtomicBoolean();

    /**
     * Starts watching.
     *
     * @param dir the directory, created if missing
     */
    TimedInstanceEvents(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::watch, "timed-watch-" + dir.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the events so far, in the order seen */
    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Fails if the kernel dropped events. */
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
                    long nanos = System.nanoTime();
                    long wall = System.currentTimeMillis();
                    boolean created = event.kind() == StandardWatchEventKinds.ENTRY_CREATE;
                    events.add(new Event(created, name, nanos, wall, created ? tags(dir.resolve(name)) : null));
                }
                if (!key.reset()) {
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed
        }
    }

    /**
     * The tags of a new file. The file plugin creates a new instance's file in place, in one write right after
     * the create, so at the create event it may still be empty: read it again until it holds an instance
     * (a complete JSON object), it is gone, or a second has passed.
     */
    private static JsonNode tags(Path file) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            try {
                JsonNode content = JSON.readTree(file.toFile());
                if (content != null && content.isObject()) {
                    return content.path("Tags");
                }
            } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException gone) {
                return null;
            } catch (IOException stillBeingWritten) {
                // cut JSON: the write is under way
            }
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            Thread.onSpinWait();
        }
    }

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
