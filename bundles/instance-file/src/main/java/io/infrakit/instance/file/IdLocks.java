package io.infrakit.instance.file;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks by instance ID (= file name). Provision, Label and Destroy of one ID, and the index's
 * re-reading of that file, hold its lock, so none of them sees another half done: a Label cannot read a
 * file, lose it to a Destroy and then rename its rewrite over the deleted path. A thread holds at most one
 * stripe at a time, so stripes shared by several IDs cannot deadlock.
 */
final class IdLocks {

    private final ReentrantLock[] stripes;

    IdLocks(int count) {
        stripes = new ReentrantLock[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * The lock of an ID.
     *
     * @param id the instance ID or file name
     * @return its lock, shared with the IDs of the same stripe
     */
    ReentrantLock of(String id) {
        int h = id.hashCode();
        return stripes[Math.floorMod(h ^ (h >>> 16), stripes.length)];
    }
}
