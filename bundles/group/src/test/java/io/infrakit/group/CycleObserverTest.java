package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.observe.ControllerObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each cycle of a group's loop is told to the observers once, failed or not; an observer cannot disturb the loop. */
class CycleObserverTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** One reported cycle. */
    private record Cycle(String group, long nanos, boolean failed) {
    }

    private final Fixture fx = new Fixture(20, 60_000);
    private final List<Cycle> cycles = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        fx.close();
    }

    private void observe() {
        fx.plugin.addObserver(new ControllerObserver() {
            @Override
            public void cycleEnded(String group, long nanos, boolean failed) {
                cycles.add(new Cycle(group, nanos, failed));
            }
        });
    }

    /** Converged, by the loop's own verdict: no plugin is called, so every listing counted is a cycle's. */
    private void awaitConverged(int size) {
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(fx.plugin.status("cattle").get(0).status())
                && fx.plugin.status("cattle").get(0).current() == size);
    }

    @Test
    void everyCycleIsToldOnceAndAFailedOneAsFailed() throws Exception {
        fx.plugin.addObserver(new ControllerObserver() {
            @Override
            public void cycleEnded(String group, long nanos, boolean failed) {
                throw new IllegalStateException("a broken observer");
            }
        });
        observe();
        fx.instances.throwOnProvision.set(new IllegalStateException("plugin bug"));
        fx.plugin.commitGroup(Fixture.cattle(2, "1.0", null), false);
        awaitConverged(2);
        int settled = cycles.size();
        await().atMost(WAIT).until(() -> cycles.size() >= settled + 3);
        fx.plugin.close(); // waits for the cycle under way: from now on nothing is listed or told

        assertEquals(fx.instances.describes.get(), cycles.size(), "one report per cycle, each cycle lists the members once");
        assertTrue(cycles.stream().allMatch(c -> c.group().equals("cattle") && c.nanos() >= 0), cycles.toString());
        assertTrue(cycles.get(0).failed(), "the cycle whose provision threw failed");
        assertFalse(cycles.get(cycles.size() - 1).failed(), "converged cycles did not");
        int firstOk = cycles.indexOf(cycles.stream().filter(c -> !c.failed()).findFirst().orElseThrow());
        assertTrue(cycles.subList(firstOk, cycles.size()).stream().noneMatch(Cycle::failed), "no failure once converged: " + cycles);
    }

    @Test
    void aCycleWaitingForAMissingPluginIsAFailedOne() throws Exception {
        observe();
        fx.plugin.commitGroup(Fixture.cattle(1, "1.0", null), false);
        awaitConverged(1);
        fx.instancePluginMissing = true;
        int before = cycles.size();
        await().atMost(WAIT).until(() -> cycles.stream().skip(before).filter(Cycle::failed).count() >= 3);
        fx.instancePluginMissing = false;
        int back = cycles.size();
        await().atMost(WAIT).until(() -> cycles.stream().skip(back).anyMatch(c -> !c.failed()));
    }

    @Test
    void withoutObserversNothingIsTold() throws PluginException {
        ControllerObserver observer = new ControllerObserver() {
            @Override
            public void cycleEnded(String group, long nanos, boolean failed) {
                cycles.add(new Cycle(group, nanos, failed));
            }
        };
        fx.plugin.addObserver(observer);
        fx.plugin.removeObserver(observer);
        fx.plugin.commitGroup(Fixture.cattle(1, "1.0", null), false);
        awaitConverged(1);
        int cyclesRun = fx.instances.describes.get();
        await().atMost(WAIT).until(() -> fx.instances.describes.get() >= cyclesRun + 3);
        assertEquals(List.of(), cycles);
    }
}
