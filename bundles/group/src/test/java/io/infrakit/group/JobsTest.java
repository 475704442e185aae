package io.infrakit.group;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sliding-window job runner: its limit, its error counting, its deadline and its stop. */
class JobsTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    @Test
    void atMostParallelJobsRunAtOnceAndTheWindowIsFilled() {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CyclicBarrier three = new CyclicBarrier(3);
        Jobs jobs = new Jobs(pool, 3, 30_000);
        Jobs.Errors errors = jobs.run(21, i -> () -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                three.await(20, TimeUnit.SECONDS); // three at once, or this job fails
                return null;
            } catch (Exception e) {
                return "not three at once: " + e;
            } finally {
                now.decrementAndGet();
            }
        }, () -> false);
        assertTrue(errors.isEmpty(), errors.lines().toString());
        assertEquals(3, most.get(), "at most 3 at once, and 3 were");
        assertEquals(0, jobs.running());
    }

    @Test
    void errorsAreCountedByMessage() {
        Jobs.Errors errors = new Jobs(pool, 4, 30_000).run(8, i -> () -> {
            if (i < 5) {
                return "out of capacity";
            }
            if (i == 5) {
                throw new IllegalStateException("bug");
            }
            return null;
        }, () -> false);
        assertEquals(6, errors.total());
        assertFalse(errors.isEmpty());
        assertEquals(List.of("out of capacity (5 times)", "java.lang.IllegalStateException: bug"), errors.lines());
    }

    @Test
    void atMostFiveLinesOfErrors() {
        Jobs.Errors errors = new Jobs(pool, 1, 30_000).run(7, i -> () -> "error " + i, () -> false);
        assertEquals(7, errors.total());
        assertEquals(List.of("error 0", "error 1", "error 2", "error 3", "error 4"), errors.lines(), "the first five");
    }

    @Test
    void noJobsNoErrors() {
        Jobs.Errors errors = new Jobs(pool, 2, 30_000).run(0, i -> () -> "never", () -> false);
        assertTrue(errors.isEmpty());
        assertEquals(0, errors.total());
        assertEquals(List.of(), errors.lines());
    }

    @Test
    void hangingJobsCostTheDeadlineAndAreCounted() {
        Jobs jobs = new Jobs(pool, 4, 300);
        Jobs.Errors errors = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> jobs.run(4, i -> () -> {
            if (i % 2 == 0) {
                release.await();
            }
            return null;
        }, () -> false));
        assertEquals(List.of("2 plugin calls did not answer within 300 ms"), errors.lines());
        assertEquals(2, jobs.running(), "still running, given up on");
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.running() == 0);
    }

    @Test
    void theStopSupplierStopsSubmitting() {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        Jobs.Errors errors = new Jobs(pool, 1, 30_000).run(10, i -> {
            made.incrementAndGet();
            return () -> {
                ran.incrementAndGet();
                return null;
            };
        }, () -> ran.get() >= 3);
        assertTrue(errors.isEmpty());
        assertEquals(3, made.get(), "jobs are made as they start, so none beyond the stop");
        assertEquals(3, ran.get());
    }

    @Test
    void stoppedFromTheStartNothingRuns() {
        AtomicInteger made = new AtomicInteger();
        Jobs.Errors errors = new Jobs(pool, 4, 30_000).run(10, i -> {
            made.incrementAndGet();
            return () -> null;
        }, () -> true);
        assertTrue(errors.isEmpty());
        assertEquals(0, made.get());
    }
}
