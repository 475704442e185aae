package io.infrakit.group;

import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.instance.Description;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One decision of the convergence loop, free of I/O: given the members a group has, their health and
 * the declaration, which instances to remove and which to create. The scaler (Size) and the quorum
 * (LogicalIDs), the rolling update and the healing of unhealthy members all live here, so every rule can
 * be tested with plain values.
 */
final class Convergence {

    private Convergence() {
    }

    /** How long an instance has been in its current health. */
    record Observed(Health health, long sinceMillis) {
    }

    /** A rolling update in progress towards a configuration. */
    record Update(String targetSha, long startedMillis) {
    }

    /**
     * What the loop knows.
     *
     * @param properties the declaration
     * @param sha its configuration hash
     * @param members the group's instances, as listed by the instance plugin
     * @param health the health of each member, by ID
     * @param pending instances provisioned but not listed yet, by ID, with their logical ID ({@code ""} for none)
     * @param update the rolling update in progress, or {@code null}
     * @param nowMillis the time now
     * @param unhealthyGraceMillis how long a member may stay unhealthy before it is replaced
     */
    record Input(GroupProperties properties, String sha, List<Description> members, Function<String, Observed> health,
                 Map<String, String> pending, Update update, long nowMillis, long unhealthyGraceMillis) {
    }

    /**
     * An instance to remove, and why.
     *
     * @param instance the instance
     * @param reason a few words for the log
     */
    record Removal(Description instance, String reason) {
    }

    /**
     * What to do.
     *
     * @param remove instances to drain and destroy
     * @param create logical IDs of the instances to create ({@code null} for cattle)
     * @param updateDone the rolling update has nothing left to replace
     * @param updateStopped why the rolling update must stop, or {@code null}
     * @param converged members match the declaration in number and configuration (an update in progress is the caller's to add)
     */
    record Decision(List<Removal> remove, List<String> create, boolean updateDone, String updateStopped, boolean converged) {
    }

    static Decision decide(Input in) {
        GroupProperties p = in.properties();
        GroupProperties.UpdatePolicy policy = p.update();
        List<Removal> remove = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        List<Description> members = new ArrayList<>(in.members());
        members.sort(Comparator.comparing(Description::id));

        // pets: members outside the declared logical IDs go, and so do second instances of one logical ID
        if (p.isQuorum()) {
            Set<String> declared = new HashSet<>(p.allocation().logicalIDs());
            Map<String, Description> kept = new HashMap<>();
            for (Description m : members) {
                if (m.logicalID() == null) {
                    continue; // not ours to judge: the original ignored them too
                }
                if (!declared.contains(m.logicalID())) {
                    remove(remove, removed, m, "logical ID " + m.logicalID() + " is not declared");
                } else if (kept.containsKey(m.logicalID())) {
                    Description other = kept.get(m.logicalID());
                    Description worse = rank(in, other) <= rank(in, m) ? m : other;
                    kept.put(m.logicalID(), worse == m ? other : m);
                    remove(remove, removed, worse, "a second instance of logical ID " + m.logicalID());
                } else {
                    kept.put(m.logicalID(), m);
                }
            }
            members.removeIf(m -> m.logicalID() == null || removed.contains(m.id()));
        }

        int target = p.targetSize();
        List<Description> undesired = members.stream().filter(m -> !isAt(m, in.sha())).toList();
        boolean updateDone = false;
        String updateStopped = null;
        int surge = 0;

        if (in.update() != null) {
            if (undesired.isEmpty()) {
                updateDone = true;
            } else {
                for (Description m : members) {
                    if (!isAt(m, in.sha())) {
                        continue;
                    }
                    Observed o = in.health().apply(m.id());
                    if (o.health() == Health.UNHEALTHY) {
                        updateStopped = "Instance " + m.id() + " is unhealthy";
                        break;
                    }
                    long waited = in.nowMillis() - Math.max(o.sinceMillis(), in.update().startedMillis());
                    if (o.health() != Health.HEALTHY && waited > policy.healthTimeoutSeconds() * 1000L) {
                        updateStopped = "Instance " + m.id() + " did not become healthy within " + policy.healthTimeoutSeconds() + " s";
                        break;
                    }
                }
                if (updateStopped == null) {
                    surge = p.isQuorum() ? 0 : Math.min(policy.maxSurge(), undesired.size());
                    // replacements in flight: new instances not available yet, and creations not listed yet
                    long inFlight = in.pending().size() + members.stream().filter(m -> isAt(m, in.sha()) && !isAvailable(in, m)).count();
                    long available = members.stream().filter(m -> isAvailable(in, m)).count();
                    long inFlightBudget = policy.maxUnavailable() + surge - inFlight;
                    long availabilityBudget = available - (target - policy.maxUnavailable());
                    List<Description> order = new ArrayList<>(undesired);
                    order.sort(Comparator.comparing((Description m) -> isAvailable(in, m)).thenComparing(Description::id));
                    for (Description m : order) {
                        boolean takesAvailability = isAvailable(in, m);
                        if (inFlightBudget <= 0 || (takesAvailability && availabilityBudget <= 0)) {
                            break;
                        }
                        inFlightBudget--;
                        if (takesAvailability) {
                            availabilityBudget--;
                        }
                        remove(remove, removed, m, "rolling update to " + in.sha());
                    }
                }
            }
        }

        // healing: a member unhealthy for longer than the grace period is replaced, one at a time and only
        // while enough of the others are available, so a broken health check cannot wipe out a group
        if (in.update() == null || updateStopped != null || updateDone) {
            int available = (int) members.stream().filter(m -> !removed.contains(m.id()) && isAvailable(in, m)).count();
            for (Description m : members) {
                Observed o = in.health().apply(m.id());
                if (!removed.contains(m.id()) && o.health() == Health.UNHEALTHY
                        && in.nowMillis() - o.sinceMillis() > in.unhealthyGraceMillis()
                        && available >= target - Math.max(1, policy.maxUnavailable())) {
                    remove(remove, removed, m, "unhealthy for " + (in.nowMillis() - o.sinceMillis()) / 1000 + " s");
                    break;
                }
            }
        }

        List<Description> remaining = members.stream().filter(m -> !removed.contains(m.id())).toList();
        List<String> create = new ArrayList<>();
        if (p.isQuorum()) {
            Set<String> present = new LinkedHashSet<>();
            remaining.forEach(m -> present.add(m.logicalID()));
            present.addAll(in.pending().values());
            for (String id : p.allocation().logicalIDs()) {
                if (!present.contains(id)) {
                    create.add(id);
                }
            }
        } else {
            int wanted = target + (updateDone || updateStopped != null ? 0 : surge);
            int have = remaining.size() + in.pending().size();
            if (have < wanted) {
                for (int i = have; i < wanted; i++) {
                    create.add(null);
                }
            } else if (have > wanted) {
                // surplus: configurations we no longer want first, then the least healthy, then the smallest IDs
                List<Description> order = new ArrayList<>(remaining);
                order.sort(Comparator.comparingInt((Description m) -> rank(in, m)).reversed().thenComparing(Description::id));
                for (int i = 0; i < have - wanted && i < order.size(); i++) {
                    remove(remove, removed, order.get(i), "the group is larger than " + wanted);
                }
            }
        }

        boolean converged = remove.isEmpty() && create.isEmpty() && in.pending().isEmpty()
                && members.stream().allMatch(m -> isAt(m, in.sha()))
                && members.size() == target
                && (!p.isQuorum() || in.members().stream().allMatch(m -> m.logicalID() != null));
        return new Decision(remove, create, updateDone, updateStopped, converged);
    }

    private static void remove(List<Removal> remove, Set<String> removed, Description m, String reason) {
        if (removed.add(m.id())) {
            remove.add(new Removal(m, reason));
        }
    }

    static boolean isAt(Description m, String sha) {
        return m.tags() != null && sha.equals(m.tags().get(ConfigSha.TAG));
    }

    /** Available: healthy, and for new instances healthy for the minimum time. */
    private static boolean isAvailable(Input in, Description m) {
        Observed o = in.health().apply(m.id());
        if (o.health() != Health.HEALTHY) {
            return false;
        }
        return !isAt(m, in.sha()) || in.update() == null
                || in.nowMillis() - o.sinceMillis() >= in.properties().update().minHealthySeconds() * 1000L;
    }

    /** Higher is worse: an old configuration, then unhealthy, then unknown health. */
    private static int rank(Input in, Description m) {
        Health h = in.health().apply(m.id()).health();
        return (isAt(m, in.sha()) ? 0 : 4) + (h == Health.UNHEALTHY ? 2 : h == Health.UNKNOWN ? 1 : 0);
    }
}
