package io.infrakit.web;

import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.observe.ControllerObserver;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The product's metrics in Prometheus' model: counters and histograms fed by what the controller reports (its
 * events and {@link ControllerObserver}), gauges read from the groups' status at each scrape ({@link GroupGauges}),
 * and the JVM's basics. Names follow Prometheus' conventions: the {@code infrakit_} prefix, {@code _total} for
 * counters, seconds.
 */
final class Metrics implements ControllerObserver {

    /** Plugin calls: from a local call in microseconds to a remote call that times out. */
    private static final double[] CALL_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** A group's cycle: a few milliseconds for a small group, seconds for ten thousand members. */
    private static final double[] CYCLE_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final LongSupplier clock;
    private final Map<String, Long> lastCycle = new ConcurrentHashMap<>();

    private final Counter created;
    private final Counter destroyed;
    private final Counter lost;
    private final Histogram pluginCalls;
    private final Histogram cycles;
    private final Counter cycleErrors;
    private final Counter storeErrors;

    /**
     * @param groups where the gauges read the groups' status
     * @param clock {@link System#nanoTime()}, or a test's
     */
    Metrics(Groups groups, LongSupplier clock) {
        this.clock = clock;
        created = Counter.builder().name("infrakit_instances_created_total")
                .help("Instances the controller created, by group and cause (missing, unhealthy, rolling).")
                .labelNames("group", "cause").register(registry);
        destroyed = Counter.builder().name("infrakit_instances_destroyed_total")
                .help("Instances the controller destroyed, by group and cause (unhealthy, rolling, scale, destroy).")
                .labelNames("group", "cause").register(registry);
        lost = Counter.builder().name("infrakit_instances_lost_total")
                .help("Members that disappeared without the controller destroying them, by group.")
                .labelNames("group").register(registry);
        pluginCalls = Histogram.builder().name("infrakit_plugin_call_duration_seconds")
                .help("Calls into plugins by plugin, method (as on the wire) and outcome (ok, error); _count counts the calls.")
                .unit(Unit.SECONDS).labelNames("plugin", "method", "outcome")
                .classicOnly().classicUpperBounds(CALL_BOUNDS).register(registry);
        cycles = Histogram.builder().name("infrakit_group_cycle_duration_seconds")
                .help("How long one cycle of a group's controller took (describe, decide, act).")
                .unit(Unit.SECONDS).labelNames("group")
                .classicOnly().classicUpperBounds(CYCLE_BOUNDS).register(registry);
        cycleErrors = Counter.builder().name("infrakit_group_cycle_errors_total")
                .help("Cycles of a group's controller that ended in an error.")
                .labelNames("group").register(registry);
        storeErrors = Counter.builder().name("infrakit_manager_store_errors_total")
                .help("Operations of the manager's store (load, save) that failed.")
                .labelNames("operation").register(registry);
        registry.register(new GroupGauges(groups));
        JvmMetrics.builder().register(registry);
    }

    /** Writes every metric in Prometheus' text format. */
    void scrape(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    String contentType() {
        return writer.getContentType();
    }

    /**
     * Counts an event of a group's journal (as posted on Event Admin).
     *
     * @param type the event's type
     * @param group the group
     * @param count how many instances it concerns (0 when not said: one)
     * @param cause the cause, or {@code null}
     */
    void event(String type, String group, int count, String cause) {
        if (group == null) {
            return;
        }
        int n = Math.max(1, count);
        String why = Objects.requireNonNullElse(cause, "unknown");
        switch (type) {
            case GroupEvent.Type.INSTANCE_CREATED -> created.labelValues(group, why).inc(n);
            case GroupEvent.Type.INSTANCE_DESTROYED -> destroyed.labelValues(group, why).inc(n);
            case GroupEvent.Type.INSTANCE_LOST -> lost.labelValues(group).inc(n);
            default -> {
            }
        }
    }

    @Override
    public void pluginCalled(String plugin, String method, String outcome, long nanos) {
        pluginCalls.labelValues(plugin, method, outcome).observe(nanos / 1e9);
    }

    @Override
    public void cycleEnded(String group, long nanos, boolean failed) {
        lastCycle.put(group, clock.getAsLong());
        cycles.labelValues(group).observe(nanos / 1e9);
        if (failed) {
            cycleErrors.labelValues(group).inc();
        }
    }

    @Override
    public void storeFailed(String operation, String detail) {
        storeErrors.labelValues(operation).inc();
    }

    /**
     * When a group's last cycle ended.
     *
     * @param group the group
     * @return the {@link System#nanoTime()} of its end, or {@code null} if none ended since this endpoint started
     */
    Long lastCycle(String group) {
        return lastCycle.get(group);
    }
}
