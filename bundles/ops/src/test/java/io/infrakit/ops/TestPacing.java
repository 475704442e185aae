package io.infrakit.ops;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A virtual clock for the tests of the waiting and watching verbs, here and in the CLI and the shell (this module's
 * test jar): sleeping moves it on at once, so they are driven by their polls, never by real time. A watch ends
 * because it is told to stop after a number of pauses, or as Ctrl-C ends it (a pause is interrupted).
 */
public final class TestPacing implements Pacing {

    /** The pauses taken, in order. */
    public final List<Duration> slept = new CopyOnWriteArrayList<>();
    /** The clock, in nanoseconds. */
    public volatile long now = 1_000_000_000L;
    /** A watch stops once this many pauses were taken. */
    public volatile int stopAfterPauses = Integer.MAX_VALUE;
    /** The pause (counted from 1) that Ctrl-C interrupts. */
    public volatile int interruptAtPause = Integer.MAX_VALUE;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (slept.size() + 1 >= interruptAtPause) {
            throw new InterruptedException("Ctrl-C");
        }
        slept.add(duration);
        now += duration.toNanos();
    }

    @Override
    public boolean stopped() {
        return slept.size() >= stopAfterPauses;
    }

    /**
     * All the time slept.
     *
     * @return the sum of the pauses
     */
    public Duration total() {
        return slept.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
