package io.infrakit.web;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.manager.LeaderStatus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The gauges of every group and of the manager, read at each scrape from the status the controller already keeps
 * ({@code GroupControl.Status}: no plugin is called), so they can never disagree with {@code infrakit group ls}.
 */
final class GroupGauges implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(GroupGauges.class);

    /** The states of a rollout, as the {@code state} label of {@code infrakit_group_rollout_state}. */
    static final List<String> ROLLOUT_STATES = List.of("none", "rolling", "paused", "stopped", "failed", "rolling_back", "rolled_back");

    /** A gauge with one value per group. */
    private record PerGroup(String name, String help, ToDoubleFunction<GroupStatus> value) {
    }

    private static final List<PerGroup> PER_GROUP = List.of(
            new PerGroup("infrakit_group_desired_instances", "How many members the group should have.", GroupStatus::desired),
            new PerGroup("infrakit_group_instances", "How many members the group has (listed by its instance plugin).", GroupStatus::current),
            new PerGroup("infrakit_group_healthy_instances", "Members that the flavor reports healthy.", s -> health(s, "Healthy", s.ready())),
            new PerGroup("infrakit_group_unhealthy_instances", "Members that the flavor reports unhealthy.", s -> health(s, "Unhealthy", 0)),
            new PerGroup("infrakit_group_unknown_health_instances", "Members whose health is not known yet.",
                    s -> health(s, "Unknown", Math.max(0, s.current() - s.ready()))),
            new PerGroup("infrakit_group_up_to_date_instances", "Members at the configuration in force.", GroupStatus::upToDate),
            new PerGroup("infrakit_group_converged", "1 when the group is converged, else 0.",
                    s -> GroupDescription.Status.CONVERGED.equals(s.status()) ? 1 : 0),
            new PerGroup("infrakit_group_revision", "The revision in force (0 when not known).", GroupStatus::revision),
            new PerGroup("infrakit_group_rollout_instances_left", "Members a rollout still has to replace (0 when none runs).",
                    s -> "none".equals(rolloutState(s.status())) ? 0 : Math.max(0, s.desired() - s.upToDate())));

    private final Groups groups;

    GroupGauges(Groups groups) {
        this.groups = groups;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        List<GroupStatus> statuses = readGroups();
        out.add(gauge("infrakit_groups_readable", "1 when the groups' status could be read at this scrape, else 0.",
                List.of(point(Labels.EMPTY, statuses == null ? 0 : 1))));
        if (statuses != null) {
            out.addAll(groupGauges(statuses));
        }
        out.addAll(managerGauges());
        return new MetricSnapshots(out);
    }

    private List<GroupStatus> readGroups() {
        try {
            List<GroupStatus> list = groups.statuses();
            List<GroupStatus> full = new ArrayList<>(list.size());
            for (GroupStatus s : list) {
                try {
                    full.add(groups.status(s.id()));
                } catch (PluginException e) {
                    full.add(s); // gone between the two calls, or not run here: its members are not known
                }
            }
            return full;
        } catch (PluginException | RuntimeException e) {
            LOG.debug("Cannot read the groups for the metrics: {}", e.toString());
            return null;
        }
    }

    private static List<MetricSnapshot> groupGauges(List<GroupStatus> statuses) {
        List<MetricSnapshot> out = new ArrayList<>();
        for (PerGroup g : PER_GROUP) {
            List<GaugeDataPointSnapshot> points = new ArrayList<>();
            for (GroupStatus s : statuses) {
                points.add(point(Labels.of("group", s.id()), g.value().applyAsDouble(s)));
            }
            out.add(gauge(g.name(), g.help(), points));
        }
        List<GaugeDataPointSnapshot> states = new ArrayList<>();
        List<GaugeDataPointSnapshot> words = new ArrayList<>();
        for (GroupStatus s : statuses) {
            String now = rolloutState(s.status());
            for (String state : ROLLOUT_STATES) {
                states.add(point(Labels.of("group", s.id(), "state", state), state.equals(now) ? 1 : 0));
            }
            words.add(point(Labels.of("group", s.id(), "status", String.valueOf(s.status())), 1));
        }
        out.add(gauge("infrakit_group_rollout_state", "The state of the group's rollout: 1 for the current state, 0 for the others.", states));
        out.add(gauge("infrakit_group_status", "The group's status word (Converged, Converging, Rolling, Paused, Failed...), as the label of a 1.", words));
        return out;
    }

    private List<MetricSnapshot> managerGauges() {
        LeaderStatus leader;
        try {
            leader = groups.leadership();
        } catch (PluginException | RuntimeException e) {
            leader = LeaderStatus.unknown(e.getMessage());
        }
        if (leader == null) {
            return List.of(); // no manager: nothing is led
        }
        return List.of(
                gauge("infrakit_manager_leader", "1 when this node's manager leads (runs the groups), else 0.",
                        List.of(point(Labels.EMPTY, leader.isLeader() ? 1 : 0))),
                gauge("infrakit_manager_leadership_known", "1 when the manager can tell whether it leads, 0 when its backend cannot tell.",
                        List.of(point(Labels.EMPTY, leader.role() == LeaderStatus.Role.UNKNOWN ? 0 : 1))));
    }

    /** The members of that health, when listed; else what the status tells. */
    private static double health(GroupStatus s, String health, int otherwise) {
        if (s.members() == null) {
            return otherwise;
        }
        return s.members().stream().filter(m -> health.equals(m.health())).count();
    }

    /** A status word as a rollout state. */
    static String rolloutState(String status) {
        if (status == null) {
            return "none";
        }
        return switch (status) {
            case GroupDescription.Status.ROLLING -> "rolling";
            case GroupDescription.Status.PAUSED -> "paused";
            case GroupDescription.Status.STOPPED -> "stopped";
            case GroupDescription.Status.FAILED -> "failed";
            case GroupDescription.Status.ROLLING_BACK -> "rolling_back";
            case GroupDescription.Status.ROLLED_BACK -> "rolled_back";
            default -> "none";
        };
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }
}
