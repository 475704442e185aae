package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.observe.ControllerObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Healing driven by the instance plugin's change reports: a lost member is replaced at once whatever the poll
 * interval; a change wakes the groups it concerns only; bursts of changes make one or two cycles, not hundreds; a
 * failing group's backoff holds against signals; a signal racing the polls replaces a member once; a plugin without
 * reports is polled as before; and the watcher threads come and go with the groups. In-memory plugins, real threads.
 */
class SignalledHealingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A poll so long that only a signal can explain anything a test sees happen. */
    private static final long NO_POLL = 60_000;
    private static final String WATCHER = "infrakit-group-changes-instance-mem";

    @TempDir
    Path tmp;

    private Fixture fx;
    private final Map<String, AtomicInteger> cycles = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failedCycles = new ConcurrentHashMap<>();
    private final AtomicLong lastCycleEnded = new AtomicLong(System.nanoTime());

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private Fixture fixture(long pollMillis, boolean gated) {
        fx = new Fixture(pollMillis, gated, ChangeBackoff.DEFAULT);
        observe();
        return fx;
    }

    private void observe() {
        fx.plugin.setJournal(new FileGroupJournal(tmp.resolve("events"), 1000, fx.json));
        fx.plugin.addObserver(new ControllerObserver() {
            @Override
            public void cycleEnded(String group, long nanos, boolean failed) {
                cycles.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
                if (failed) {
                    failedCycles.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
                }
                lastCycleEnded.set(System.nanoTime());
            }
        });
    }

    private int cycles(String group) {
        return cycles.getOrDefault(group, new AtomicInteger()).get();
    }

    private int failed(String group) {
        return failedCycles.getOrDefault(group, new AtomicInteger()).get();
    }

    /**
     * Waits until no cycle has ended for longer than a confirming cycle's delay: with the poll at a minute, every group
     * is idle.
     */
    private void awaitIdle() {
        await().atMost(WAIT).until(() -> System.nanoTime() - lastCycleEnded.get()
                > TimeUnit.MILLISECONDS.toNanos(GroupSupervisor.CONFIRM_MILLIS + 500));
    }

    private GroupSpec spec(String id, int size, String instancePlugin) throws PluginException {
        String text = String.format(Fixture.CATTLE, size, "1.0", "").replace("\"ID\":\"cattle\"", "\"ID\":\"" + id + "\"")
                .replace("instance-mem", instancePlugin);
        return fx.json.decode(new RawJson(text), GroupSpec.class);
    }

    /**
     * Commits a group and waits until a cycle has listed its members: with the poll at a minute, committing it again
     * (a Noop) is what makes that cycle run.
     */
    private void converge(GroupSpec spec, int size) throws PluginException {
        fx.plugin.commitGroup(spec, false);
        await().atMost(WAIT).until(() -> fx.instances.group(spec.id()).size() == size);
        assertEquals("Noop", fx.plugin.commitGroup(spec, false));
        await().atMost(WAIT).until(() -> {
            GroupStatus s = fx.plugin.status(spec.id()).get(0);
            return GroupDescription.Status.CONVERGED.equals(s.status()) && s.current() == size;
        });
    }

    private static long watcherThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(WATCHER) && t.isAlive()).count();
    }

    @Test
    void aLostMemberIsReplacedAtItsSignalLongBeforeThePollAndOnlyTheLossAndTheCreationAreRecorded() throws Exception {
        fixture(NO_POLL, false);
        GroupSpec spec = Fixture.cattle(3, "1.0", null);
        converge(spec, 3);
        awaitIdle(); // the rollout of the first configuration completed, the events of its cycles are in the journal
        await().atMost(WAIT).until(() -> fx.reports.calls.get() >= 2); // the watcher waits for a change after the first number
        long eventsBefore = fx.plugin.events("cattle", 0, 1000, 0).size();
        String lost = fx.instances.group("cattle").get(0).id();

        fx.reports.lose(lost);

        await().atMost(Duration.ofSeconds(5)).until(() -> fx.instances.group("cattle").size() == 3 && fx.instances.provisions.get() == 4);
        assertEquals(0, fx.instances.destroys.get());
        await().atMost(WAIT).until(() -> fx.plugin.events("cattle", 0, 1000, 0).stream().anyMatch(e -> e.type().equals(GroupEvent.Type.INSTANCE_CREATED)
                && e.cause() != null && e.cause().equals(GroupEvent.Cause.MISSING)));
        // the cycle that created the replacement is confirmed by another within a second, not at the next poll (a
        // minute away): the status says converged again, and the group's story is the loss, the creation, converged
        await().atMost(Duration.ofSeconds(5)).until(() -> GroupDescription.Status.CONVERGED.equals(fx.plugin.status("cattle").get(0).status()));
        await().atMost(WAIT).until(() -> fx.plugin.events("cattle", 0, 1000, 0).stream().skip(eventsBefore)
                .anyMatch(e -> e.type().equals(GroupEvent.Type.CONVERGED)));
        List<GroupEvent> since = fx.plugin.events("cattle", 0, 1000, 0).stream().skip(eventsBefore).toList();
        assertEquals(List.of(GroupEvent.Type.INSTANCE_LOST, GroupEvent.Type.INSTANCE_CREATED, GroupEvent.Type.CONVERGED),
                since.stream().map(GroupEvent::type).toList(), "the signal itself is no event: " + since);
        assertEquals(lost, since.get(0).instance());
        assertEquals(4, fx.instances.provisions.get(), "one replacement");
    }

    @Test
    void aChangeWakesItsGroupAloneAndAnUntaggedChangeOrAResetWakesEveryGroupOfThePlugin() throws Exception {
        fixture(NO_POLL, true);
        Fixture.Memory other = new Fixture.Memory();
        fx.otherInstances.put("instance-other", other);
        converge(spec("cattle", 1, "instance-mem"), 1);
        converge(spec("herd", 1, "instance-mem"), 1);
        fx.plugin.commitGroup(spec("flock", 1, "instance-other"), false);
        await().atMost(WAIT).until(() -> other.instances.size() == 1);
        assertTrue(fx.reports.asked.tryAcquire(10, TimeUnit.SECONDS)); // the watcher's first call, at the gate
        fx.reports.answerOnce(); // the first number: it now waits for changes after it
        awaitIdle();
        int cattle = cycles("cattle");
        int herd = cycles("herd");
        int flock = cycles("flock");

        fx.reports.changed("herd");
        fx.reports.answerOnce();
        await().atMost(WAIT).until(() -> cycles("herd") == herd + 1);
        awaitIdle();
        assertEquals(List.of(cattle, herd + 1, flock), List.of(cycles("cattle"), cycles("herd"), cycles("flock")), "herd only");

        fx.reports.changed(null);
        fx.reports.answerOnce();
        await().atMost(WAIT).until(() -> cycles("cattle") == cattle + 1 && cycles("herd") == herd + 2);
        awaitIdle();
        assertEquals(flock, cycles("flock"), "a group of another plugin is not woken");

        fx.reports.resetNext = true;
        fx.reports.answerOnce();
        await().atMost(WAIT).until(() -> cycles("cattle") == cattle + 2 && cycles("herd") == herd + 3);
        awaitIdle();
        assertEquals(List.of(cattle + 2, herd + 3, flock), List.of(cycles("cattle"), cycles("herd"), cycles("flock")));
    }

    @Test
    void fiveHundredChangesInOneAnswerMakeOneCycle() throws Exception {
        fixture(NO_POLL, true);
        converge(Fixture.cattle(3, "1.0", null), 3);
        assertTrue(fx.reports.asked.tryAcquire(10, TimeUnit.SECONDS));
        fx.reports.answerOnce();
        awaitIdle();
        int before = cycles("cattle");
        for (int i = 0; i < 500; i++) {
            fx.reports.changed(i % 2 == 0 ? "cattle" : null);
        }
        int answers = fx.reports.answers.get();

        fx.reports.answerOnce();

        await().atMost(WAIT).until(() -> cycles("cattle") == before + 1);
        awaitIdle();
        assertEquals(before + 1, cycles("cattle"));
        assertEquals(answers + 1, fx.reports.answers.get(), "all 500 in one answer");
        assertEquals(3, fx.instances.provisions.get());
    }

    @Test
    void fiveHundredAnswersInQuickSuccessionMakeTwoCyclesWhenTheFirstIsStillRunning() throws Exception {
        fixture(NO_POLL, true);
        converge(Fixture.cattle(2, "1.0", null), 2);
        assertTrue(fx.reports.asked.tryAcquire(10, TimeUnit.SECONDS));
        fx.reports.answerOnce();
        awaitIdle();
        int before = cycles("cattle");
        int answers = fx.reports.answers.get();
        CountDownLatch hold = new CountDownLatch(1);
        fx.instances.holdListings = hold;

        fx.reports.changed("cattle");
        fx.reports.answerOnce();
        assertTrue(fx.instances.listing.tryAcquire(10, TimeUnit.SECONDS), "the first signal's cycle is listing, and held there");
        for (int i = 1; i < 500; i++) {
            fx.reports.changed("cattle");
            fx.reports.answerOnce(); // one answer each: the watcher asked again, so it signalled
        }
        fx.instances.holdListings = null;
        hold.countDown();

        await().atMost(WAIT).until(() -> cycles("cattle") >= before + 2);
        awaitIdle();
        assertEquals(500, fx.reports.answers.get() - answers);
        assertEquals(before + 2, cycles("cattle"), "the running cycle, and one more for the signals it could not have seen");
        assertEquals(0, failed("cattle"), "the held listing did not time out");
    }

    @Test
    void signalsDoNotBypassTheBackoffOfAFailingGroup() throws Exception {
        fixture(1_000, false);
        converge(Fixture.cattle(1, "1.0", null), 1);
        fx.instances.failDescribe = true;
        await().atMost(WAIT).until(() -> failed("cattle") >= 1); // the next cycle is 2 s later, then 4 s...
        int cyclesThen = cycles("cattle");
        int answers = fx.reports.answers.get();

        fx.reports.storm(true); // answers at once, a change in each, as a failing plugin that keeps signalling
        await().atMost(WAIT).until(() -> fx.reports.answers.get() >= answers + 1_000);
        fx.reports.storm(false);

        assertTrue(cycles("cattle") <= cyclesThen + 1, "1,000 signals during a 2 s backoff: at most the scheduled cycle ran, not "
                + (cycles("cattle") - cyclesThen));
        fx.instances.failDescribe = false;
        await().atMost(WAIT).until(() -> GroupDescription.Status.CONVERGED.equals(fx.plugin.status("cattle").get(0).status()));
    }

    @Test
    void aMemberLostWhileSignalsAndPollsRaceIsReplacedExactlyOnce() throws Exception {
        fixture(20, false);
        converge(Fixture.cattle(3, "1.0", null), 3);
        int answers = fx.reports.answers.get();
        fx.reports.storm(true); // a signal after another, as fast as the watcher goes, and a poll every 20 ms
        await().atMost(WAIT).until(() -> fx.reports.answers.get() >= answers + 100);

        fx.reports.lose(fx.instances.group("cattle").get(1).id());

        await().atMost(WAIT).until(() -> fx.instances.group("cattle").size() == 3);
        int cyclesThen = cycles("cattle");
        await().atMost(WAIT).until(() -> cycles("cattle") >= cyclesThen + 20); // many cycles later, signalled and polled
        fx.reports.storm(false);
        assertEquals(4, fx.instances.provisions.get(), "replaced once");
        assertEquals(0, fx.instances.destroys.get());
        assertEquals(3, fx.instances.group("cattle").size());
    }

    @Test
    void oneWatcherPerInstancePluginInUseThatStopsWithItsLastGroupAndWithThePlugin() throws Exception {
        fixture(NO_POLL, false);
        converge(spec("cattle", 1, "instance-mem"), 1);
        converge(spec("herd", 1, "instance-mem"), 1);
        await().atMost(WAIT).until(() -> fx.reports.calls.get() >= 2);
        assertEquals(1, watcherThreads(), "one watcher for both groups");
        await().atMost(WAIT).until(() -> fx.changeLookups.get() == fx.reports.calls.get()); // looked up before each poll

        fx.plugin.freeGroup("herd");
        assertEquals(1, watcherThreads(), "cattle still uses the plugin");
        fx.plugin.destroyGroup("cattle");
        await().atMost(WAIT).until(() -> fx.plugin.inspectGroups().isEmpty());
        await().atMost(Duration.ofSeconds(2)).until(() -> watcherThreads() == 0); // its long poll of 30 s was interrupted
        assertEquals(1, fx.reports.interrupted.get());

        int calls = fx.reports.calls.get();
        converge(spec("cattle", 1, "instance-mem"), 1);
        await().atMost(WAIT).until(() -> watcherThreads() == 1 && fx.reports.calls.get() >= calls + 2); // back, and waiting
        fx.plugin.close();
        assertEquals(0, watcherThreads(), "the plugin's deactivation leaves no watcher behind");
        assertEquals(2, fx.reports.interrupted.get());
    }

    @Test
    void aPluginWithoutReportsIsAskedOnceAndItsGroupsAreHealedByThePoll() throws Exception {
        fx = new Fixture(20, 60_000); // the in-memory plugin without InstanceChanges, as a Go plugin
        observe();
        converge(Fixture.cattle(2, "1.0", null), 2);
        await().atMost(WAIT).until(() -> fx.changeLookups.get() == 1);
        fx.instances.instances.remove(fx.instances.group("cattle").get(0).id());
        await().atMost(WAIT).until(() -> fx.instances.group("cattle").size() == 2 && fx.instances.provisions.get() == 3);
        int polls = cycles("cattle");
        await().atMost(WAIT).until(() -> cycles("cattle") >= polls + 25); // half a second of polls
        assertEquals(1, fx.changeLookups.get(), "a plugin without reports is asked again in a minute, not at each poll");
        assertEquals(1, watcherThreads(), "its watcher waits a minute before it asks again");
    }

    @Test
    void aReplacementThatDiesAtOnceIsPacedAfterABurstNotReplacedAsFastAsItDies() throws Exception {
        fixture(NO_POLL, false);
        converge(Fixture.cattle(1, "1.0", null), 1);
        awaitIdle();
        await().atMost(WAIT).until(() -> fx.reports.calls.get() >= 2);
        int before = fx.instances.provisions.get();
        long start = System.nanoTime();
        long burstDone = 0;
        // a crash loop: each replacement dies as soon as it is listed, and its death is signalled at once
        int rounds = SignalBudget.BURST + 2;
        for (int i = 0; i < rounds; i++) {
            String member = fx.instances.group("cattle").get(0).id();
            fx.reports.lose(member);
            int expected = before + i + 1;
            await().atMost(WAIT).until(() -> fx.instances.provisions.get() == expected && fx.instances.group("cattle").size() == 1);
            if (i == SignalBudget.BURST - 1) {
                burstDone = System.nanoTime();
            }
        }
        long burstMillis = TimeUnit.NANOSECONDS.toMillis(burstDone - start);
        long pacedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burstDone);
        // the first BURST deaths are replaced at once; then the signals wait for the window and the two that follow are
        // replaced by the cycles that confirm each creation a second later: about once a second, not as fast as they die
        assertTrue(burstMillis < GroupSupervisor.CONFIRM_MILLIS * SignalBudget.BURST / 2, "the burst took " + burstMillis + " ms");
        assertTrue(pacedMillis >= 2 * GroupSupervisor.CONFIRM_MILLIS - 200, "two more replacements in " + pacedMillis + " ms");
        assertEquals(before + rounds, fx.instances.provisions.get(), "one replacement per death, no more");
    }
}
