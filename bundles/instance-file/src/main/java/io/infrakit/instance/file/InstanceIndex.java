package io.infrakit.instance.file;

import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What the directory holds, in memory: every file by name with the stamp it had when read and the
 * instance it holds, and the instances by tag ({@code key=value}). A filtered listing walks the smallest
 * set among its tags (for the group controller's {@code infrakit.group=<id>}, the group's instances), so it
 * costs what it returns, not what the directory holds. Thread-safe; listings run in parallel.
 */
final class InstanceIndex {

    /**
     * One file of the directory as last read.
     *
     * @param name the file name
     * @param stamp the file's stamp when read
     * @param instance the instance it holds, {@code null} if it is not one (undecodable, empty...)
     */
    record Entry(String name, FileStamp stamp, Description instance) {
    }

    private record Tag(String key, String value) {
    }

    private static final Comparator<Description> BY_ID = Comparator.comparing(Description::id);

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Entry> files = new HashMap<>();
    private final NavigableMap<String, Entry> instances = new TreeMap<>();
    private final Map<Tag, NavigableMap<String, Entry>> byTag = new HashMap<>();
    /** Files that hold no instance, such as one still being written in place: checked at every listing. */
    private final Set<String> others = new HashSet<>();
    /** How many instances have an ID other than their file name. */
    private int namedOtherwise;

    Entry get(String name) {
        lock.readLock().lock();
        try {
            return files.get(name);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Records a file, replacing what was known of it.
     *
     * @return what was known of it before, or {@code null}
     */
    Entry put(Entry entry) {
        lock.writeLock().lock();
        try {
            Entry old = forget(entry.name());
            files.put(entry.name(), entry);
            if (entry.instance() == null) {
                others.add(entry.name());
                return old;
            }
            instances.put(entry.name(), entry);
            if (!entry.instance().id().equals(entry.name())) {
                namedOtherwise++;
            }
            Map<String, String> tags = entry.instance().tags();
            if (tags != null) {
                tags.forEach((k, v) -> byTag.computeIfAbsent(new Tag(k, v), t -> new TreeMap<>()).put(entry.name(), entry));
            }
            return old;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Forgets a file that is gone.
     *
     * @return what was known of it, or {@code null} if nothing was
     */
    Entry remove(String name) {
        lock.writeLock().lock();
        try {
            return forget(name);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Entry forget(String name) {
        Entry old = files.remove(name);
        if (old == null) {
            return null;
        }
        others.remove(name);
        instances.remove(name);
        if (old.instance() != null && !old.instance().id().equals(name)) {
            namedOtherwise--;
        }
        Map<String, String> tags = old.instance() == null ? null : old.instance().tags();
        if (tags != null) {
            tags.forEach((k, v) -> {
                Tag tag = new Tag(k, v);
                NavigableMap<String, Entry> withTag = byTag.get(tag);
                if (withTag != null && withTag.remove(name) != null && withTag.isEmpty()) {
                    byTag.remove(tag);
                }
            });
        }
        return old;
    }

    /** How many files are known. */
    int size() {
        lock.readLock().lock();
        try {
            return files.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The names of all known files (a copy). */
    Set<String> names() {
        lock.readLock().lock();
        try {
            return new HashSet<>(files.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The names of the known files that hold no instance (a copy). */
    List<String> others() {
        lock.readLock().lock();
        try {
            return others.isEmpty() ? List.of() : new ArrayList<>(others);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The instances whose tags contain every entry of the filter, sorted by ID.
     *
     * @param filter the required tags; {@code null} or empty for all
     * @return the matching instances
     */
    List<Description> select(Map<String, String> filter) {
        List<Description> found;
        lock.readLock().lock();
        boolean sorted;
        try {
            NavigableMap<String, Entry> candidates = instances;
            String chosen = null;
            if (filter != null) {
                for (Map.Entry<String, String> required : filter.entrySet()) {
                    NavigableMap<String, Entry> withTag = byTag.get(new Tag(required.getKey(), required.getValue()));
                    if (withTag == null) {
                        return new ArrayList<>();
                    }
                    if (withTag.size() < candidates.size()) {
                        candidates = withTag;
                        chosen = required.getKey();
                    }
                }
            }
            // The candidates have the chosen tag; only the others are left to check.
            Map<String, String> rest = filter;
            if (chosen != null) {
                rest = new HashMap<>(filter);
                rest.remove(chosen);
            }
            found = new ArrayList<>(candidates.size());
            for (Entry entry : candidates.values()) {
                if (Tags.matches(entry.instance().tags(), rest)) {
                    found.add(entry.instance());
                }
            }
            sorted = namedOtherwise == 0;
        } finally {
            lock.readLock().unlock();
        }
        // The candidates come in file name order, which is ID order unless a (hand-made) file's ID is not its name.
        if (!sorted) {
            found.sort(BY_ID);
        }
        return found;
    }
}
