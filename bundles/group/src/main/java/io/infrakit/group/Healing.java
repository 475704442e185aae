package io.infrakit.group;

import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.instance.Description;

import java.util.List;

/**
 * Replaces a member that stayed unhealthy longer than the grace period: one at a time (none while a
 * replacement is still being created), and only while enough of the others are available, so a broken
 * health check cannot wipe out a group. Members of a configuration whose rollout failed are not healed:
 * replacing them would create the same failing configuration again, in a loop.
 */
final class Healing {

    private Healing() {
    }

    /**
     * Removes at most one member to heal.
     *
     * @param plan the decision so far
     * @param failedConfiguration the declared configuration's rollout failed: its members are not healed
     */
    static void step(Convergence.Plan plan, boolean failedConfiguration) {
        Convergence.Input in = plan.in;
        if (!in.pending().isEmpty()) {
            return;
        }
        int target = in.properties().targetSize();
        List<Description> remaining = plan.remaining();
        long available = remaining.stream().filter(m -> Convergence.isAvailable(in, m)).count();
        if (available < target - Math.max(1, in.properties().update().maxUnavailable())) {
            return;
        }
        for (Description m : remaining) {
            if (failedConfiguration && Convergence.isAt(m, in.sha())) {
                continue;
            }
            Convergence.Observed o = in.observed(m.id());
            long unhealthyFor = in.nowMillis() - o.sinceMillis();
            if (o.health() == Health.UNHEALTHY && unhealthyFor > in.unhealthyGraceMillis()) {
                plan.remove(m, "unhealthy for " + unhealthyFor / 1000 + " s", GroupEvent.Cause.UNHEALTHY);
                return;
            }
        }
    }
}
