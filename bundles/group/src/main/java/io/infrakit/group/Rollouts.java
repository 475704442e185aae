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
        if (r != null && r.phase() == Phase.PAUSED) {
            // a paused group holds the next rollout too: none of its members has the new configuration yet
            return state.with(new Rollout(sha, current, nowMillis, Phase.PAUSED, null, Phase.RUNNING, 0));
        }
        return state.with(new Rollout(sha, current, nowMillis, Phase.RUNNING, null));
    }

    /**
     * The state after a pause: the rollout (or, when none runs, the next one) is held where it is.
     *
     * @param state the state before
     * @param sha the configuration in force
     * @param atTarget how many members have it now, or -1 to let the next cycle count them ({@link #counted})
     * @param nowMillis the time now
     * @return the state after
     * @throws IllegalStateException if the group is already paused
     */
    static GroupState pause(GroupState state, String sha, int atTarget, long nowMillis) {
        Rollout r = state.rollout();
        if (r == null) {
            return state.with(new Rollout(sha, null, nowMillis, Phase.PAUSED, null, Phase.DONE, atTarget));
        }
        if (r.phase() == Phase.PAUSED) {
            throw new IllegalStateException("it is paused already");
        }
        return state.with(r.held(Phase.PAUSED, r.isHeld() ? r.updated() : atTarget));
    }

    /**
     * The state after a stop: the running rollout ends where it is, the members keep their configurations.
     *
     * @param state the state before
     * @param atTarget how many members have the rollout's configuration now
     * @return the state after
     * @throws IllegalStateException if no rollout runs or is paused
     */
    static GroupState stop(GroupState state, int atTarget) {
        Rollout r = state.rollout();
        boolean moving = r != null && (r.phase() == Phase.RUNNING || r.phase() == Phase.ROLLING_BACK
                || (r.phase() == Phase.PAUSED && r.resumeTo() != Phase.DONE));
        if (!moving) {
            throw new IllegalStateException(r != null && r.phase() == Phase.STOPPED ? "its rollout is stopped already" : "no rollout is running");
        }
        return state.with(r.held(Phase.STOPPED, r.isHeld() ? r.updated() : atTarget));
    }

    /**
     * The state once a cycle counted the members a held rollout keeps at its configuration, if it was not
     * counted yet (a pause or stop answers at once; the loop's next listing is the one that counts).
     *
     * @param state the state
     * @param atTarget how many members have the rollout's configuration in this cycle's listing
     * @return the state, the same object when nothing changed
     */
    static GroupState counted(GroupState state, int atTarget) {
        Rollout r = state.rollout();
        if (r == null || !r.isHeld() || r.updated() >= 0) {
            return state;
        }
        return state.with(new Rollout(r.target(), r.from(), r.startedMillis(), r.phase(), r.reason(), r.resumeTo(), atTarget));
    }

    /**
     * The state after a resume: a paused or stopped rollout moves on where it was held.
     *
     * @param state the state before
     * @return the state after
     * @throws IllegalStateException if the group is neither paused nor stopped
     */
    static GroupState resume(GroupState state) {
        Rollout r = state.rollout();
        if (r == null || !r.isHeld()) {
            throw new IllegalStateException("it is neither paused nor stopped");
        }
        return state.with(r.resumed());
    }

    /**
     * How many of the instances to create while a rollout is held get its configuration: as many as it takes
     * to have as many members with it as when it was held; the others get the configuration before it, so a
     * missing member comes back with the configuration it had.
     *
     * @param rollout the rollout, held
     * @param create how many instances are to be created
     * @param atTarget how many members have the rollout's configuration now
     * @return how many of them get it
     */
    static int createdAtTarget(Rollout rollout, int create, int atTarget) {
        if (rollout == null || !rollout.isHeld() || rollout.from() == null || rollout.updated() < 0) {
            return create;
        }
        return Math.max(0, Math.min(create, rollout.updated() - atTarget));
    }

    /**
     * Whether the members should be at the stable configuration rather than the committed one.
     *
     * @param state the state
     * @return {@code true} while rolling back and once rolled back
     */
    static boolean backToStable(GroupState state) {
        Rollout r = state.rollout();
        if (state.stable() == null || r == null) {
            return false;
        }
        Phase p = r.isHeld() ? r.resumeTo() : r.phase();
        return p == Phase.ROLLING_BACK || p == Phase.ROLLED_BACK;
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
