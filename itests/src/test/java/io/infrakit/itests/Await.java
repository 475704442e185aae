package io.infrakit.itests;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** A deadline-bounded polling wait for conditions that offer no event to wait on. */
final class Await {

    private static final long POLL_MS = 50;

    private Await() {
    }

    /**
     * Polls a condition until it holds or the timeout passes.
     *
     * @param timeout the longest wait
     * @param what the condition, for the failure message
     * @param condition the condition; an exception counts as "not yet" and is reported on timeout
     * @throws AssertionError if the condition does not hold in time
     */
    static void until(Duration timeout, String what, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                AssertionError error = new AssertionError("Not in " + timeout.toMillis() + " ms: " + what
                        + (last == null ? "" : " (last error: " + last + ")"));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
    }
}
