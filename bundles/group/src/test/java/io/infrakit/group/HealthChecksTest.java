package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a health check says, and checking a group's members concurrently. */
class HealthChecksTest {

    /** A flavor whose only behaviour is its health check. */
    interface Check {
        Health healthy(Description instance) throws PluginException;
    }

    static FlavorPlugin flavor(Check check) {
        return new FlavorPlugin() {
            @Override
            public void validate(RawJson properties, Allocation allocation) {
            }

            @Override
            public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
                return spec;
            }

            @Override
            public Health healthy(RawJson properties, Description instance) throws PluginException {
                return check.healthy(instance);
            }

            @Override
            public void drain(RawJson properties, Description instance) {
            }
        };
    }

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final PluginCalls calls = new PluginCalls(() -> null, () -> null, pool, 10_000);
    private final GroupProperties properties = Given.size(3, "");

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Health.class)
    void anAnswerIsTakenAsItIs(Health h) {
        assertSame(h, HealthChecks.judge(() -> h));
    }

    @Test
    void aFailedCheckIsUnknownNeverUnhealthy() {
        assertSame(Health.UNKNOWN, HealthChecks.judge(() -> {
            throw new PluginException("Healthy of i1 did not answer within 10000 ms");
        }));
        assertSame(Health.UNKNOWN, HealthChecks.judge(() -> {
            throw new IllegalStateException("a local flavor's bug");
        }));
        assertSame(Health.UNKNOWN, HealthChecks.judge(() -> null));
    }

    /** Counts the jobs given to the pool. */
    static final class CountingExecutor extends AbstractExecutorService {
        final ExecutorService delegate;
        final AtomicInteger submitted = new AtomicInteger();

        CountingExecutor(ExecutorService delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable command) {
            submitted.incrementAndGet();
            delegate.execute(command);
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }
    }

    @Test
    void everyMemberIsCheckedOnceAndNoted() {
        List<Description> members = Given.members("new", Given.ids("m", 37));
        Map<String, AtomicInteger> checks = new ConcurrentHashMap<>();
        FlavorPlugin flavor = flavor(m -> {
            checks.computeIfAbsent(m.id(), k -> new AtomicInteger()).incrementAndGet();
            int n = Integer.parseInt(m.id().substring(1));
            if (n % 3 == 2) {
                throw new PluginException("no answer");
            }
            return n % 3 == 0 ? Health.HEALTHY : Health.UNHEALTHY;
        });
        HealthChecks health = new HealthChecks();
        CountingExecutor counted = new CountingExecutor(pool);
        health.check(new Jobs(counted, 4, 10_000), calls, flavor, properties, members, 100, () -> false);
        assertTrue(counted.submitted.get() <= 16, "at most 16 slices, not " + counted.submitted.get());
        assertEquals(37, checks.size());
        checks.forEach((id, n) -> assertEquals(1, n.get(), id));
        for (Description m : members) {
            int n = Integer.parseInt(m.id().substring(1));
            Health expected = n % 3 == 0 ? Health.HEALTHY : n % 3 == 1 ? Health.UNHEALTHY : Health.UNKNOWN;
            assertEquals(new Convergence.Observed(expected, 100), health.get(m.id()), m.id());
        }
    }

    @Test
    void theTimeNotedIsThatOfTheLastChangeAndGoneMembersAreForgotten() {
        Map<String, Health> answers = new ConcurrentHashMap<>(Map.of("a", Health.HEALTHY, "b", Health.UNKNOWN));
        FlavorPlugin flavor = flavor(m -> answers.get(m.id()));
        HealthChecks health = new HealthChecks();
        Jobs jobs = new Jobs(pool, 2, 10_000);
        health.check(jobs, calls, flavor, properties, Given.members("new", "a", "b"), 100, () -> false);
        answers.put("b", Health.HEALTHY);
        health.check(jobs, calls, flavor, properties, Given.members("new", "a", "b"), 200, () -> false);
        assertEquals(new Convergence.Observed(Health.HEALTHY, 100), health.get("a"), "unchanged since 100");
        assertEquals(new Convergence.Observed(Health.HEALTHY, 200), health.get("b"), "changed at 200");
        health.check(jobs, calls, flavor, properties, Given.members("new", "b"), 300, () -> false);
        assertNull(health.get("a"), "no longer a member");
        health.check(jobs, calls, flavor, properties, List.of(), 400, () -> false);
        assertNull(health.get("b"));
    }

    @Test
    void whenToldToStopNothingIsCheckedAndEveryoneIsUnknown() {
        AtomicInteger checks = new AtomicInteger();
        HealthChecks health = new HealthChecks();
        health.check(new Jobs(pool, 4, 10_000), calls, flavor(m -> {
            checks.incrementAndGet();
            return Health.HEALTHY;
        }), properties, Given.members("new", "a", "b"), 100, () -> true);
        assertEquals(0, checks.get());
        assertEquals(new Convergence.Observed(Health.UNKNOWN, 100), health.get("a"));
    }

    @Test
    void thirtyTwoMembersAreCheckedInSixteenSlicesOfTwo() {
        CountingExecutor counted = new CountingExecutor(pool);
        AtomicInteger checks = new AtomicInteger();
        new HealthChecks().check(new Jobs(counted, 16, 10_000), calls, flavor(m -> {
            checks.incrementAndGet();
            return Health.HEALTHY;
        }), properties, Given.members("new", Given.ids("m", 32)), 100, () -> false);
        assertEquals(16, counted.submitted.get());
        assertEquals(32, checks.get());
    }

    /**
     * Blocks until the checks meet, so a mutant that serialises them would only time out: mutation testing leaves it
     * out ({@code waits}) and relies on the slice count above.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 16})
    @Tag("waits")
    void membersAreCheckedConcurrentlyInAsManySlicesAsTheParallelism(int atOnce) {
        CountDownLatch together = new CountDownLatch(atOnce);
        AtomicBoolean alone = new AtomicBoolean();
        FlavorPlugin flavor = flavor(m -> {
            together.countDown();
            try {
                if (!together.await(20, TimeUnit.SECONDS)) {
                    alone.set(true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Health.HEALTHY;
        });
        List<Description> members = Given.members("new", Given.ids("m", 32));
        HealthChecks health = new HealthChecks();
        CountingExecutor counted = new CountingExecutor(pool);
        assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> health.check(new Jobs(counted, 16, 30_000), calls, flavor, properties, members, 100, () -> false));
        assertEquals(16, counted.submitted.get(), "32 members in 16 slices of 2");
        assertFalse(alone.get(), "a check waited for a second one that never ran beside it");
        members.forEach(m -> assertEquals(new Convergence.Observed(Health.HEALTHY, 100), health.get(m.id()), m.id()));
    }
}
