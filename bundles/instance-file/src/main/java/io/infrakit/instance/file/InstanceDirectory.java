package io.infrakit.instance.file;

import io.infrakit.spi.JsonCodec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps an {@link InstanceIndex} in step with its directory, whoever changes the files: this plugin, an
 * operator ({@code rm}, {@code cp}, an editor), another plugin on the same directory (a Go file plugin, a
 * second Karaf). {@link #refresh(JsonCodec)} runs before every listing; its cost grows with what changed,
 * not with the files:
 *
 * <ol>
 * <li><b>Events.</b> A {@link DirectoryWatch} (inotify on Linux) names every file created, deleted, renamed
 *     or written, usually within a millisecond; only those are checked ({@code stat}, and a read when their
 *     {@link FileStamp} changed). A file written in place by someone else (a Go plugin's Label,
 *     {@code echo > file}) is read again even if its size and time look the same. Lost events mean a full
 *     scan.</li>
 * <li><b>The directory's own stamp</b>, one {@code stat}, tells whether an event may still be on its way:
 *     creating, deleting or renaming a file changes the directory's modification time in the same system
 *     call. When it changed, the listing waits for a {@linkplain DirectoryWatch#awaitBarrier barrier}, after
 *     which every change made before it is known: a listing right after an {@code rm}, a copy or an atomic
 *     replace sees it, and a group growing by thousands of instances is listed without checking the
 *     thousands already there. A modification time within {@link #RACY} of now cannot rule out a second
 *     change within the same tick of the file system's clock, so the next listing waits for a barrier again
 *     until it is older.</li>
 * <li><b>Files that hold no instance</b> (one still being written in place by {@code cp} or a Go plugin)
 *     are checked ({@code stat}) at every listing, so they are listed once complete.</li>
 * <li><b>A full scan</b> ({@code stat} of every file) at the start, every {@link #FULL_SCAN_INTERVAL} as a
 *     safety net (network file systems send no events for other machines' writes), after lost events, when
 *     a barrier does not come within {@link #BARRIER_TIMEOUT}, and at every listing when the directory cannot
 *     be watched. Stale temporary files are removed by full scans and when an event names them.</li>
 * </ol>
 *
 * A file is only (re)read and (re)indexed under its ID's lock, so a refresh never undoes a concurrent
 * Provision, Label or Destroy of this plugin.
 *
 * <p>The watch's events also go to {@link OutsideChanges} as they come, which tells {@code InstanceChanges}
 * callers at once of an instance deleted or written by someone else; an instance that a refresh finds gone
 * (events lost, no watch) is told from here.
 */
final class InstanceDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceDirectory.class);

    /** How often every file is checked even when nothing says it changed. */
    static final Duration FULL_SCAN_INTERVAL = Duration.ofMinutes(1);

    /**
     * A directory modified this recently may change again within the same tick of its file system's
     * clock without its time changing: on Linux a tick is a jiffy (at most 10 ms; nanoseconds since 6.13)
     * and the clock may lag by one more, hence two ticks and a margin.
     */
    static final Duration RACY = Duration.ofMillis(50);

    /** As {@link #RACY} for file systems whose times are whole seconds (ext2/3 with small inodes, FAT: 2 s). */
    static final Duration RACY_WHOLE_SECONDS = Duration.ofSeconds(3);

    /** How long a listing waits for a barrier before it checks every file instead. */
    static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(1);

    private final InstanceFiles files;
    private final InstanceIndex index;
    private final IdLocks locks;
    private final OutsideChanges outside;
    private final Path dir;
    private final boolean watch;

    private final ReentrantLock refreshing = new ReentrantLock();
    // all below guarded by refreshing
    private DirectoryWatch watcher;
    private boolean closed;
    private boolean watchFailed;
    private boolean scanned;
    private long lastFullScan;
    private long fullScans;
    private Object dirKey;
    private long dirModified;
    private boolean dirRacy;

    /**
     * @param files the directory's files
     * @param index the index to keep
     * @param locks the locks of the IDs
     * @param outside where the changes others make are told
     * @param watch whether to watch the directory ({@code false}: a full scan at every refresh)
     */
    InstanceDirectory(InstanceFiles files, InstanceIndex index, IdLocks locks, OutsideChanges outside, boolean watch) {
        this.files = files;
        this.index = index;
        this.locks = locks;
        this.outside = outside;
        this.dir = files.dir();
        this.watch = watch;
    }

    /**
     * Brings the index up to date with the directory.
     *
     * @param json the codec to read files with, taken by the caller
     * @throws IOException if the directory cannot be read
     */
    void refresh(JsonCodec json) throws IOException {
        refreshing.lock();
        try {
            DirectoryWatch.Changes changes = watcher == null ? null : watcher.take();
            BasicFileAttributes attributes = Files.readAttributes(dir, BasicFileAttributes.class);
            if (changes == null || !changes.complete() || !scanned || System.nanoTime() - lastFullScan > FULL_SCAN_INTERVAL.toNanos()
                    || !Objects.equals(attributes.fileKey(), dirKey)) {
                fullScan(json, attributes, changes);
                return;
            }
            if (dirRacy || modified(attributes) != dirModified) {
                // Events of changes made before the stamp was read may still be on their way.
                if (!watcher.awaitBarrier(BARRIER_TIMEOUT)) {
                    fullScan(json, attributes, changes);
                    return;
                }
                DirectoryWatch.Changes more = watcher.take();
                if (!more.complete()) {
                    fullScan(json, attributes, more);
                    return;
                }
                changes.names().addAll(more.names());
                changes.written().addAll(more.written());
                recordStamp(attributes);
            }
            for (String name : changes.names()) {
                if (InstanceFiles.isInstanceName(name)) {
                    check(json, name, writtenByOthers(changes, name));
                } else if (InstanceFiles.isTemporary(name)) {
                    files.removeIfStale(name);
                }
            }
            for (String name : index.others()) {
                check(json, name, false);
            }
        } finally {
            refreshing.unlock();
        }
    }

    /**
     * Tells whether a file was written in place by someone else: this plugin only writes a new file in place,
     * once, and renames otherwise. Such a file may have been written within the clock tick of the last read,
     * so it is read again whatever its stamp.
     */
    private boolean writtenByOthers(DirectoryWatch.Changes changes, String name) {
        return changes.written().contains(name) && !files.createdHere(name);
    }

    /**
     * Checks every file (reading those whose stamp changed, and those {@code changes} say were written in
     * place), removes stale temporary files, watches the directory again if need be, and records the
     * directory's stamp taken before its names were listed.
     */
    private void fullScan(JsonCodec json, BasicFileAttributes attributes, DirectoryWatch.Changes changes) throws IOException {
        long start = System.nanoTime();
        if (!Objects.equals(attributes.fileKey(), dirKey) || watcher == null || !watcher.healthy()) {
            watch(); // before listing: a change made while the names are listed is then an event
        }
        if (watcher == null) {
            files.forgetCreated(); // no events will come to consume them
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (InstanceFiles.isInstanceName(name)) {
                    names.add(name);
                } else if (InstanceFiles.isTemporary(name)) {
                    files.removeIfStale(name);
                }
            }
        }
        int read = 0;
        int known = 0;
        for (String name : names) {
            InstanceIndex.Entry entry = index.get(name);
            known += entry == null ? 0 : 1;
            boolean reread = changes != null && writtenByOthers(changes, name);
            if (reread || !unchanged(name, entry)) {
                read += check(json, name, reread) ? 1 : 0;
            }
        }
        if (known != index.size()) { // some file is gone (or was added meanwhile)
            Set<String> listed = new HashSet<>(names);
            for (String name : index.names()) {
                if (!listed.contains(name)) {
                    check(json, name, false);
                }
            }
        }
        dirKey = attributes.fileKey();
        recordStamp(attributes);
        scanned = true;
        fullScans++;
        lastFullScan = System.nanoTime();
        LOG.debug("Checked the {} files of {} in {} ms, read {}", names.size(), dir, (lastFullScan - start) / 1_000_000, read);
    }

    /**
     * Tells whether a file is still as the index knows it: one {@code stat}, without the ID's lock, as a
     * full scan finds most files unchanged. A file changed meanwhile by this plugin is indexed by that
     * write itself; any other change makes the caller {@link #check} it under the lock.
     */
    private boolean unchanged(String name, InstanceIndex.Entry known) {
        if (known == null) {
            return false;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() && known.stamp().equals(FileStamp.of(attributes));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Looks at one file again: forgets it when it is gone or not a regular file, reads it when its stamp
     * changed (or {@code reread}).
     *
     * @return whether the file was read
     */
    private boolean check(JsonCodec json, String name, boolean reread) {
        ReentrantLock lock = locks.of(name);
        lock.lock();
        try {
            Path file = dir.resolve(name);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                outside.gone(index.remove(name), "file deleted");
                return false;
            } catch (IOException e) {
                LOG.warn("Skipping instance file {}: {}", file, e.getMessage());
                outside.gone(index.remove(name), "file unreadable: " + e.getMessage());
                return false;
            }
            if (!attributes.isRegularFile()) {
                outside.gone(index.remove(name), "no longer a regular file");
                return false;
            }
            FileStamp stamp = FileStamp.of(attributes);
            InstanceIndex.Entry known = index.get(name);
            if (!reread && known != null && known.stamp().equals(stamp)) {
                return false;
            }
            // The stamp is taken before the read: if the file changes meanwhile, the next check sees a new stamp.
            InstanceFile content = files.read(json, file);
            InstanceIndex.Entry old = index.put(new InstanceIndex.Entry(name, stamp, content == null ? null : content.description(name)));
            if (content == null) {
                outside.gone(old, "no longer an instance (not an instance file's JSON)");
            }
            return true;
        } catch (NoSuchFileException e) {
            outside.gone(index.remove(name), "file deleted");
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Records the directory's stamp, read before the changes it covers were taken. */
    private void recordStamp(BasicFileAttributes attributes) {
        dirModified = modified(attributes);
        dirRacy = System.currentTimeMillis() - attributes.lastModifiedTime().toMillis() < racyMillis(dirModified);
    }

    private void watch() {
        closeWatcher();
        if (!watch || closed) {
            return;
        }
        try {
            watcher = DirectoryWatch.of(dir, outside);
            if (watchFailed) {
                LOG.info("Watching {} again: listings no longer rescan the directory", dir);
                watchFailed = false;
            }
        } catch (IOException | UnsupportedOperationException e) {
            if (!watchFailed) {
                LOG.warn("Cannot watch {} ({}): every listing checks every file instead", dir, e.getMessage());
                watchFailed = true;
            }
        }
    }

    private void closeWatcher() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    /** How long after its last change a directory with this modification time is racy. */
    private static long racyMillis(long modifiedNanos) {
        return modifiedNanos % 1_000_000_000L == 0 ? RACY_WHOLE_SECONDS.toMillis() : RACY.toMillis();
    }

    private static long modified(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }

    /** How many times every file was checked (for tests). */
    long fullScans() {
        refreshing.lock();
        try {
            return fullScans;
        } finally {
            refreshing.unlock();
        }
    }

    /** The private directory of the barriers, {@code null} when there is none (for tests). */
    Path barrierDirectory() {
        refreshing.lock();
        try {
            return watcher == null ? null : watcher.barrierDirectory();
        } finally {
            refreshing.unlock();
        }
    }

    /** Stops watching; later refreshes scan every file. */
    @Override
    public void close() {
        refreshing.lock();
        try {
            closed = true;
            closeWatcher();
        } finally {
            refreshing.unlock();
        }
    }
}
