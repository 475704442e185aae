package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupEntries;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code infrakit:manager-inspect}: the groups the leading manager holds, as the Go CLI printed them: a
 * JSON array of {@code {"Plugin": <manager>, "Properties": <group spec>}}, which {@code manager-commit}
 * takes back.
 */
@Command(scope = "infrakit", name = "manager-inspect", description = "Prints the groups the leading manager holds, as JSON")
@Service
public class ManagerInspectCommand extends ManagerCommand {

    @Option(name = "--json", description = "Accepted for symmetry with the other commands: the output is always JSON")
    boolean json;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        String leader = leader();
        List<GroupEntries.GroupEntry> entries = new ArrayList<>();
        for (GroupSpec spec : lookup(leader, GroupPlugin.class).inspectGroups()) {
            entries.add(new GroupEntries.GroupEntry(leader, codec.encode(spec)));
        }
        printJson(out, entries);
    }
}
