package io.infrakit.instance.docker;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.docker.DockerException;
import io.infrakit.spi.instance.ChangeLog;
import io.infrakit.spi.instance.InstanceChanges;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Instances that went away without a Destroy: a container that exited, died or was killed, or was removed
 * behind the plugin's back. Each is dealt with once, whoever notices it first (the engine's event stream, or a
 * listing that finds it stopped): its last lines of output are logged, it is reported as a
 * {@link InstanceChanges.Kind#GONE Gone} change with its labels as tags and those lines as the detail, and then
 * it is removed, so that stopped containers do not pile up on the engine.
 *
 * <p>The containers dealt with, and those the plugin destroys itself, are remembered (the latest
 * {@value #REMEMBERED}), so that the events that follow (the {@code destroy} after a removal, the {@code die}
 * of a Destroy's stop) are not taken for another departure.
 */
final class Departures {

    /** How many settled containers are remembered. */
    static final int REMEMBERED = 4096;

    /** Attributes of a container's events that are the engine's, not labels. */
    private static final Set<String> EVENT_ATTRIBUTES = Set.of("exitCode", "image", "name", "signal", "execDuration", "container");

    private static final Logger LOG = LoggerFactory.getLogger(Departures.class);

    private final ContainerApi api;
    private final ChangeLog changes;
    private final int logLines;
    private final Set<String> settled = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    }));

    /**
     * @param api the engine
     * @param changes where departures are reported
     * @param logLines how many lines of output are kept
     */
    Departures(ContainerApi api, ChangeLog changes, int logLines) {
        this.api = api;
        this.changes = changes;
        this.logLines = logLines;
    }

    /**
     * Marks a container as dealt with: the plugin destroys it itself, so its events are not a departure.
     *
     * @param name the container's name
     */
    void settle(String name) {
        settled.add(name);
    }

    /**
     * @param name the container's name
     * @return whether the container was dealt with already
     */
    boolean isSettled(String name) {
        return settled.contains(name);
    }

    /**
     * Deals with a container that stopped, unless it was dealt with already: reads its state and last lines,
     * logs and reports them, and removes it.
     *
     * @param name the container's name
     */
    void stopped(String name) {
        if (!settled.add(name)) {
            return;
        }
        ContainerApi.Container container;
        try {
            container = api.inspect(name);
        } catch (DockerException e) {
            if (e.status() == 404) {
                // removed meanwhile: its destroy event, if any, finds it settled; report it here
                report(name, Map.of(), "container " + name + " was removed");
                return;
            }
            forget(name, "inspect", e);
            return;
        } catch (PluginException e) {
            forget(name, "inspect", e);
            return;
        }
        String detail = describe(name, container) + lastLines(name, container.tty());
        LOG.warn("Instance {} is gone: {}", name, detail);
        report(name, ContainerLabels.tags(container.labels()), detail);
        try {
            api.remove(name);
        } catch (PluginException e) {
            // left for a later listing to try again
            forget(name, "remove", e);
        }
    }

    /**
     * Deals with a container removed by someone else, unless it was dealt with already.
     *
     * @param name the container's name
     * @param attributes the attributes of its {@code destroy} event: its labels and the engine's own
     */
    void removed(String name, Map<String, String> attributes) {
        if (!settled.add(name)) {
            return;
        }
        Map<String, String> labels = new TreeMap<>(attributes == null ? Map.of() : attributes);
        labels.keySet().removeAll(EVENT_ATTRIBUTES);
        String detail = "container " + name + " was removed";
        LOG.warn("Instance {} is gone: {}", name, detail);
        report(name, ContainerLabels.tags(labels), detail);
    }

    private void report(String name, Map<String, String> tags, String detail) {
        changes.record(new InstanceChanges.Change(name, tags, InstanceChanges.Kind.GONE, detail));
    }

    private void forget(String name, String what, PluginException e) {
        settled.remove(name);
        LOG.warn("Cannot {} the stopped container {}; a later listing tries again: {}", what, name, e.getMessage());
    }

    private static String describe(String name, ContainerApi.Container container) {
        ContainerApi.State state = container.state();
        StringBuilder s = new StringBuilder("container ").append(name);
        if (state == null) {
            return s.append(" is not running").toString();
        }
        if (state.exitCode() != null && !"created".equals(state.status())) {
            s.append(" exited with code ").append(state.exitCode());
        } else {
            s.append(" is ").append(state.status() == null ? "not running" : state.status());
        }
        if (Boolean.TRUE.equals(state.oomKilled())) {
            s.append(" (killed by the kernel's OOM killer)");
        }
        if (state.error() != null && !state.error().isBlank()) {
            s.append(": ").append(state.error());
        }
        return s.toString();
    }

    private String lastLines(String name, boolean tty) {
        if (logLines <= 0) {
            return "";
        }
        try {
            List<String> lines = LastLines.of(api.logs(name, logLines), tty, logLines);
            return lines.isEmpty() ? "; it wrote nothing" : "; its last lines:\n" + String.join("\n", lines);
        } catch (PluginException e) {
            return "; its output cannot be read: " + e.getMessage();
        }
    }
}
