package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Why a cycle creates each of its instances, in words and as a {@link GroupEvent.Cause}. A creation that replaces a
 * member takes the cause that member was removed for:
 * <ul>
 * <li>a quorum's logical ID whose member this decision removed is created for that removal's cause (a rolling
 * update, an unhealthy member), any other missing logical ID because it is {@code missing};</li>
 * <li>while a rollout (or a rollback) replaces members, or when this decision removed members to roll them, every
 * creation is {@code rolling} (a surge creates before it removes);</li>
 * <li>otherwise, as many creations as this decision removed unhealthy members replace them ({@code unhealthy}), and
 * the rest replace lost members or fill a group smaller than its size ({@code missing}).</li>
 * </ul>
 * Worked example: Size 5 with {@code MaxUnavailable} 2, one member lost since the last cycle and one removed as
 * unhealthy by this decision, so 2 creations: the first "replacing i-3, unhealthy" ({@code unhealthy}), the second
 * "replacing i-1, lost" ({@code missing}).
 *
 * <p>A decision creates either logical IDs (a quorum) or instances without one (a Size group), never both; the
 * index of a creation counts within its kind.
 */
final class CreationReasons {

    private final List<String> logicalIDs;
    private final Map<String, Convergence.Removal> byLogicalID = new HashMap<>();
    private final Reason rolling;
    private final Reason unhealthy;
    private final int unhealthyCount;
    private final Reason missing;

    /**
     * The reasons of one decision's creations.
     *
     * @param decision the decision
     * @param lost the members lost since the last cycle
     * @param rollout what a rollout replacing members is doing ({@code rolling update to configuration x}), or
     *     {@code null} when none is
     * @param targetSize the size the group should have
     */
    CreationReasons(Convergence.Decision decision, List<String> lost, String rollout, int targetSize) {
        this.logicalIDs = decision.createLogicalIDs();
        Convergence.Removal rolled = null;
        List<String> sick = new ArrayList<>();
        for (Convergence.Removal r : decision.remove()) {
            if (GroupEvent.Cause.UNHEALTHY.equals(r.cause())) {
                sick.add(r.instance().id());
            }
            if (r.instance().logicalID() != null) {
                byLogicalID.put(r.instance().logicalID(), r); // the last removal of a logical ID is the one its creation replaces
            }
            if (rolled == null && GroupEvent.Cause.ROLLING.equals(r.cause())) {
                rolled = r;
            }
        }
        this.rolling = rollout != null ? new Reason(rollout, GroupEvent.Cause.ROLLING)
                : rolled != null ? new Reason(rolled.reason(), GroupEvent.Cause.ROLLING) : null;
        this.unhealthy = new Reason("replacing " + Events.names(sick) + ", unhealthy", GroupEvent.Cause.UNHEALTHY);
        this.unhealthyCount = sick.size();
        this.missing = new Reason(lost.isEmpty() ? "the group has fewer than " + targetSize + " members"
                : "replacing " + Events.names(lost) + ", lost", GroupEvent.Cause.MISSING);
    }

    /**
     * Why the creation of index {@code i} is made: for a quorum, that of the decision's logical ID {@code i}.
     *
     * @param i the index, from 0 to the number of creations
     * @return the reason
     */
    Reason of(int i) {
        if (!logicalIDs.isEmpty()) {
            String id = logicalIDs.get(i);
            Convergence.Removal replaced = byLogicalID.get(id);
            return new Reason("logical ID " + id + " is missing", replaced == null ? GroupEvent.Cause.MISSING : replaced.cause());
        }
        if (rolling != null) {
            return rolling;
        }
        return i < unhealthyCount ? unhealthy : missing;
    }
}
