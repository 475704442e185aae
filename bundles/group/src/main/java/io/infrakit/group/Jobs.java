package io.infrakit.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Runs a group's plugin calls in parallel, at most a given number at a time (a sliding window, so one slow
 * call does not hold back a whole batch), and waits for each at most a deadline: a call that hangs costs
 * its thread, never the group's loop. Jobs are made one at a time as they start, so a large deficit costs
 * no memory beyond the calls in flight.
 */
final class Jobs {

    private final ExecutorService workers;
    private final int parallel;
    private final long deadlineMillis;
    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param workers where the jobs run
     * @param parallel how many run at once
     * @param deadlineMillis how long the loop waits for the next job to end before it gives up on the rest
     */
    Jobs(ExecutorService workers, int parallel, long deadlineMillis) {
        this.workers = workers;
        this.parallel = Math.max(1, parallel);
        this.deadlineMillis = deadlineMillis;
    }

    /** The errors of a run, counted by message (a thousand failed creations make one line). */
    static final class Errors {
        private final Map<String, Integer> counts = new LinkedHashMap<>();
        private int total;

        void add(String error) {
            if (error != null) {
                counts.merge(error, 1, Integer::sum);
                total++;
            }
        }

        boolean isEmpty() {
            return total == 0;
        }

        int total() {
            return total;
        }

        List<String> lines() {
            List<String> out = new ArrayList<>();
            counts.forEach((message, n) -> out.add(n == 1 ? message : message + " (" + n + " times)"));
            return out.size() > 5 ? List.copyOf(out.subList(0, 5)) : out;
        }
    }

    /**
     * Jobs still running, including those the loop gave up waiting for.
     *
     * @return the count
     */
    int running() {
        return running.get();
    }

    /**
     * Runs {@code count} jobs, each returning an error or {@code null}.
     *
     * @param count how many
     * @param job makes the job of an index
     * @param stop tells to start no further job
     * @return the errors
     */
    Errors run(int count, IntFunction<Callable<String>> job, BooleanSupplier stop) {
        Errors errors = new Errors();
        ExecutorCompletionService<String> done = new ExecutorCompletionService<>(workers);
        int submitted = 0;
        int finished = 0;
        while (finished < count) {
            while (submitted < count && submitted - finished < parallel && !stop.getAsBoolean()) {
                Callable<String> next = job.apply(submitted);
                running.incrementAndGet();
                done.submit(() -> {
                    try {
                        return next.call();
                    } finally {
                        running.decrementAndGet();
                    }
                });
                submitted++;
            }
            if (submitted == finished) {
                break; // stopped
            }
            Future<String> f;
            try {
                f = done.poll(deadlineMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.add("interrupted");
                return errors;
            }
            if (f == null) {
                errors.add((submitted - finished) + " plugin calls did not answer within " + deadlineMillis + " ms");
                return errors;
            }
            finished++;
            try {
                errors.add(f.get());
            } catch (ExecutionException e) {
                errors.add(String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.add("interrupted");
                return errors;
            }
        }
        return errors;
    }
}
