package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.instance.Description;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The health of a group's members over time: each member's health and since when it has had it. The
 * members are checked concurrently, in up to 16 slices run at most the group's parallelism at a time, so a
 * group of thousands is checked in a few calls' time, and a flavor that hangs costs this group a deadline,
 * never another group.
 */
final class HealthChecks {

    private final Map<String, Convergence.Observed> observed = new HashMap<>();

    /**
     * What one health check says: a check that fails or times out proves nothing either way, so it is
     * Unknown, never Unhealthy (a broken health check must not get members replaced).
     *
     * @param check the call
     * @return the health
     */
    static Health judge(PluginCalls.Call<Health> check) {
        try {
            Health h = check.call();
            return h == null ? Health.UNKNOWN : h;
        } catch (PluginException | RuntimeException e) {
            return Health.UNKNOWN;
        }
    }

    /**
     * Checks every member and notes the changes.
     *
     * @param jobs the group's job runner
     * @param calls the plugin calls
     * @param flavor the flavor plugin
     * @param p the properties whose flavor properties are passed
     * @param members the members
     * @param nowMillis the time now
     * @param stop tells to stop checking
     */
    void check(Jobs jobs, PluginCalls calls, FlavorPlugin flavor, GroupProperties p, List<Description> members, long nowMillis,
               BooleanSupplier stop) {
        int n = members.size();
        Health[] results = new Health[n];
        Arrays.fill(results, Health.UNKNOWN);
        int slices = Math.max(1, Math.min(n, 16));
        int per = (n + slices - 1) / Math.max(1, slices);
        jobs.run(n == 0 ? 0 : (n + per - 1) / per, slice -> () -> {
            for (int i = slice * per; i < Math.min(n, (slice + 1) * per) && !stop.getAsBoolean(); i++) {
                Description m = members.get(i);
                results[i] = judge(() -> calls.direct("Healthy of " + m.id(), () -> flavor.healthy(p.flavor().properties(), m)));
            }
            return null;
        }, stop);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            note(members.get(i).id(), results[i], nowMillis);
            ids.add(members.get(i).id());
        }
        observed.keySet().retainAll(ids);
    }

    /** Notes one reading: the time is that of the last change. */
    void note(String id, Health h, long nowMillis) {
        Convergence.Observed before = observed.get(id);
        if (before == null || before.health() != h) {
            observed.put(id, new Convergence.Observed(h, nowMillis));
        }
    }

    Convergence.Observed get(String id) {
        return observed.get(id);
    }
}
