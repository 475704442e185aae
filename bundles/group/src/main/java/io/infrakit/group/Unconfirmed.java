package io.infrakit.group;

import io.infrakit.spi.instance.Description;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creations not yet confirmed: instances a plugin provisioned that no listing with the group's tag has shown
 * yet. They count as members, so a listing that lags behind (a cloud API) causes no duplicate; and they are
 * bounded by the deficit, so a plugin that drops tags cannot make the group create without end.
 *
 * <p>Whether the plugin's listing lags is learned: while every created instance shows up in the first listing
 * after its creation, the listing is consistent, and a created instance missing from a later listing is
 * looked into at once (a member deleted right after it was created is replaced within one poll); once one
 * shows up late, the listing lags, and a missing instance is looked into only after the listing timeout.
 * Looked into means: found among all of the plugin's instances, it lost its tags (the caller stops
 * creating); not found, it is gone, and the scaler replaces it.
 */
final class Unconfirmed {

    private record Entry(String logicalID, long createdMillis, long cycle, boolean missed) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private boolean consistent;
    private boolean lagSeen;

    /** Notes a creation. */
    synchronized void created(String id, String logicalID, long nowMillis, long cycle) {
        entries.put(id, new Entry(logicalID, nowMillis, cycle, false));
    }

    /** The unconfirmed creations, by ID, with their logical ID ({@code ""} for none). */
    synchronized Map<String, String> byId() {
        Map<String, String> out = new HashMap<>();
        entries.forEach((k, v) -> out.put(k, v.logicalID() == null ? "" : v.logicalID()));
        return out;
    }

    synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    synchronized boolean consistent() {
        return consistent;
    }

    /**
     * Takes a listing into account.
     *
     * @param members the listing with the group's tag
     * @param cycle the cycle the listing was made in
     * @param nowMillis the time now
     * @param timeoutMillis how long a lagging listing may leave a creation out
     * @return the creations to look into: missing from the listing and not to be waited for any longer
     */
    synchronized List<String> listed(List<Description> members, long cycle, long nowMillis, long timeoutMillis) {
        Set<String> listed = new HashSet<>();
        members.forEach(m -> listed.add(m.id()));
        // first what this listing confirms: on time (the listing is consistent) or late (it lags)
        boolean confirmedOnTime = false;
        for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (listed.contains(e.getKey())) {
                it.remove();
                if (e.getValue().missed()) {
                    lagSeen = true;
                } else {
                    confirmedOnTime = true;
                }
            }
        }
        consistent = !lagSeen && (consistent || confirmedOnTime);
        // then what it leaves out, of the creations made before it
        List<String> overdue = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            if (entry.cycle() >= cycle) {
                continue;
            }
            if (!entry.missed()) {
                e.setValue(new Entry(entry.logicalID(), entry.createdMillis(), entry.cycle(), true));
            }
            if (consistent || nowMillis - entry.createdMillis() > timeoutMillis) {
                overdue.add(e.getKey());
            }
        }
        return overdue;
    }

    /** Forgets creations that were looked into. */
    synchronized void forget(List<String> ids) {
        ids.forEach(entries::remove);
    }
}
