package io.infrakit.group;

import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.instance.Description;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One decision of a group's loop, free of I/O: given the members a group has, their health, the
 * declaration and the rollout, which instances to remove and how many to create. The steps, each a small
 * class of its own: drop the members a quorum does not declare ({@link Quorum}); judge the rollout
 * ({@link Progress}); replace old members if the budget allows ({@link RollingUpdate}), else heal an
 * unhealthy one ({@link Healing}); then create what is missing or remove the surplus ({@link Scaling}).
 */
final class Convergence {

    private Convergence() {
    }

    /** How long an instance has been in its current health. */
    record Observed(Health health, long sinceMillis) {
    }

    /**
     * What the loop knows.
     *
     * @param properties the declaration in force (a rollback's: the stable configuration)
     * @param sha its configuration hash: the configuration every member should have
     * @param members the group's instances, as listed by the instance plugin
     * @param health the health of each member, by ID
     * @param pending instances provisioned but not listed yet, by ID, with their logical ID ({@code ""} for none)
     * @param phase the phase of the rollout towards {@code sha}, or {@code null} if none is known
     * @param rolloutStartedMillis when that rollout (or its rollback) started
     * @param nowMillis the time now
     * @param unhealthyGraceMillis how long a member may stay unhealthy before it is healed
     */
    record Input(GroupProperties properties, String sha, List<Description> members, Function<String, Observed> health,
                 Map<String, String> pending, GroupState.Phase phase, long rolloutStartedMillis, long nowMillis,
                 long unhealthyGraceMillis) {

        /** The health of a member; one never judged is unknown since now. */
        Observed observed(String id) {
            Observed o = health.apply(id);
            return o == null ? new Observed(Health.UNKNOWN, nowMillis) : o;
        }

        /** A rollout is moving members to {@link #sha}. */
        boolean rolling() {
            return phase == GroupState.Phase.RUNNING || phase == GroupState.Phase.ROLLING_BACK;
        }

        /**
         * {@link #sha} is a configuration whose members are not healed: its rollout failed (replacing them would
         * create the failing configuration again, in a loop), or is held (paused or stopped: its verdict is
         * pending, and replacing its unhealthy members would churn until it is resumed).
         */
        boolean failedConfiguration() {
            return phase == GroupState.Phase.FAILED || phase == GroupState.Phase.PAUSED || phase == GroupState.Phase.STOPPED;
        }
    }

    /**
     * An instance to remove, and why.
     *
     * @param instance the instance
     * @param reason a few words for the log and the events
     * @param cause the same in one word, for metrics ({@link GroupEvent.Cause})
     */
    record Removal(Description instance, String reason, String cause) {
    }

    /**
     * What to do.
     *
     * @param remove instances to drain and destroy
     * @param create how many instances without a logical ID to create
     * @param createLogicalIDs the logical IDs to create an instance for
     * @param progress how the rollout stands
     * @param converged members match the declaration in number and configuration, no rollout runs, and nothing is to be done
     */
    record Decision(List<Removal> remove, int create, List<String> createLogicalIDs, Progress progress, boolean converged) {
    }

    /** The working state of one decision: the members still counted, and the removals so far. */
    static final class Plan {
        final Input in;
        final List<Description> members;
        final List<Removal> remove = new ArrayList<>();
        final Set<String> removed = new HashSet<>();

        Plan(Input in) {
            this.in = in;
            this.members = new ArrayList<>(in.members());
            this.members.sort(Comparator.comparing(Description::id));
        }

        void remove(Description m, String reason, String cause) {
            if (removed.add(m.id())) {
                remove.add(new Removal(m, reason, cause));
            }
        }

        /** The members not removed by this decision. */
        List<Description> remaining() {
            return members.stream().filter(m -> !removed.contains(m.id())).toList();
        }

        /** Members not at the declared configuration and not removed yet. */
        List<Description> undesired() {
            return members.stream().filter(m -> !removed.contains(m.id()) && !isAt(m, in.sha())).toList();
        }
    }

    static Decision decide(Input in) {
        Plan plan = new Plan(in);
        if (in.properties().isQuorum()) {
            Quorum.dropStrays(plan);
        }
        Progress progress = Progress.judge(in, plan.members);
        int surge = 0;
        if (progress.state() == Progress.State.RUNNING) {
            surge = RollingUpdate.step(plan);
        } else {
            // the decision that fails a rollout already leaves its members alone, as later ones do
            Healing.step(plan, in.failedConfiguration() || progress.state() == Progress.State.FAILED);
        }
        Scaling.Result scaled = Scaling.step(plan, surge);
        boolean converged = plan.remove.isEmpty() && scaled.create() == 0 && scaled.logicalIDs().isEmpty() && in.pending().isEmpty()
                && progress.state() != Progress.State.RUNNING
                && in.members().size() == in.properties().targetSize()
                && in.members().stream().allMatch(m -> (isAt(m, in.sha()) || in.phase() == GroupState.Phase.STOPPED)
                        && (!in.properties().isQuorum() || m.logicalID() != null));
        return new Decision(plan.remove, scaled.create(), scaled.logicalIDs(), progress, converged);
    }

    static boolean isAt(Description m, String sha) {
        return m.tags() != null && sha.equals(m.tags().get(ConfigSha.TAG));
    }

    /**
     * Available: healthy, and a member of the configuration being rolled out healthy for at least
     * {@code MinHealthySeconds}, so the roll only moves on once new members have proved themselves.
     */
    static boolean isAvailable(Input in, Description m) {
        Observed o = in.observed(m.id());
        if (o.health() != Health.HEALTHY) {
            return false;
        }
        return !in.rolling() || !isAt(m, in.sha())
                || in.nowMillis() - o.sinceMillis() >= in.properties().update().minHealthySeconds() * 1000L;
    }

    /** Higher is worse: an old configuration, then unhealthy, then unknown health. */
    static int rank(Input in, Description m) {
        Health h = in.observed(m.id()).health();
        return (isAt(m, in.sha()) ? 0 : 4) + (h == Health.UNHEALTHY ? 2 : h == Health.UNKNOWN ? 1 : 0);
    }
}
