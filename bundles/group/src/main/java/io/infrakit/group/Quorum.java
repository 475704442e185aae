package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.instance.Description;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Pets: members outside the declared logical IDs go, and so does a second instance of one logical ID. */
final class Quorum {

    private Quorum() {
    }

    static void dropStrays(Convergence.Plan plan) {
        Set<String> declared = new HashSet<>(plan.in.properties().allocation().logicalIDs());
        Map<String, Description> kept = new HashMap<>();
        for (Description m : plan.members) {
            if (m.logicalID() == null) {
                continue; // not ours to judge: the original ignored them too
            }
            if (!declared.contains(m.logicalID())) {
                plan.remove(m, "logical ID " + m.logicalID() + " is not declared", GroupEvent.Cause.SCALE);
            } else if (kept.containsKey(m.logicalID())) {
                Description other = kept.get(m.logicalID());
                Description worse = Convergence.rank(plan.in, other) <= Convergence.rank(plan.in, m) ? m : other;
                kept.put(m.logicalID(), worse == m ? other : m);
                plan.remove(worse, "a second instance of logical ID " + m.logicalID(), GroupEvent.Cause.SCALE);
            } else {
                kept.put(m.logicalID(), m);
            }
        }
        plan.members.removeIf(m -> m.logicalID() == null || plan.removed.contains(m.id()));
    }
}
