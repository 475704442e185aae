package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.util.List;

/** {@code infrakit:group-describe}: the members of a group. */
@Command(scope = "infrakit", name = "group-describe", description = "Lists the instances of a group")
@Service
public class GroupDescribeCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Option(name = "--no-format", description = "Tab-separated rows without header or borders")
    boolean noFormat;

    @Option(name = "--json", description = "Print the whole description (members, convergence, update, error) as JSON")
    boolean json;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the instance IDs")
    boolean quiet;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        GroupDescription description = groupPlugin().describeGroup(id);
        if (json) {
            printJson(out, description);
            return;
        }
        DescriptionTable.print(out, description.instances() == null ? List.of() : description.instances(), noFormat, quiet);
    }
}
