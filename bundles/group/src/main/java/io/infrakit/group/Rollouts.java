package io.infrakit.group;

import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupState.Phase;
import io.infrakit.spi.group.GroupState.Rollout;

/**
 * How a group's rollout moves from phase to phase, free of I/O. A commit of a new configuration starts a
 * rollout; committing the configuration of the latest rollout again changes nothing, so a restart, a new
 * leader or a repeated commit resumes a running rollout and never re-arms a failed one. A rollout is done
 * when its judge says so, and the committed spec becomes the stable one (what a rollback returns to). A
 * failed rollout either stays failed or, with {@code Update.AutoRollback}, rolls back to the stable
 * configuration as a rolling update of its own.
 */
final class Rollouts {

    private Rollouts() {
    }

    /**
     * The state after a commit.
     *
     * @param state the state before
     * @param sha the committed configuration
     * @param current the configuration in force before the commit, or {@code null}
     * @param nowMillis the time now
     * @return the state after
     */
    static GroupState onCommit(GroupState state, String sha, String current, long nowMillis) {
        Rollout r = state.rollout();
        if (r != null && r.target().equals(sha)) {
            return state;
        }
        return state.with(new Rollout(sha, current, nowMillis, Phase.RUNNING, null));
    }

    /**
     * Whether the members should be at the stable configuration rather than the committed one.
     *
     * @param state the state
     * @return {@code true} while rolling back and once rolled back
     */
    static boolean backToStable(GroupState state) {
        Rollout r = state.rollout();
        return state.stable() != null && r != null && (r.phase() == Phase.ROLLING_BACK || r.phase() == Phase.ROLLED_BACK);
    }

    /**
     * The state after the loop judged the rollout.
     *
     * @param state the state before
     * @param progress the judgement
     * @param committed the committed spec
     * @param autoRollback whether a failure rolls back
     * @param stableSha the configuration hash of the stable spec, or {@code null} if there is none
     * @param nowMillis the time now
     * @return the state after (the same object when nothing changed)
     */
    static GroupState afterJudgement(GroupState state, Progress progress, GroupSpec committed, boolean autoRollback, String stableSha,
                                     long nowMillis) {
        Rollout r = state.rollout();
        if (r == null || progress.state() == Progress.State.NONE || progress.state() == Progress.State.RUNNING) {
            return state;
        }
        boolean done = progress.state() == Progress.State.DONE;
        if (r.phase() == Phase.RUNNING) {
            if (done) {
                return state.with(r.in(Phase.DONE, null)).withStable(committed);
            }
            if (autoRollback && stableSha != null && !stableSha.equals(r.target())) {
                return state.with(new Rollout(r.target(), r.from(), nowMillis, Phase.ROLLING_BACK, progress.reason()));
            }
            return state.with(r.in(Phase.FAILED, progress.reason()));
        }
        if (r.phase() == Phase.ROLLING_BACK) {
            if (done) {
                return state.with(r.in(Phase.ROLLED_BACK, r.reason()));
            }
            return state.with(r.in(Phase.FAILED, r.reason() + "; the rollback to " + stableSha + " stopped too: " + progress.reason()));
        }
        return state;
    }
}
