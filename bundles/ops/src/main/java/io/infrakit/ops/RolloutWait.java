package io.infrakit.ops;

import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupStatus;

import org.osgi.annotation.versioning.ConsumerType;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code status --wait}: polls a group's status until it is converged, its rollout failed, or the time is up, and
 * says how far it got each time that changes. The decision is {@link #outcome}, a function of one status; the loop
 * only polls, reports and sleeps. The caller turns the result into its exit: success for
 * {@link Outcome#CONVERGED}, a failure with {@link Result#message()} otherwise.
 */
public final class RolloutWait {

    /** How a wait ends, or that it goes on. */
    public enum Outcome {
        /** Every member is there, at the configuration in force: exit 0. */
        CONVERGED,
        /** The rollout failed (and perhaps rolled back): exit 1, saying why. */
        FAILED,
        /** Not there yet: poll again. */
        WAITING,
        /** The time is up: exit 1. */
        TIMED_OUT
    }

    /**
     * How a wait ended.
     *
     * @param outcome converged, failed or timed out
     * @param status the last status seen
     * @param message what to tell the user: {@code Group cattle converged (revision 3): 5 of 5 members up to date,
     *                5 ready}, {@code Group cattle: Failed: <why>}, or {@code Timed out after 5m waiting for group
     *                cattle to converge; last seen: ...}
     */
    public record Result(Outcome outcome, GroupStatus status, String message) {
    }

    /**
     * Reads the status of the group waited for, failing as the caller's surface fails.
     *
     * @param <E> what a read throws
     */
    @ConsumerType
    @FunctionalInterface
    public interface Source<E extends Exception> {

        /**
         * Reads the status once.
         *
         * @return the group's status
         * @throws E if it cannot be read
         */
        GroupStatus get() throws E;
    }

    private RolloutWait() {
    }

    /**
     * What one status means for the wait. {@code Converged} counts only when the numbers agree: right after a commit
     * the word may still be the last cycle's while the members are already counted against the new configuration.
     * A paused or stopped rollout, a missing plugin or an error keeps the wait going (they may be resumed or mended);
     * the timeout ends it.
     *
     * @param s a status
     * @return {@link Outcome#CONVERGED}, {@link Outcome#FAILED} or {@link Outcome#WAITING}
     */
    public static Outcome outcome(GroupStatus s) {
        String word = s.status();
        if (GroupDescription.Status.FAILED.equals(word) || GroupDescription.Status.ROLLED_BACK.equals(word)) {
            return Outcome.FAILED;
        }
        if (GroupDescription.Status.CONVERGED.equals(word) && s.current() == s.desired() && s.upToDate() >= s.desired()) {
            return Outcome.CONVERGED;
        }
        return Outcome.WAITING;
    }

    /**
     * Waits: reads the status at once, then every {@link Pacing#POLL} (the last pause cut to end at the timeout),
     * and tells {@code progress} a line such as {@code Waiting for group cattle (Rolling, revision 3): 2 of 5 members
     * up to date, 4 ready, 5 current} each time it changes.
     *
     * @param <E> what a read of the status throws
     * @param source reads the status
     * @param timeout how long to wait at most; zero for no limit
     * @param pacing the clock and the pause between polls
     * @param progress told a line each time the counts or the status change
     * @return how it ended: never {@link Outcome#WAITING}
     * @throws E if the status cannot be read
     * @throws InterruptedException if interrupted (Ctrl-C), in a pause or during a read that failed because of it
     */
    public static <E extends Exception> Result await(Source<E> source, Duration timeout, Pacing pacing, Consumer<String> progress)
            throws E, InterruptedException {
        long start = pacing.nanoTime();
        String last = null;
        while (true) {
            GroupStatus s = read(source);
            Outcome outcome = outcome(s);
            if (outcome == Outcome.CONVERGED) {
                return new Result(outcome, s, converged(s));
            }
            if (outcome == Outcome.FAILED) {
                return new Result(outcome, s, failed(s));
            }
            String line = progress(s);
            if (!line.equals(last)) {
                progress.accept(line);
                last = line;
            }
            long elapsed = pacing.nanoTime() - start;
            if (!timeout.isZero() && elapsed >= timeout.toNanos()) {
                return new Result(Outcome.TIMED_OUT, s, timedOut(s, timeout));
            }
            Duration pause = timeout.isZero() ? Pacing.POLL : Duration.ofNanos(Math.min(Pacing.POLL.toNanos(), timeout.toNanos() - elapsed));
            pacing.sleep(pause);
        }
    }

    private static <E extends Exception> GroupStatus read(Source<E> source) throws E, InterruptedException {
        try {
            return source.get();
        } catch (Exception e) {
            // Ctrl-C during a call makes the call fail: that is the interruption, not the plugin's error
            Interruption.rethrowIfInterrupted(e);
            throw e;
        }
    }

    private static String progress(GroupStatus s) {
        return "Waiting for group " + s.id() + " (" + state(s) + "): " + counts(s) + ", " + s.current() + " current"
                + (s.error() == null ? "" : "; " + s.error());
    }

    private static String converged(GroupStatus s) {
        return "Group " + s.id() + " converged" + (s.revision() > 0 ? " (revision " + s.revision() + ")" : "") + ": " + counts(s);
    }

    /** {@code Group cattle: Failed: <the rollout's update text> (<the error>)}. */
    private static String failed(GroupStatus s) {
        String why = s.update() != null ? s.update() : s.error();
        if (s.update() != null && s.error() != null && !s.update().contains(s.error())) {
            why += " (" + s.error() + ")";
        }
        return "Group " + s.id() + ": " + s.status() + ": " + (why == null ? "no reason given" : why);
    }

    private static String timedOut(GroupStatus s, Duration timeout) {
        return "Timed out after " + Durations.format(timeout) + " waiting for group " + s.id() + " to converge; last seen: "
                + state(s) + ", " + counts(s) + ", " + s.current() + " current";
    }

    private static String state(GroupStatus s) {
        return StatusText.orNone(s.status()) + (s.revision() > 0 ? ", revision " + s.revision() : "");
    }

    private static String counts(GroupStatus s) {
        return s.upToDate() + " of " + s.desired() + " members up to date, " + s.ready() + " ready";
    }
}
