package io.infrakit.group;

import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.instance.Description;

import java.util.List;

/**
 * How a rollout stands: done once every member is there, at the new configuration and available; failed
 * once a new member stays unhealthy for {@code UnhealthySeconds} without a break, or is still not healthy
 * {@code HealthTimeoutSeconds} after the rollout started (or after its health last changed, whichever is
 * later). One unhealthy reading is not a failure: a ZooKeeper member answers "not serving" while its
 * election runs.
 *
 * @param state where the rollout is
 * @param reason why it failed, or {@code null}
 */
record Progress(State state, String reason) {

    /** Where a rollout is, as judged now. */
    enum State {
        /** No rollout is running. */
        NONE,
        /** Members are still being replaced. */
        RUNNING,
        /** Every member is there, at the new configuration and available. */
        DONE,
        /** A new member stayed unhealthy or never became healthy. */
        FAILED
    }

    static final Progress NONE = new Progress(State.NONE, null);
    static final Progress RUNNING = new Progress(State.RUNNING, null);
    static final Progress DONE = new Progress(State.DONE, null);

    static Progress judge(Convergence.Input in, List<Description> members) {
        if (!in.rolling()) {
            return NONE;
        }
        GroupProperties.UpdatePolicy policy = in.properties().update();
        for (Description m : members) {
            if (!Convergence.isAt(m, in.sha())) {
                continue;
            }
            Convergence.Observed o = in.observed(m.id());
            long since = in.nowMillis() - Math.max(o.sinceMillis(), in.rolloutStartedMillis());
            if (o.health() == Health.UNHEALTHY && since >= policy.unhealthySeconds() * 1000L) {
                return new Progress(State.FAILED, "Instance " + m.id() + " stayed unhealthy for " + since / 1000 + " s");
            }
            if (o.health() != Health.HEALTHY && since > policy.healthTimeoutSeconds() * 1000L) {
                return new Progress(State.FAILED, "Instance " + m.id() + " did not become healthy within "
                        + policy.healthTimeoutSeconds() + " s");
            }
        }
        boolean complete = members.size() == in.properties().targetSize()
                && members.stream().allMatch(m -> Convergence.isAt(m, in.sha()) && Convergence.isAvailable(in, m));
        return complete ? DONE : RUNNING;
    }
}
