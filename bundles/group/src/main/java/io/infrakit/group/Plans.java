package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.Description;

import java.util.List;

/**
 * The {@code Details} a commit answers with: the plan, in the original's words (clients and scripts match
 * on them).
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
     * @return the plan
     * @throws PluginException if the change is not supported
     */
    static String update(GroupProperties current, GroupProperties next, String currentSha, String nextSha, List<Description> members)
            throws PluginException {
        if (current.isQuorum() != next.isQuorum()) {
            throw new PluginException("Changing a group between Size and LogicalIDs is not supported; free or destroy it first");
        }
        if (next.isQuorum()) {
            if (!current.allocation().logicalIDs().equals(next.allocation().logicalIDs())) {
                throw new PluginException("Logical ID changes to a quorum is not currently supported");
            }
            long undesired = undesired(members, nextSha);
            if (currentSha.equals(nextSha) && undesired == 0) {
                return "Noop";
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
        return "Performing a rolling update on " + rollCount + " instances, then adding " + sizeChange
                + " instances to increase the group size to " + newSize;
    }

    static long undesired(List<Description> members, String sha) {
        return members.stream().filter(m -> m.tags() == null || !sha.equals(m.tags().get(ConfigSha.TAG))).count();
    }
}
