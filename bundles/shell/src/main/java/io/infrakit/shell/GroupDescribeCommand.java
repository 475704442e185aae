package io.infrakit.shell;

import io.infrakit.ops.StatusText;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.instance.Description;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code infrakit:group-describe}: a group's status (status word, members desired, current, ready and up to date,
 * revision, configuration, update, error) above its members with their health; from a group plugin with
 * {@code Group} 0.1.0 only, the members alone.
 */
@Command(scope = "infrakit", name = "group-describe", description = "Describes a group: its status, then its instances with their health")
@Service
public class GroupDescribeCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Option(name = "--no-format", description = "Only the instances, as tab-separated rows without header or borders")
    boolean noFormat;

    @Option(name = "--json", description = "Print the status and the instances as JSON")
    boolean json;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the instance IDs")
    boolean quiet;

    @Option(name = "--watch", aliases = "-w", description = "Print again each time it changes, until Ctrl-C")
    boolean watch;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        redraw(out, watch, this::print);
    }

    private void print(PrintStream out) throws PluginException, CommandException {
        GroupDescription description = groupPlugin().describeGroup(id);
        List<Description> instances = description.instances() == null ? List.of() : description.instances();
        if (quiet) {
            instances.forEach(d -> out.println(d.id()));
            return;
        }
        Answer<GroupStatus> status = callIfAny(control -> statusOf(control, id));
        if (status == null) {
            if (json) {
                printJson(out, description);
            } else {
                DescriptionTable.print(out, instances, noFormat, false);
            }
            return;
        }
        if (json) {
            printJson(out, StatusText.described(codec, status.value(), instances));
            return;
        }
        if (!noFormat) {
            StatusText.summary(status.value()).forEach(out::println);
            out.println();
        }
        StatusTables.members(out, instances, status.value(), noFormat);
    }
}
