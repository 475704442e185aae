package io.infrakit.shell;

import io.infrakit.ops.Pacing;
import io.infrakit.ops.StatusText;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupEvent;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code infrakit:group-events}: what a group's controller did ({@code TIME TYPE REVISION INSTANCE MESSAGE}); with
 * {@code --follow}, each new event as it comes (a long poll after the last one seen), until Ctrl-C.
 */
@Command(scope = "infrakit", name = "group-events", description = "Prints a group's events; --follow goes on printing them as they come")
@Service
public class GroupEventsCommand extends GroupCommand {

    /** How long one {@code --follow} call waits on the plugin for the next event. */
    static final Duration FOLLOW_WAIT = Duration.ofSeconds(30);

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Option(name = "--follow", aliases = "-f", description = "Go on printing new events as they come, until Ctrl-C")
    boolean follow;

    @Option(name = "--json", description = "Print the events as JSON (with --follow: one object per line)")
    boolean json;

    @Option(name = "--no-format", description = "Tab-separated rows without header or borders")
    boolean noFormat;

    @Option(name = "--limit", description = "At most this many of the latest events (default: the plugin's, 100)")
    int limit;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        if (limit < 0) {
            throw new CommandException("--limit must not be negative");
        }
        List<GroupEvent> events = call("events", control -> control.events(id, 0, limit, 0));
        if (!follow) {
            if (json) {
                printJson(out, events);
            } else {
                StatusTables.events(out, events, noFormat);
            }
            return;
        }
        if (!json && !noFormat) {
            out.println(StatusTables.eventLine(null));
        }
        long after = print(out, events);
        while (!pacing.stopped()) {
            List<GroupEvent> next;
            long from = after;
            try {
                next = call("events", control -> control.events(id, from, 0, FOLLOW_WAIT.toMillis()));
            } catch (PluginException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // Ctrl-C during the long poll
                }
                throw e;
            }
            after = Math.max(after, print(out, next));
            if (next.isEmpty()) {
                try {
                    // a plugin that does not hold the call (or answered early) is not asked again at once
                    pacing.sleep(Pacing.POLL);
                } catch (InterruptedException e) {
                    return; // Ctrl-C
                }
            }
        }
    }

    /** Prints events as they come; returns the last sequence number printed (0 for none). */
    private long print(PrintStream out, List<GroupEvent> events) {
        for (GroupEvent e : events) {
            if (json) {
                out.println(codec.encode(e).json());
            } else if (noFormat) {
                out.println(String.join("\t", StatusText.eventRow(e)));
            } else {
                out.println(StatusTables.eventLine(e));
            }
        }
        out.flush();
        return events.stream().mapToLong(GroupEvent::seq).max().orElse(0);
    }
}
