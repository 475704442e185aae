package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.instance.Description;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One step of a rolling update: which members of an old configuration go now, and how many extra
 * instances may exist meanwhile. The arithmetic follows Kubernetes' rolling.go.
 *
 * <p>Worked example: Size 10, {@code MaxUnavailable} 2, {@code MaxSurge} 3, ten healthy old members.
 * <ul>
 * <li>Surge: while old members remain, up to 3 instances beyond 10 may exist, so at most 13 in all.</li>
 * <li>In-flight budget: replacements under way (creations not listed yet, new members not yet available)
 * may number {@code MaxUnavailable + surge} = 5. None are under way, so 5 members could be taken.</li>
 * <li>Availability budget: at least {@code Size - MaxUnavailable} = 8 members must stay available; 10 are,
 * so 2 may be taken.</li>
 * </ul>
 * So 2 old members go now and, with 8 old members left to replace, the surge stays 3: the scaler creates
 * 13 - 8 = 5 new ones. Next steps take old members as the new ones become available. Once fewer old members
 * remain than {@code MaxSurge}, the surge shrinks with them, so the roll ends at 10 without creating
 * instances only to remove them: a roll of N members provisions N and destroys N.
 */
final class RollingUpdate {

    private RollingUpdate() {
    }

    /**
     * Removes the old members the budgets allow.
     *
     * @param plan the decision so far
     * @return how many instances beyond the size may exist after this step
     */
    static int step(Convergence.Plan plan) {
        Convergence.Input in = plan.in;
        GroupProperties.UpdatePolicy policy = in.properties().update();
        int target = in.properties().targetSize();
        List<Description> undesired = plan.undesired();
        int maxSurge = in.properties().isQuorum() ? 0 : policy.maxSurge();
        int surge = Math.min(maxSurge, undesired.size());
        List<Description> remaining = plan.remaining();
        long inFlight = in.pending().size()
                + remaining.stream().filter(m -> Convergence.isAt(m, in.sha()) && !Convergence.isAvailable(in, m)).count();
        long available = remaining.stream().filter(m -> Convergence.isAvailable(in, m)).count();
        long inFlightBudget = policy.maxUnavailable() + surge - inFlight;
        long availabilityBudget = available - (target - policy.maxUnavailable());
        // members that are not available cost no availability: take them first
        List<Description> order = new ArrayList<>(undesired);
        order.sort(Comparator.comparing((Description m) -> Convergence.isAvailable(in, m)).thenComparing(Description::id));
        int taken = 0;
        for (Description m : order) {
            boolean takesAvailability = Convergence.isAvailable(in, m);
            if (inFlightBudget <= 0 || takesAvailability && availabilityBudget <= 0) {
                break;
            }
            inFlightBudget--;
            if (takesAvailability) {
                availabilityBudget--;
            }
            plan.remove(m, "rolling update to " + in.sha(), GroupEvent.Cause.ROLLING);
            taken++;
        }
        return Math.min(maxSurge, undesired.size() - taken);
    }
}
