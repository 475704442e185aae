package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.instance.Description;

import java.util.List;

/**
 * The {@code Details} a commit answers with: the plan, in the original's words (clients and scripts match
 * on them), saying what the controller will do in the order it does it. One difference: a group that grows
 * and rolls gets its new members first (they are created at the new configuration), then the old ones are
 * replaced, so the plan says so ("Adding ..., then performing a rolling update ..."), where the original said
 * the reverse and did the reverse. A configuration whose rollout failed is not rolled out again by
 * committing it again: the plan says that too.
 */
final class Plans {

    private Plans() {
    }

    /** A new group. */
    static String manage(GroupProperties properties) {
        return "Managing " + properties.targetSize() + " instances";
    }

    /**
     * The plan for changing a managed group.
     *
     * @param current the properties now
     * @param next the committed properties
     * @param currentSha the configuration hash now
     * @param nextSha the committed configuration hash
     * @param members the members now
     * @param state the group's state now
     * @return the plan
     * @throws PluginException if the change is not supported
     */
    static String update(GroupProperties current, GroupProperties next, String currentSha, String nextSha, List<Description> members,
                         GroupState state) throws PluginException {
        GroupState.Rollout r = state.rollout();
        boolean failedBefore = r != null && r.target().equals(nextSha) && r.phase() != GroupState.Phase.RUNNING
                && r.phase() != GroupState.Phase.DONE;
        String plan = plan(current, next, currentSha, nextSha, failedBefore ? List.of() : members);
        if (!failedBefore) {
            return plan;
        }
        return plan + ": the rollout to configuration " + nextSha + " failed (" + r.reason()
                + ") and is not retried; commit a changed configuration to roll again";
    }

    private static String plan(GroupProperties current, GroupProperties next, String currentSha, String nextSha, List<Description> members)
            throws PluginException {
        if (current.isQuorum() != next.isQuorum()) {
            throw new PluginException("Changing a group between Size and LogicalIDs is not supported; free or destroy it first");
        }
        if (next.isQuorum()) {
            if (!current.allocation().logicalIDs().equals(next.allocation().logicalIDs())) {
                throw new PluginException("Logical ID changes to a quorum is not currently supported");
            }
            long undesired = undesired(members, nextSha);
            if (undesired == 0) {
                return currentSha.equals(nextSha) ? "Noop" : "Adjusting the instance configuration, no restarts necessary";
            }
            return "Performing a rolling update on " + next.allocation().logicalIDs().size() + " instances";
        }
        long newSize = next.allocation().size();
        long sizeChange = newSize - current.allocation().size();
        long rollCount = Math.min(undesired(members, nextSha), newSize);
        if (rollCount == 0) {
            if (sizeChange == 0) {
                return currentSha.equals(nextSha) ? "Noop" : "Adjusting the instance configuration, no restarts necessary";
            }
            return sizeChange < 0
                    ? "Terminating " + -sizeChange + " instances to reduce the group size to " + newSize
                    : "Adding " + sizeChange + " instances to increase the group size to " + newSize;
        }
        if (sizeChange == 0) {
            return "Performing a rolling update on " + rollCount + " instances";
        }
        if (sizeChange < 0) {
            // two spaces before "then": the original's text, kept for scripts that match it
            return "Terminating " + -sizeChange + " instances to reduce the group size to " + newSize
                    + ",  then performing a rolling update on " + rollCount + " instances";
        }
        return "Adding " + sizeChange + " instances to increase the group size to " + newSize
                + ", then performing a rolling update on " + rollCount + " instances";
    }

    static long undesired(List<Description> members, String sha) {
        return members.stream().filter(m -> m.tags() == null || !sha.equals(m.tags().get(ConfigSha.TAG))).count();
    }
}
