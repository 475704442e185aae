package io.infrakit.shell;

import io.infrakit.ops.Durations;
import io.infrakit.ops.RolloutWait;
import io.infrakit.ops.StatusText;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupStatus;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code infrakit:group-status}: a group's status; with {@code --wait}, its rollout's progress until it is converged
 * (the command ends normally), failed or rolled back, or the timeout (the command fails, saying why).
 */
@Command(scope = "infrakit", name = "group-status", description = "Prints a group's status; with --wait, waits for its rollout to end")
@Service
public class GroupStatusCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Option(name = "--wait", description = "Wait until the group is converged (success), its rollout failed or rolled back, or the timeout (failure)")
    boolean wait;

    @Option(name = "--timeout", description = "How long --wait waits: 90s, 5m, 1h, or seconds; 0 for no limit (default 5m)")
    String timeout = "5m";

    @Option(name = "--json", description = "Print the status as JSON (with --wait: the last one)")
    boolean json;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        Duration limit = limit();
        if (!wait) {
            GroupStatus status = call("status", control -> statusOf(control, id));
            if (json) {
                printJson(out, status);
            } else {
                StatusText.summary(status).forEach(out::println);
            }
            return;
        }
        RolloutWait.Source<CommandException> source = () -> {
            try {
                return call("status", control -> statusOf(control, id));
            } catch (PluginException e) {
                throw userError(e);
            }
        };
        RolloutWait.Result result;
        try {
            result = RolloutWait.await(source, limit, pacing, line -> {
                if (!json) {
                    out.println(line);
                    out.flush();
                }
            });
        } catch (InterruptedException e) {
            return; // Ctrl-C, in a pause or during a call
        }
        if (json) {
            printJson(out, result.status());
        }
        if (result.outcome() != RolloutWait.Outcome.CONVERGED) {
            throw new CommandException(result.message());
        }
        if (!json) {
            out.println(result.message());
        }
    }

    /** The {@code --timeout}, or a user error naming the option. */
    private Duration limit() throws CommandException {
        try {
            return Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new CommandException("--timeout: " + e.getMessage());
        }
    }
}
