package io.infrakit.spi.instance;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's side of {@link InstanceChanges}: a bounded, numbered log of changes that callers wait on. A plugin
 * {@link #record}s each change it notices (from its own thread: a directory watch, a process's exit, an engine's
 * event stream) and answers {@link InstanceChanges#changes} with {@link #since}.
 *
 * <p>Numbers start at this log's creation time in milliseconds, so that a caller that kept a number across a
 * restart of the plugin (a higher number than the new log's, or one older than what it keeps) is answered with
 * {@code reset}: anything may have changed.
 *
 * @since 0.2.0
 */
public final class ChangeLog {

    private final int capacity;
    private final long first;
    private final Deque<Numbered> kept = new ArrayDeque<>();
    private long seq;
    private boolean closed;

    private record Numbered(long seq, InstanceChanges.Change change) {
    }

    /**
     * A log that keeps the latest {@code capacity} changes.
     *
     * @param capacity how many changes are kept (at least 1)
     */
    public ChangeLog(int capacity) {
        this.capacity = Math.max(1, capacity);
        this.first = System.currentTimeMillis();
        this.seq = first;
    }

    /**
     * Records a change and wakes every waiting caller.
     *
     * @param change the change
     */
    public synchronized void record(InstanceChanges.Change change) {
        kept.addLast(new Numbered(++seq, change));
        if (kept.size() > capacity) {
            kept.removeFirst();
        }
        notifyAll();
    }

    /**
     * The changes after a number, waiting up to {@code waitMillis} (at most {@link InstanceChanges#MAX_WAIT_MILLIS})
     * for one.
     *
     * @param after the caller's last number, or 0
     * @param waitMillis how long to wait
     * @return the answer
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public synchronized InstanceChanges.Changes since(long after, long waitMillis) throws InterruptedException {
        if (after == 0) {
            return new InstanceChanges.Changes(seq, List.of(), false);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(Math.max(0, waitMillis), InstanceChanges.MAX_WAIT_MILLIS));
        while (seq == after && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        long oldestKept = kept.isEmpty() ? seq + 1 : kept.peekFirst().seq();
        if (closed || after > seq || after < first || after + 1 < oldestKept) {
            return new InstanceChanges.Changes(seq, List.of(), true);
        }
        List<InstanceChanges.Change> out = new ArrayList<>();
        for (Numbered n : kept) {
            if (n.seq() > after) {
                out.add(n.change());
            }
        }
        return new InstanceChanges.Changes(seq, out, false);
    }

    /**
     * Closes the log, when the plugin stops (its bundle is updated, say): every caller waiting now or calling later is
     * answered at once with {@code reset}, so that it looks the plugin up again instead of waiting on a plugin that is
     * gone.
     */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
