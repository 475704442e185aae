package io.infrakit.cli;

import io.infrakit.ops.Pacing;
import io.infrakit.ops.Redraw;
import io.infrakit.ops.RolloutWait;
import io.infrakit.ops.StatusText;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.instance.Description;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The read verbs of {@code infrakit group}: {@code ls}, {@code describe}, {@code status}, {@code events},
 * {@code history}. Each asks {@code GroupControl} when the plugin has it; {@code ls} and {@code describe} fall back
 * to the original's output against a plugin with only {@code Group} 0.1.0 (a Go group plugin).
 */
final class GroupReports {

    /** How long one {@code events --follow} call waits on the server for the next event. */
    static final Duration FOLLOW_WAIT = Duration.ofSeconds(30);

    private final Session session;
    private final GroupTarget target;

    GroupReports(Session session, GroupTarget target) {
        this.session = session;
        this.target = target;
    }

    /** {@code group ls}: the status table, or the IDs alone from a plugin without GroupControl. */
    void ls(boolean quiet, boolean json, boolean watch) throws PluginException {
        GroupControl control = target.controlIfAny();
        if (control == null) {
            // a Go group plugin knows its specs, not their progress: print what the original printed
            redraw(watch, out -> {
                List<GroupSpec> groups = target.group().inspectGroups();
                if (json) {
                    out.println(session.json().encodeIndented(groups, "", "  "));
                    return;
                }
                if (!quiet) {
                    out.println("ID");
                }
                groups.forEach(g -> out.println(g.id()));
            });
            return;
        }
        redraw(watch, out -> {
            List<GroupStatus> groups = control.status("");
            if (json) {
                out.println(session.json().encodeIndented(groups, "", "  "));
            } else {
                GroupViews.statuses(out, groups, quiet);
            }
        });
    }

    /** {@code group describe}: the summary above the members with their health, or the original's table alone. */
    void describe(String id, boolean quiet, boolean json, boolean watch) throws PluginException {
        GroupControl control = target.controlIfAny();
        redraw(watch, out -> {
            GroupDescription description = target.group().describeGroup(id);
            List<Description> instances = description.instances() == null ? List.of() : description.instances();
            if (control == null || quiet) {
                // the original's rows: what a Go group plugin knows, and what scripts written for the Go CLI parse
                if (json) {
                    out.println(session.json().encodeIndented(description, "", "  "));
                } else {
                    Table.instances(out, instances, quiet);
                }
                return;
            }
            GroupStatus status = statusOf(control, id);
            if (json) {
                out.println(session.json().encodeIndented(StatusText.described(session.json(), status, instances), "", "  "));
                return;
            }
            GroupViews.summary(out, status);
            out.println();
            GroupViews.members(out, instances, status);
        });
    }

    /** {@code group status}: the summary, or with {@code wait} the rollout's progress until it ends. */
    void status(String id, boolean wait, Duration timeout, boolean json) throws PluginException {
        GroupControl control = target.control("status");
        if (!wait) {
            GroupStatus status = statusOf(control, id);
            if (json) {
                session.printJson(status, "");
            } else {
                GroupViews.summary(session.out(), status);
            }
            return;
        }
        RolloutWait.Result result;
        try {
            result = RolloutWait.await(() -> statusOf(control, id), timeout, session.pacing(), line -> {
                if (!json) {
                    session.out().println(line);
                    session.out().flush();
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted while waiting for group " + id);
        }
        if (json) {
            session.printJson(result.status(), "");
        }
        if (result.outcome() != RolloutWait.Outcome.CONVERGED) {
            throw new CliException(result.message());
        }
        if (!json) {
            session.out().println(result.message());
        }
    }

    /** {@code group events}: the journal, and with {@code follow} each new event as it comes, until interrupted. */
    void events(String id, boolean follow, boolean json, int limit) throws PluginException {
        GroupControl control = target.control("events");
        PrintWriter out = session.out();
        List<GroupEvent> events = control.events(id, 0, limit, 0);
        if (!follow) {
            if (json) {
                session.printJson(events, "");
            } else {
                GroupViews.events(out, events, true);
            }
            return;
        }
        // a stream: one compact JSON object per line, or the table's rows under one header
        long after = print(events, json, true);
        while (!session.pacing().stopped()) {
            List<GroupEvent> next = control.events(id, after, 0, FOLLOW_WAIT.toMillis());
            after = Math.max(after, print(next, json, false));
            if (next.isEmpty()) {
                try {
                    // a server that does not hold the call (or answered early) is not asked again at once
                    session.pacing().sleep(Pacing.POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** {@code group history}: the revisions. */
    void history(String id, boolean json) throws PluginException {
        GroupControl control = target.control("history");
        var revisions = control.history(id);
        if (json) {
            session.printJson(revisions, "");
        } else {
            GroupViews.history(session.out(), revisions);
        }
    }

    /** Prints a view, or with {@code watch} prints it again each time it changes, until interrupted. */
    private void redraw(boolean watch, View view) throws PluginException {
        PrintWriter terminal = session.out();
        try {
            Redraw.run(text -> {
                terminal.print(text);
                terminal.flush();
            }, watch, session.pacing(), stream -> {
                PrintWriter out = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                view.print(out);
                out.flush();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prints one view of {@link #redraw}. */
    @FunctionalInterface
    private interface View {
        void print(PrintWriter out) throws PluginException;
    }

    /** Prints events of a follow; returns the last sequence number printed (0 for none). */
    private long print(List<GroupEvent> events, boolean json, boolean header) {
        PrintWriter out = session.out();
        if (json) {
            events.forEach(session::printJsonLine);
        } else {
            GroupViews.events(out, events, header);
        }
        out.flush();
        return events.stream().mapToLong(GroupEvent::seq).max().orElse(0);
    }

    private static GroupStatus statusOf(GroupControl control, String id) throws PluginException {
        for (GroupStatus s : control.status(id)) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new CliException("Group " + id + " has no status (the plugin answered for other groups only)");
    }
}
