package io.infrakit.itests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client calling a plugin continuously on a thread of its own, as a user's client would while the
 * plugin is upgraded: every call's latency is recorded, and every failure and every answer other than
 * the expected one is kept for the report.
 */
final class CallLoop implements AutoCloseable {

    private static final int KEPT = 20;

    private final Callable<Integer> call;
    private final int expected;
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger wrong = new AtomicInteger();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private long[] latencies = new long[4096];
    private int count;

    /**
     * Starts calling.
     *
     * @param name the thread's name
     * @param call one call; its answer is the number it observed (an instance count)
     * @param expected the answer every call must give
     */
    CallLoop(String name, Callable<Integer> call, int expected) {
        this.call = call;
        this.expected = expected;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stop.get()) {
            calls.incrementAndGet();
            long start = System.nanoTime();
            try {
                Integer answer = call.call();
                record(System.nanoTime() - start);
                if (answer == null || answer != expected) {
                    wrong.incrementAndGet();
                    keep("answer " + answer + " instead of " + expected);
                } else {
                    succeeded.incrementAndGet();
                }
            } catch (Throwable t) {
                record(System.nanoTime() - start);
                failed.incrementAndGet();
                StringBuilder text = new StringBuilder(String.valueOf(t));
                for (Throwable cause = t.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                    text.append(" <- ").append(cause);
                }
                keep(text.toString());
            }
        }
    }

    private synchronized void record(long nanos) {
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = nanos;
    }

    private void keep(String problem) {
        if (problems.size() < KEPT) {
            problems.add(problem);
        }
    }

    /** @return the calls that answered as expected so far */
    int succeeded() {
        return succeeded.get();
    }

    /** @return the calls made so far */
    int calls() {
        return calls.get();
    }

    /** @return the calls that threw */
    int failed() {
        return failed.get();
    }

    /** @return the calls that answered something else than expected */
    int wrong() {
        return wrong.get();
    }

    /** @return the first failures and wrong answers, in words */
    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** @return every call's latency so far, in nanoseconds, sorted */
    synchronized long[] sortedLatencies() {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * Waits until {@code more} further calls have answered as expected: proof that the plugin is being
     * called, and answering, at this point.
     *
     * @param more how many more
     * @param timeout the longest wait
     */
    void awaitMore(int more, Duration timeout) throws InterruptedException {
        int target = succeeded.get() + more;
        Await.until(timeout, more + " more expected answers (" + summary() + ")", () -> {
            if (!thread.isAlive()) {
                throw new IllegalStateException("the client thread ended");
            }
            return succeeded.get() >= target;
        });
    }

    /** @return the counts, in words */
    String summary() {
        return calls.get() + " calls, " + failed.get() + " failed, " + wrong.get() + " wrong answers"
                + (problems.isEmpty() ? "" : "; first problems: " + problems());
    }

    /** Stops calling, waiting for the call in progress. */
    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new AssertionError("the client thread " + thread.getName() + " did not end");
        }
    }

    /**
     * A percentile of sorted latencies, in milliseconds.
     *
     * @param sorted the latencies (ns), sorted
     * @param percent the percentile (0-100)
     * @return the latency in ms
     */
    static double percentileMillis(long[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
