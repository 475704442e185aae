package io.infrakit.web;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.manager.LeaderStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code GET /health}, for systemd, load balancers and container orchestrators: {@code 200} when this node does its
 * job, {@code 503} when it does not, with each check and why in JSON. A node whose manager follows another's lead
 * is healthy ({@code standby}): its job is to be ready. A leading node (or one without a manager) is healthy when
 * the manager knows the leader, every stored group is run by a controller, no group waits for a missing plugin, and
 * every group's loop has ended a cycle recently.
 */
final class Health {

    /**
     * The answer's body.
     *
     * @param status {@code ok}, {@code standby} or {@code failing}
     * @param checks each check
     */
    record Report(String status, List<Check> checks) {
    }

    /**
     * One check.
     *
     * @param name what is checked: {@code manager}, {@code groups}, {@code plugins}, {@code loops}
     * @param ok whether it passed
     * @param detail what was found
     */
    record Check(String name, boolean ok, String detail) {
    }

    private final Groups groups;
    private final Metrics metrics;
    private final LongSupplier clock;
    private final long staleNanos;
    private final long started;

    /**
     * @param groups the groups
     * @param metrics where the loops' last cycles are known
     * @param clock {@link System#nanoTime()}, or a test's
     * @param staleSeconds how long a group's loop may go without ending a cycle
     */
    Health(Groups groups, Metrics metrics, LongSupplier clock, long staleSeconds) {
        this.groups = groups;
        this.metrics = metrics;
        this.clock = clock;
        this.staleNanos = TimeUnit.SECONDS.toNanos(staleSeconds);
        this.started = clock.getAsLong();
    }

    Answer answer(JsonCodec codec) {
        Report report = report();
        return Answer.json(codec, "failing".equals(report.status()) ? 503 : 200, report);
    }

    Report report() {
        List<Check> checks = new ArrayList<>();
        LeaderStatus leader;
        try {
            leader = groups.leadership();
        } catch (PluginException | RuntimeException e) {
            checks.add(new Check("manager", false, "the manager " + groups.plugin() + " cannot be reached: " + e.getMessage()));
            return new Report("failing", checks);
        }
        if (leader == null) {
            checks.add(new Check("manager", true, "no manager: " + groups.plugin() + " runs the groups without leadership"));
        } else if (leader.role() == LeaderStatus.Role.FOLLOWER) {
            checks.add(new Check("manager", true, "follower; the leader is " + (leader.leader() == null ? "not named" : leader.leader())));
            return new Report("standby", checks);
        } else if (leader.role() == LeaderStatus.Role.UNKNOWN) {
            checks.add(new Check("manager", false, "the leader is not known: " + leader.detail()));
            return new Report("failing", checks);
        } else {
            checks.add(new Check("manager", true, "leader"));
        }
        List<GroupStatus> statuses;
        try {
            statuses = groups.statuses();
        } catch (PluginException | RuntimeException e) {
            checks.add(new Check("groups", false, "the groups cannot be read: " + e.getMessage()));
            return new Report("failing", checks);
        }
        checks.add(groupsCheck(statuses));
        checks.add(pluginsCheck(statuses));
        checks.add(loopsCheck(statuses));
        return new Report(checks.stream().allMatch(Check::ok) ? "ok" : "failing", checks);
    }

    private static Check groupsCheck(List<GroupStatus> statuses) {
        List<String> unmanaged = statuses.stream().filter(s -> GroupDescription.Status.ERROR.equals(s.status()) && s.current() == 0 && s.desired() == 0)
                .map(s -> s.id() + (s.error() == null ? "" : " (" + s.error() + ")")).toList();
        return unmanaged.isEmpty()
                ? new Check("groups", true, statuses.size() + (statuses.size() == 1 ? " group" : " groups") + " managed")
                : new Check("groups", false, "not managed: " + String.join("; ", unmanaged));
    }

    private static Check pluginsCheck(List<GroupStatus> statuses) {
        List<String> waiting = statuses.stream().filter(s -> GroupDescription.Status.WAITING_FOR_PLUGIN.equals(s.status()))
                .map(s -> s.id() + (s.error() == null ? "" : " (" + s.error() + ")")).toList();
        return waiting.isEmpty()
                ? new Check("plugins", true, "every group's plugins answer")
                : new Check("plugins", false, "waiting for a plugin: " + String.join("; ", waiting));
    }

    private Check loopsCheck(List<GroupStatus> statuses) {
        long now = clock.getAsLong();
        List<String> stale = new ArrayList<>();
        for (GroupStatus s : statuses) {
            if (GroupDescription.Status.STARTING.equals(s.status()) || GroupDescription.Status.ERROR.equals(s.status())) {
                continue; // not run (yet): the groups check tells
            }
            Long last = metrics.lastCycle(s.id());
            long since = now - (last == null ? started : last);
            if (since > staleNanos) {
                stale.add(s.id() + " (no cycle for " + TimeUnit.NANOSECONDS.toSeconds(since) + " s)");
            }
        }
        return stale.isEmpty()
                ? new Check("loops", true, "every group's loop ended a cycle in the last " + TimeUnit.NANOSECONDS.toSeconds(staleNanos) + " s")
                : new Check("loops", false, "stalled: " + String.join("; ", stale));
    }
}
