package io.infrakit.ops;

import org.osgi.annotation.versioning.ConsumerType;

import java.time.Duration;

/**
 * Time for the verbs that wait or watch ({@code status --wait}, {@code --watch}, {@code events --follow}): a clock,
 * a pause between polls, and whether to stop. In a terminal or the Karaf console, Ctrl-C interrupts the thread; the
 * real pacing stops then. Tests replace it so that nothing really sleeps and a watch ends after a set number of polls.
 */
@ConsumerType
public interface Pacing {

    /** How often the waiting and watching verbs ask again. */
    Duration POLL = Duration.ofSeconds(1);

    /** Real time; stops when the thread is interrupted. */
    Pacing SYSTEM = new Pacing() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }

        @Override
        public boolean stopped() {
            return Thread.currentThread().isInterrupted();
        }
    };

    /**
     * The clock the deadlines are measured with.
     *
     * @return nanoseconds, as {@link System#nanoTime()}
     */
    long nanoTime();

    /**
     * Waits between two polls.
     *
     * @param duration how long
     * @throws InterruptedException if interrupted (Ctrl-C)
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * Whether a watch should end now.
     *
     * @return {@code true} to stop
     */
    boolean stopped();
}
