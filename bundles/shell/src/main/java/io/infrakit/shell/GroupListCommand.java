package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code infrakit:group-list}: the managed groups at a glance ({@code ID DESIRED CURRENT READY UP-TO-DATE REVISION
 * STATUS}), from {@code GroupControl.Status}; from a group plugin with {@code Group} 0.1.0 only, their IDs.
 */
@Command(scope = "infrakit", name = "group-list", description = "Lists the groups: desired, current, ready and up-to-date members, revision and status")
@Service
public class GroupListCommand extends GroupCommand {

    @Option(name = "--no-format", description = "Rows without header or borders")
    boolean noFormat;

    @Option(name = "--json", description = "Print the statuses of the groups as JSON (the specs, from a plugin without GroupControl)")
    boolean json;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the IDs, without header")
    boolean quiet;

    @Option(name = "--watch", aliases = "-w", description = "Print again each time it changes, until Ctrl-C")
    boolean watch;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        redraw(out, watch, this::print);
    }

    private void print(PrintStream out) throws PluginException, CommandException {
        Answer<List<GroupStatus>> statuses = callIfAny(control -> control.status(""));
        if (statuses == null) {
            // a Go group plugin knows its specs, not their progress: print what the original printed
            specs(out, groupPlugin().inspectGroups());
            return;
        }
        if (json) {
            printJson(out, statuses.value());
        } else if (quiet) {
            statuses.value().forEach(g -> out.println(g.id()));
        } else {
            StatusTables.statuses(out, statuses.value(), noFormat);
        }
    }

    private void specs(PrintStream out, List<GroupSpec> groups) {
        if (json) {
            printJson(out, groups);
            return;
        }
        if (quiet) {
            groups.forEach(g -> out.println(g.id()));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("ID");
        groups.forEach(g -> table.addRow().addContent(g.id()));
        table.print(out, !noFormat);
    }
}
