package io.infrakit.instance.file;

import io.infrakit.spi.instance.ChangeLog;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What others do to the instances of the directory (an operator's {@code rm}, an editor, a Go plugin on the same
 * directory), told to {@link InstanceChanges} callers so that a group heals at once instead of at its next poll.
 *
 * <p>Two kinds of callers tell it: the {@link DirectoryWatch}'s thread, as each event is taken ({@link #noticed}: a
 * {@code stat} under the ID's lock, no read), and a listing that finds a known instance gone ({@link #gone}: with
 * lost events, or without a watch at all). Whichever of them first removes the file from the index tells it; the
 * other finds nothing to remove, so a deletion is told once.
 *
 * <p>This plugin's own Provision, Label and Destroy are never told: they change the file and the index together under
 * the ID's lock, so whoever looks at the file afterwards finds the index already as the file is. Only instances the
 * index knew are told, with the ID and tags it knew, because only those can have been listed, and so counted by a
 * group.
 */
final class OutsideChanges implements DirectoryWatch.Listener {

    /** How many changes are kept for callers that are behind; one further behind is told to describe everything. */
    static final int CAPACITY = 4096;

    private final ChangeLog log = new ChangeLog(CAPACITY);
    private final InstanceFiles files;
    private final InstanceIndex index;
    private final IdLocks locks;

    /**
     * @param files the directory's files
     * @param index what the plugin knows of them
     * @param locks the locks of the IDs
     */
    OutsideChanges(InstanceFiles files, InstanceIndex index, IdLocks locks) {
        this.files = files;
        this.index = index;
        this.locks = locks;
    }

    /** The log the {@link InstanceChanges} calls are answered from. */
    ChangeLog log() {
        return log;
    }

    /**
     * Looks at once at a file an event names, on the watch thread: a known instance whose file is gone (or is no
     * longer a regular file) is removed from the index and told {@code Gone}; one whose file was written by someone
     * else is told {@code Changed} (the next listing reads it). Files the index holds no instance of are skipped,
     * and so are the writes of files this plugin has just created (half the events while a group grows).
     */
    @Override
    public void noticed(String name, WatchEvent.Kind<?> kind) {
        if (!InstanceFiles.isInstanceName(name) || (kind == StandardWatchEventKinds.ENTRY_MODIFY && files.isCreatedHere(name))) {
            return;
        }
        InstanceIndex.Entry known = index.get(name);
        if (known == null || known.instance() == null) {
            return;
        }
        ReentrantLock lock = locks.of(name);
        lock.lock();
        try {
            known = index.get(name); // this plugin's own Destroy or Label may have changed it meanwhile
            if (known == null || known.instance() == null) {
                return;
            }
            BasicFileAttributes attributes = stat(files.dir().resolve(name));
            if (attributes == null) {
                gone(index.remove(name), "file deleted");
            } else if (!attributes.isRegularFile()) {
                gone(index.remove(name), "no longer a regular file");
            } else if (!known.stamp().equals(FileStamp.of(attributes))) {
                log.record(change(known.instance(), InstanceChanges.Kind.CHANGED, "file written by someone else"));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells that changes may have been missed: a change with no instance and no tags, after which a caller describes
     * everything (and the listing that follows, a full check, tells each instance it finds gone).
     */
    @Override
    public void lost(String why) {
        log.record(new InstanceChanges.Change(null, Map.of(), InstanceChanges.Kind.CHANGED, why));
    }

    /**
     * Tells that a file the index knew is no longer an instance, when it held one. The caller holds the ID's lock
     * and has just removed or replaced the file's entry.
     *
     * @param old what the index knew of the file, or {@code null}
     * @param why in words, for the caller's events
     */
    void gone(InstanceIndex.Entry old, String why) {
        if (old != null && old.instance() != null) {
            log.record(change(old.instance(), InstanceChanges.Kind.GONE, why));
        }
    }

    private static BasicFileAttributes stat(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null; // gone (or cannot be looked at, which a listing also takes for gone)
        }
    }

    private static InstanceChanges.Change change(Description instance, String kind, String why) {
        return new InstanceChanges.Change(instance.id(), instance.tags(), kind, why);
    }
}
