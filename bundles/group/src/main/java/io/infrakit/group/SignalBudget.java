package io.infrakit.group;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How often a group's signals may run a cycle at once: {@value #BURST} within {@value #WINDOW_MILLIS} ms, then one
 * per {@value #WINDOW_MILLIS} / {@value #BURST} ms on average. A member lost now and then is replaced at once; a
 * crash loop (a replacement that dies as soon as it starts, its death signalled at once) is replaced about once a
 * second, as the poll did before signals, instead of as fast as it dies. Its methods are called under the
 * supervisor's lock.
 */
final class SignalBudget {

    /** Cycles a group's signals may run at once in a window. */
    static final int BURST = 5;
    /** The window. */
    static final long WINDOW_MILLIS = 5_000;

    private final Deque<Long> recent = new ArrayDeque<>();

    /**
     * How long a signalled cycle must wait.
     *
     * @param now the time in milliseconds
     * @return 0 if it may run now, else the milliseconds until it may
     */
    long delay(long now) {
        while (!recent.isEmpty() && recent.peekFirst() <= now - WINDOW_MILLIS) {
            recent.removeFirst();
        }
        return recent.size() < BURST ? 0 : recent.peekFirst() + WINDOW_MILLIS - now;
    }

    /**
     * Counts a signalled cycle that starts now.
     *
     * @param now the time in milliseconds
     */
    void spend(long now) {
        recent.addLast(now);
        while (recent.size() > BURST) {
            recent.removeFirst();
        }
    }
}
