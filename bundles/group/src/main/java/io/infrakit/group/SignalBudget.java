package io.infrakit.group;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How often a group's signals may run a cycle at once: {@value #BURST} within {@value #WINDOW_MILLIS} ms, then one
 * per {@value #WINDOW_MILLIS} / {@value #BURST} ms on average. Members lost now and then, even a few a second, are
 * replaced at once; a crash loop (a replacement that dies as soon as it starts, its death signalled at once) is
 * replaced a few times a second at most (these signals, and the cycle that confirms each creation a second later)
 * instead of as fast as it dies. Its methods are called under the supervisor's lock.
 */
final class SignalBudget {

    /** Cycles a group's signals may run at once in a window. */
    static final int BURST = 20;
    /** The window. */
    static final long WINDOW_MILLIS = 10_000;

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
