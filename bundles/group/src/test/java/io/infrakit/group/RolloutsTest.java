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
    @EnumSource(Phase.class)
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
}
