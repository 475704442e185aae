package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupSpec;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.List;

/** {@code infrakit:group-list}: the IDs of the managed groups. */
@Command(scope = "infrakit", name = "group-list", description = "Lists the groups the group plugin manages")
@Service
public class GroupListCommand extends GroupCommand {

    @Option(name = "--no-format", description = "Rows without header or borders")
    boolean noFormat;

    @Option(name = "--json", description = "Print the specs of the groups as JSON")
    boolean json;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the IDs, without header")
    boolean quiet;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        List<GroupSpec> groups = groupPlugin().inspectGroups();
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
