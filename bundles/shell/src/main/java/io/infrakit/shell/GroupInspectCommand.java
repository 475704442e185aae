package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupSpec;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:group-inspect}: the spec a group was committed with, as JSON. */
@Command(scope = "infrakit", name = "group-inspect", description = "Prints the spec of a managed group as JSON")
@Service
public class GroupInspectCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Option(name = "--json", description = "Accepted for symmetry with the other commands: the output is always JSON")
    boolean json;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        for (GroupSpec spec : groupPlugin().inspectGroups()) {
            if (spec.id().equals(id)) {
                printJson(out, spec);
                return;
            }
        }
        throw new CommandException("Group " + id + " is not being watched");
    }
}
