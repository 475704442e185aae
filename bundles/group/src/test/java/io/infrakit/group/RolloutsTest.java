package io.infrakit.group;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupState.Phase;
import io.infrakit.spi.group.GroupState.Rollout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every transition of a rollout: commit, judgement (done, failed, rollback) and which configuration the members should have. */
class RolloutsTest {

    private static final GroupSpec V0 = new GroupSpec("g", new RawJson("{\"v\":0}"));
    private static final GroupSpec V1 = new GroupSpec("g", new RawJson("{\"v\":1}"));
    private static final Progress FAILED = new Progress(Progress.State.FAILED, "Instance n stayed unhealthy for 10 s");

    private static GroupState in(Phase phase, GroupSpec stable) {
        return new GroupState(new Rollout("s1", "s0", 100, phase, phase == Phase.RUNNING || phase == Phase.DONE ? null : "before"), stable,
                false);
    }

    @Test
    void aFirstCommitStartsARolloutFromNothing() {
        GroupState s = Rollouts.onCommit(GroupState.NONE, "s1", null, 100);
        assertEquals(new Rollout("s1", null, 100, Phase.RUNNING, null), s.rollout());
        assertNull(s.stable());
        assertFalse(s.destroying());
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, mode = EnumSource.Mode.EXCLUDE, names = "PAUSED")
    void aNewConfigurationStartsARunningRolloutFromTheCurrentOne(Phase before) {
        GroupState s = new GroupState(new Rollout("s1", "s0", 100, before, "why"), V0, false);
        GroupState next = Rollouts.onCommit(s, "s2", "s1", 200);
        assertEquals(new Rollout("s2", "s1", 200, Phase.RUNNING, null), next.rollout());
        assertSame(V0, next.stable(), "the stable spec is kept");
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void committingTheSameConfigurationAgainChangesNothing(Phase phase) {
        GroupState s = in(phase, V0);
        assertSame(s, Rollouts.onCommit(s, "s1", "s1", 999), "a failed rollout is never re-armed, a running one never restarted");
    }

    @Test
    void aDestroyInProgressSurvivesACommit() {
        GroupState s = new GroupState(null, null, true);
        assertTrue(Rollouts.onCommit(s, "s1", null, 1).destroying());
    }

    @Test
    void membersGoBackToStableOnlyWhileRollingBackOrRolledBack() {
        for (Phase p : Phase.values()) {
            boolean back = p == Phase.ROLLING_BACK || p == Phase.ROLLED_BACK;
            assertEquals(back, Rollouts.backToStable(in(p, V0)), p.name());
            assertFalse(Rollouts.backToStable(in(p, null)), p + " without a stable spec");
        }
        assertFalse(Rollouts.backToStable(new GroupState(null, V0, false)));
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void noJudgementChangesNothing(Phase phase) {
        GroupState s = in(phase, V0);
        assertSame(s, Rollouts.afterJudgement(s, Progress.NONE, V1, true, "s0", 500));
        assertSame(s, Rollouts.afterJudgement(s, Progress.RUNNING, V1, true, "s0", 500));
    }

    @Test
    void withoutARolloutThereIsNothingToJudge() {
        GroupState s = new GroupState(null, V0, false);
        assertSame(s, Rollouts.afterJudgement(s, Progress.DONE, V1, true, "s0", 500));
        assertSame(s, Rollouts.afterJudgement(s, FAILED, V1, true, "s0", 500));
    }

    @Test
    void aDoneRolloutMakesTheCommittedSpecStable() {
        GroupState s = Rollouts.afterJudgement(in(Phase.RUNNING, V0), Progress.DONE, V1, true, "s0", 500);
        assertEquals(new Rollout("s1", "s0", 100, Phase.DONE, null), s.rollout());
        assertSame(V1, s.stable());
    }

    @Test
    void aFailureRollsBackToADifferentStableConfigurationWithAutoRollback() {
        GroupState s = Rollouts.afterJudgement(in(Phase.RUNNING, V0), FAILED, V1, true, "s0", 500);
        assertEquals(new Rollout("s1", "s0", 500, Phase.ROLLING_BACK, FAILED.reason()), s.rollout(), "a new start time");
        assertSame(V0, s.stable());
        assertTrue(Rollouts.backToStable(s));
    }

    @Test
    void aFailureStaysFailedWithoutAutoRollback() {
        GroupState s = Rollouts.afterJudgement(in(Phase.RUNNING, V0), FAILED, V1, false, "s0", 500);
        assertEquals(new Rollout("s1", "s0", 100, Phase.FAILED, FAILED.reason()), s.rollout());
        assertSame(V0, s.stable());
        assertFalse(Rollouts.backToStable(s));
    }

    @Test
    void aFailureStaysFailedWithoutAStableConfiguration() {
        GroupState s = Rollouts.afterJudgement(in(Phase.RUNNING, null), FAILED, V1, true, null, 500);
        assertEquals(new Rollout("s1", "s0", 100, Phase.FAILED, FAILED.reason()), s.rollout());
    }

    @Test
    void aFailureStaysFailedWhenTheStableConfigurationIsTheFailedOne() {
        GroupState s = Rollouts.afterJudgement(in(Phase.RUNNING, V1), FAILED, V1, true, "s1", 500);
        assertEquals(new Rollout("s1", "s0", 100, Phase.FAILED, FAILED.reason()), s.rollout());
    }

    @Test
    void aDoneRollbackIsRolledBackAndKeepsTheStableSpec() {
        GroupState rollingBack = new GroupState(new Rollout("s1", "s0", 500, Phase.ROLLING_BACK, "first"), V0, false);
        GroupState s = Rollouts.afterJudgement(rollingBack, Progress.DONE, V1, true, "s0", 900);
        assertEquals(new Rollout("s1", "s0", 500, Phase.ROLLED_BACK, "first"), s.rollout());
        assertSame(V0, s.stable(), "the failed spec never becomes stable");
        assertTrue(Rollouts.backToStable(s));
    }

    @Test
    void aFailedRollbackIsFailedWithBothReasons() {
        GroupState rollingBack = new GroupState(new Rollout("s1", "s0", 500, Phase.ROLLING_BACK, "first"), V0, false);
        GroupState s = Rollouts.afterJudgement(rollingBack, FAILED, V1, true, "s0", 900);
        assertEquals(new Rollout("s1", "s0", 500, Phase.FAILED,
                "first; the rollback to s0 stopped too: Instance n stayed unhealthy for 10 s"), s.rollout());
        assertSame(V0, s.stable());
        assertFalse(Rollouts.backToStable(s), "a failed rollback does not roll back again");
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"DONE", "FAILED", "ROLLED_BACK"})
    void anEndedRolloutIsNotJudgedAgain(Phase phase) {
        GroupState s = in(phase, V0);
        assertSame(s, Rollouts.afterJudgement(s, Progress.DONE, V1, true, "s0", 900));
        assertSame(s, Rollouts.afterJudgement(s, FAILED, V1, true, "s0", 900));
    }

    @Test
    void theDestroyingFlagSurvivesEveryTransition() {
        GroupState s = new GroupState(new Rollout("s1", "s0", 100, Phase.RUNNING, null), V0, true);
        assertTrue(Rollouts.afterJudgement(s, Progress.DONE, V1, true, "s0", 1).destroying());
        assertTrue(Rollouts.afterJudgement(s, FAILED, V1, true, "s0", 1).destroying());
        assertTrue(Rollouts.afterJudgement(s, FAILED, V1, false, "s0", 1).destroying());
    }

    @Test
    void aNewConfigurationCommittedWhilePausedWaitsForAResume() {
        GroupState paused = Rollouts.pause(in(Phase.DONE, V0), "s1", 3, 150);
        GroupState next = Rollouts.onCommit(paused, "s2", "s1", 200);
        assertEquals(new Rollout("s2", "s1", 200, Phase.PAUSED, null, Phase.RUNNING, 0), next.rollout());
        assertEquals(Phase.RUNNING, Rollouts.resume(next).rollout().phase());
    }

    @Test
    void pausingHoldsTheRolloutWithTheMembersAtItsConfigurationAndResumingMovesItOnWhereItWas() {
        GroupState paused = Rollouts.pause(in(Phase.RUNNING, V0), "s1", 2, 150);
        assertEquals(new Rollout("s1", "s0", 100, Phase.PAUSED, null, Phase.RUNNING, 2), paused.rollout());
        assertSame(V0, paused.stable());
        assertEquals(new Rollout("s1", "s0", 100, Phase.RUNNING, null), Rollouts.resume(paused).rollout());
        GroupState rollingBack = Rollouts.pause(in(Phase.ROLLING_BACK, V0), "s0", 1, 150);
        assertTrue(Rollouts.backToStable(rollingBack), "a paused rollback keeps the members at the stable configuration");
        assertEquals(Phase.ROLLING_BACK, Rollouts.resume(rollingBack).rollout().phase());
    }

    @Test
    void pausingAGroupAtRestHoldsItsNextRollout() {
        GroupState paused = Rollouts.pause(GroupState.NONE, "s1", 3, 150);
        assertEquals(new Rollout("s1", null, 150, Phase.PAUSED, null, Phase.DONE, 3), paused.rollout());
        assertEquals(Phase.DONE, Rollouts.resume(paused).rollout().phase());
        IllegalStateException twice = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Rollouts.pause(paused, "s1", 3, 160));
        assertEquals("it is paused already", twice.getMessage());
    }

    @Test
    void stoppingEndsOnlyARolloutThatMovesAndKeepsTheCountItHad() {
        GroupState stopped = Rollouts.stop(in(Phase.RUNNING, V0), 2);
        assertEquals(new Rollout("s1", "s0", 100, Phase.STOPPED, null, Phase.RUNNING, 2), stopped.rollout());
        GroupState pausedThenStopped = Rollouts.stop(Rollouts.pause(in(Phase.RUNNING, V0), "s1", 1, 150), 3);
        assertEquals(1, pausedThenStopped.rollout().updated(), "the count when it was first held");
        assertEquals(Phase.RUNNING, pausedThenStopped.rollout().resumeTo());
        assertEquals(Phase.RUNNING, Rollouts.resume(stopped).rollout().phase());
        for (Phase idle : new Phase[] {Phase.DONE, Phase.FAILED, Phase.ROLLED_BACK}) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Rollouts.stop(in(idle, V0), 0), idle.name());
            assertEquals("no rollout is running", e.getMessage());
        }
        assertEquals("its rollout is stopped already",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Rollouts.stop(stopped, 2)).getMessage());
        assertEquals("it is neither paused nor stopped",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Rollouts.resume(in(Phase.RUNNING, V0))).getMessage());
    }

    @Test
    void whileHeldOnlyTheMembersTheRolloutHadAreCreatedWithItsConfiguration() {
        Rollout held = new Rollout("s1", "s0", 100, Phase.PAUSED, null, Phase.RUNNING, 2);
        assertEquals(0, Rollouts.createdAtTarget(held, 3, 2), "2 had it and have it: the missing are old ones");
        assertEquals(1, Rollouts.createdAtTarget(held, 3, 1), "one of the 2 is missing");
        assertEquals(2, Rollouts.createdAtTarget(held, 2, 0));
        assertEquals(1, Rollouts.createdAtTarget(held, 1, 0), "never more than the creations");
        assertEquals(0, Rollouts.createdAtTarget(held, 2, 5), "never fewer than none");
        assertEquals(0, Rollouts.createdAtTarget(new Rollout("s1", "s0", 100, Phase.PAUSED, null, Phase.RUNNING, 0), 2, 0),
                "none had it when held: every missing member comes back with the old configuration");
        assertEquals(3, Rollouts.createdAtTarget(new Rollout("s1", "s0", 100, Phase.RUNNING, null), 3, 0), "not held: all of them");
        assertEquals(3, Rollouts.createdAtTarget(new Rollout("s1", null, 100, Phase.PAUSED, null, Phase.DONE, 0), 3, 0),
                "no configuration before it: all of them");
    }

    @Test
    void aHeldRolloutIsCountedByTheNextCycleOnceAndUntilThenCreatesWithItsConfiguration() {
        GroupState paused = Rollouts.pause(in(Phase.RUNNING, V0), "s1", -1, 150);
        assertEquals(3, Rollouts.createdAtTarget(paused.rollout(), 3, 0), "not counted yet: nothing is held back");
        GroupState counted = Rollouts.counted(paused, 2);
        assertEquals(2, counted.rollout().updated());
        assertSame(counted, Rollouts.counted(counted, 0), "counted once");
        GroupState none = Rollouts.counted(paused, 0);
        assertEquals(0, none.rollout().updated());
        assertSame(none, Rollouts.counted(none, 3), "counted once, at 0 too");
        assertSame(paused.with(paused.rollout().resumed()).rollout().phase(), Phase.RUNNING);
        GroupState running = in(Phase.RUNNING, V0);
        assertSame(running, Rollouts.counted(running, 1), "only a held rollout is counted");
    }
}
