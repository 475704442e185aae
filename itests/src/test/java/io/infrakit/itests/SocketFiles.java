package io.infrakit.itests;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Deadline-bounded waits for socket files in the plugins directory, driven by file system events
 * (inotify) rather than fixed sleeps. The condition is re-checked at least every 100 ms as well, so a
 * missed event only delays the answer.
 */
final class SocketFiles {

    /** {@code S_IFMT} and {@code S_IFSOCK} from {@code <sys/stat.h>}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFiles() {
    }

    /**
     * Waits until a path exists.
     *
     * @param path the file to wait for
     * @param timeout the longest wait
     * @throws AssertionError if it does not appear in time
     */
    static void awaitPresent(Path path, Duration timeout) throws IOException, InterruptedException {
        if (!await(path, true, timeout)) {
            throw new AssertionError("No socket " + path + " after " + timeout.toMillis() + " ms");
        }
    }

    /**
     * Waits until a path no longer exists.
     *
     * @param path the file to wait for
     * @param timeout the longest wait
     * @throws AssertionError if it is still there in time
     */
    static void awaitAbsent(Path path, Duration timeout) throws IOException, InterruptedException {
        if (!await(path, false, timeout)) {
            throw new AssertionError("Socket " + path + " still exists after " + timeout.toMillis() + " ms");
        }
    }

    /**
     * Tells whether a path is a Unix domain socket (not a regular file or directory standing in for one).
     *
     * @param path the file
     * @return {@code true} for a socket
     */
    static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFSOCK;
    }

    /**
     * The identity (device and inode) of a file, to tell a file from another one of the same name.
     *
     * @param path the file
     * @return its file key
     */
    static Object identity(Path path) throws IOException {
        return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static boolean await(Path path, boolean present, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            path.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE);
            while (exists(path) != present) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                var key = watcher.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            return true;
        } catch (ClosedWatchServiceException e) {
            throw new IOException("watch service closed while waiting for " + path, e);
        }
    }

    private static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }
}
