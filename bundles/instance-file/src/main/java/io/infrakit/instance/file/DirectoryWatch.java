package io.infrakit.instance.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The events of one directory, taken on a thread of their own as they come, and barriers.
 *
 * <p><b>A thread of its own</b>, because the JDK's watch service keeps at most 512 events of a directory
 * that nobody takes and then drops them all for an {@code OVERFLOW}: a group growing by thousands of
 * instances a second makes that many between two listings. The names are kept here instead, up to
 * {@link #MAX_PENDING}.
 *
 * <p><b>A barrier</b> tells that every event of a change made before it has been taken. It is a file
 * created in a private directory (the owner's only) watched by the same watch service: inotify queues the
 * events of all the watches of one service in the order of the changes and the JDK hands them over in that
 * order, so once the barrier's event is taken, and then the directory's events that were handed over
 * before it, every change made before the barrier's file was created is known.
 *
 * <p><b>A {@link Listener}</b> hears of every entry named by an event as soon as the thread takes it, and of lost
 * events, so that a deleted instance can be told to callers at once rather than at the next listing.
 */
final class DirectoryWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

    /** The most names kept between two takes; beyond that the changes count as lost (a full scan is cheaper). */
    static final int MAX_PENDING = 65_536;

    /**
     * What changed since the last take.
     *
     * @param names the names of the entries created, deleted, renamed or written
     * @param written those of them that were written in place
     * @param complete {@code false} if changes may be missing (events lost, the watch ended)
     */
    record Changes(Set<String> names, Set<String> written, boolean complete) {
    }

    /** Hears of the directory's events on the watch thread, as they are taken. Must be quick and must not throw. */
    interface Listener {

        /**
         * An entry of the directory was created (or renamed into it), deleted (or renamed away) or written.
         *
         * @param name its name
         * @param kind {@code ENTRY_CREATE}, {@code ENTRY_DELETE} or {@code ENTRY_MODIFY}
         */
        void noticed(String name, WatchEvent.Kind<?> kind);

        /**
         * Events of the directory were lost, or the watch ended: any entry may have changed.
         *
         * @param why in words
         */
        void lost(String why);
    }

    /** An event of the directory, handed to the listener once the lock is released. */
    private record Noticed(String name, WatchEvent.Kind<?> kind) {
    }

    private final Path dir;
    private final WatchService service;
    private final WatchKey key;
    private final Path barriers;
    private final WatchKey barrierKey;
    private final Thread thread;
    private final Listener listener;

    private final Object lock = new Object();
    // guarded by lock
    private Set<String> names = new HashSet<>();
    private Set<String> written = new HashSet<>();
    private boolean complete = true;
    private boolean ended;
    private boolean barriersBroken;
    private long barrierSent;
    private long barrierTaken;

    /**
     * Starts watching a directory.
     *
     * @param dir the directory
     * @param listener hears of the events on the watch thread
     * @return the watch
     * @throws IOException if the directory cannot be watched
     */
    static DirectoryWatch of(Path dir, Listener listener) throws IOException {
        WatchService service = dir.getFileSystem().newWatchService();
        try {
            WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            Path barriers = null;
            WatchKey barrierKey = null;
            try {
                barriers = Files.createTempDirectory("infrakit-instance-file-"); // rwx------
                barrierKey = barriers.register(service, StandardWatchEventKinds.ENTRY_CREATE);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.warn("Cannot watch a directory for barriers ({}): a listing after a change of {} checks every file",
                        e.getMessage(), dir);
                deleteQuietly(barriers);
                barriers = null;
            }
            return new DirectoryWatch(dir, service, key, barriers, barrierKey, listener);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private DirectoryWatch(Path dir, WatchService service, WatchKey key, Path barriers, WatchKey barrierKey, Listener listener) {
        this.dir = dir;
        this.listener = listener;
        this.service = service;
        this.key = key;
        this.barriers = barriers;
        this.barrierKey = barrierKey;
        this.thread = new Thread(this::run, "infrakit-instance-file-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The changes since the last take. */
    Changes take() {
        synchronized (lock) {
            Changes changes = new Changes(names, written, complete && !ended);
            names = new HashSet<>();
            written = new HashSet<>();
            complete = true;
            return changes;
        }
    }

    /** Whether the watch still follows the directory and can pass barriers. */
    boolean healthy() {
        synchronized (lock) {
            return !ended && !barriersBroken && key.isValid() && barrierKey != null && barrierKey.isValid();
        }
    }

    /**
     * Waits until every event of a change made before this call has been taken (the next {@link #take()}
     * has them).
     *
     * @param timeout how long to wait at most
     * @return {@code false} if that cannot be known (no barriers, the watch ended, the barrier did not come
     *     in time)
     */
    boolean awaitBarrier(Duration timeout) {
        if (barrierKey == null || !barrierKey.isValid()) {
            return false;
        }
        long number;
        synchronized (lock) {
            number = ++barrierSent;
        }
        Path file = barriers.resolve(Long.toString(number));
        try {
            Files.createFile(file);
            Files.delete(file); // its creation's event is on its way; the file itself is not needed
        } catch (IOException e) {
            LOG.debug("Cannot create the barrier {}: {}", file, e.getMessage());
            synchronized (lock) {
                barriersBroken = true; // its directory was removed, say: the next full scan watches anew
            }
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            try {
                long left;
                while (barrierTaken < number && !ended && (left = deadline - System.nanoTime()) > 0) {
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (barrierTaken < number) {
                LOG.debug("The barrier of {} did not come within {}", dir, timeout);
                return false;
            }
            return true;
        }
    }

    private void run() {
        try {
            while (true) {
                long barrier = take(service.take());
                if (barrier > 0) {
                    // The directory's key may have been handed over before the barrier's and put back in the
                    // queue by its reset, with events from before the barrier: take them too.
                    for (int i = 0; i < 2; i++) {
                        WatchKey more = service.poll();
                        if (more == null) {
                            break;
                        }
                        barrier = Math.max(barrier, take(more));
                    }
                    synchronized (lock) {
                        barrierTaken = Math.max(barrierTaken, barrier);
                        lock.notifyAll();
                    }
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed
        } catch (RuntimeException e) {
            LOG.warn("Stopped watching {}: {}", dir, e.toString());
            tell(() -> listener.lost("stopped watching the directory: " + e));
        } finally {
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }
    }

    /**
     * Takes the events of a signalled key, then tells the listener (outside the lock: it may wait for an ID's lock,
     * and a listing that holds one may be waiting for this lock to take the names).
     *
     * @return the number of the last barrier among them, or 0
     */
    private long take(WatchKey signalled) {
        long barrier = 0;
        boolean isBarrier = signalled == barrierKey;
        List<Noticed> noticed = new ArrayList<>();
        boolean lost = false;
        boolean endedNow = false;
        synchronized (lock) {
            for (WatchEvent<?> event : signalled.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    complete &= isBarrier; // a lost barrier is only late; a lost change is lost
                    lost |= !isBarrier;
                } else if (isBarrier) {
                    barrier = Math.max(barrier, Long.parseLong(event.context().toString()));
                } else {
                    String name = event.context().toString();
                    noticed.add(new Noticed(name, event.kind()));
                    if (complete) {
                        names.add(name);
                        if (event.kind() == StandardWatchEventKinds.ENTRY_MODIFY) {
                            written.add(name);
                        }
                        if (names.size() > MAX_PENDING) {
                            complete = false;
                        }
                    }
                }
            }
            if (!complete) {
                names.clear(); // the next take asks for a full scan: no need to keep them
                written.clear();
            }
            if (!signalled.reset() && !isBarrier) {
                ended = true; // the directory is gone or replaced
                endedNow = true;
            }
        }
        for (Noticed n : noticed) {
            tell(() -> listener.noticed(n.name(), n.kind()));
        }
        if (lost) {
            tell(() -> listener.lost("events of " + dir + " were lost (too many at once)"));
        }
        if (endedNow) {
            tell(() -> listener.lost(dir + " is gone or was replaced"));
        }
        return barrier;
    }

    /** Tells the listener something; what it throws is logged, so that the watch goes on. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("A listener of the events of {} failed: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.warn("Cannot close the watch of {}: {}", dir, e.getMessage());
        }
        deleteQuietly(barriers);
    }

    private static void deleteQuietly(Path barriers) {
        if (barriers != null) {
            try {
                Files.deleteIfExists(barriers);
            } catch (IOException e) {
                LOG.warn("Cannot remove {}: {}", barriers, e.getMessage());
            }
        }
    }

    /** The private directory of the barriers, {@code null} when there is none (for tests). */
    Path barrierDirectory() {
        return barriers;
    }
}
