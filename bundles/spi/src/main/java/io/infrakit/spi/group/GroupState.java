package io.infrakit.spi.group;

import java.util.Objects;

/**
 * What a group controller must remember about a group beyond its declaration, so that a restart or a new
 * leader carries on where it stopped: the rollout towards the declared configuration (running, failed,
 * rolled back), the last configuration that completed (the target of a rollback), and a destroy in
 * progress. Kept by a {@link GroupStates} service (the manager keeps it in its store beside the spec).
 *
 * @param rollout the latest rollout, or {@code null} if there has been none
 * @param stable the last declaration whose configuration every member reached, or {@code null}
 * @param destroying {@code true} once the group is to be destroyed: only a listing with no member ends it
 */
public record GroupState(Rollout rollout, GroupSpec stable, boolean destroying) {

    /** No rollout, nothing stable yet, not destroying. */
    public static final GroupState NONE = new GroupState(null, null, false);

    /**
     * A rollout: the move of a group's members to one configuration.
     *
     * @param target the configuration hash ({@code infrakit.config_sha}) the members move to
     * @param from the configuration hash before it, or {@code null}
     * @param startedMillis when it started (milliseconds since the epoch)
     * @param phase where it is
     * @param reason why it failed or was rolled back, or {@code null}
     * @param resumeTo while paused or stopped, the phase it moves on in once resumed, else {@code null}
     * @param updated while paused or stopped, how many members had the target configuration when it was held
     */
    public record Rollout(String target, String from, long startedMillis, Phase phase, String reason, Phase resumeTo, int updated) {

        /**
         * Checks the rollout.
         *
         * @throws NullPointerException if the target or the phase is missing
         */
        public Rollout {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(phase, "phase");
        }

        /**
         * A rollout that is not paused or stopped.
         *
         * @param target the configuration the members move to
         * @param from the configuration before it, or {@code null}
         * @param startedMillis when it started
         * @param phase where it is
         * @param reason why it failed or was rolled back, or {@code null}
         */
        public Rollout(String target, String from, long startedMillis, Phase phase, String reason) {
            this(target, from, startedMillis, phase, reason, null, 0);
        }

        /**
         * The same rollout in another phase.
         *
         * @param next the phase
         * @param why the reason, or {@code null}
         * @return the rollout
         */
        public Rollout in(Phase next, String why) {
            return new Rollout(target, from, startedMillis, next, why, resumeTo, updated);
        }

        /**
         * The same rollout held ({@link Phase#PAUSED} or {@link Phase#STOPPED}).
         *
         * @param hold the phase it is held in
         * @param atTarget how many members had the target configuration then (kept while it is held)
         * @return the rollout
         */
        public Rollout held(Phase hold, int atTarget) {
            Phase back = phase == Phase.PAUSED || phase == Phase.STOPPED ? resumeTo : phase;
            return new Rollout(target, from, startedMillis, hold, reason, back, atTarget);
        }

        /**
         * The same rollout moving again, in the phase it was held in.
         *
         * @return the rollout
         */
        public Rollout resumed() {
            return new Rollout(target, from, startedMillis, resumeTo == null ? Phase.RUNNING : resumeTo, reason, null, 0);
        }

        /**
         * Whether it is paused or stopped.
         *
         * @return {@code true} if held
         */
        public boolean isHeld() {
            return phase == Phase.PAUSED || phase == Phase.STOPPED;
        }
    }

    /** Where a rollout is. */
    public enum Phase {
        /** Members are being replaced. */
        RUNNING,
        /** Every member has the target configuration. */
        DONE,
        /** It stopped: a new member stayed unhealthy or never became healthy. Nothing more of it is created in a loop. */
        FAILED,
        /** It failed and the members move back to the stable configuration. */
        ROLLING_BACK,
        /** It failed and every member is back at the stable configuration. */
        ROLLED_BACK,
        /** It is held where it is: no member is replaced until it is resumed. */
        PAUSED,
        /** It was ended where it was: the members keep their configurations. */
        STOPPED
    }

    /**
     * The state with another rollout.
     *
     * @param next the rollout
     * @return the state
     */
    public GroupState with(Rollout next) {
        return new GroupState(next, stable, destroying);
    }

    /**
     * The state with another stable declaration.
     *
     * @param next the declaration every member reached
     * @return the state
     */
    public GroupState withStable(GroupSpec next) {
        return new GroupState(rollout, next, destroying);
    }

    /**
     * The state of a group to destroy.
     *
     * @return the state
     */
    public GroupState toDestroy() {
        return new GroupState(rollout, stable, true);
    }
}
