package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.instance.Description;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The scaler (Size) and the quorum's creations (LogicalIDs): what is missing is created, counting the
 * creations not listed yet; a surplus is removed, the worst first (old configuration, then unhealthy, then
 * of unknown health, then by ID). Creations are a count, never a list as long as the deficit.
 */
final class Scaling {

    private Scaling() {
    }

    /**
     * What to create.
     *
     * @param create how many instances without a logical ID
     * @param logicalIDs the logical IDs missing
     */
    record Result(int create, List<String> logicalIDs) {
        static final Result NOTHING = new Result(0, List.of());
    }

    static Result step(Convergence.Plan plan, int surge) {
        Convergence.Input in = plan.in;
        List<Description> remaining = plan.remaining();
        if (in.properties().isQuorum()) {
            Set<String> present = new HashSet<>();
            remaining.forEach(m -> present.add(m.logicalID()));
            present.addAll(in.pending().values());
            List<String> missing = new ArrayList<>();
            for (String id : in.properties().allocation().logicalIDs()) {
                if (!present.contains(id)) {
                    missing.add(id);
                }
            }
            return new Result(0, missing);
        }
        long wanted = (long) in.properties().targetSize() + surge;
        long have = (long) remaining.size() + in.pending().size();
        if (have < wanted) {
            return new Result((int) (wanted - have), List.of());
        }
        if (have > wanted) {
            List<Description> order = new ArrayList<>(remaining);
            order.sort(Comparator.comparingInt((Description m) -> Convergence.rank(in, m)).reversed().thenComparing(Description::id));
            for (int i = 0; i < have - wanted && i < order.size(); i++) {
                plan.remove(order.get(i), "the group is larger than " + wanted, GroupEvent.Cause.SCALE);
            }
        }
        return Result.NOTHING;
    }
}
