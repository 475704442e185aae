package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.Revision;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.util.List;

/** {@code infrakit:group-history}: a group's revisions ({@code REVISION CONFIG TIME SOURCE REASON}), kept by the manager. */
@Command(scope = "infrakit", name = "group-history", description = "Lists a group's revisions: each commit that changed its configuration")
@Service
public class GroupHistoryCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Option(name = "--json", description = "Print the revisions, with their specs, as JSON")
    boolean json;

    @Option(name = "--no-format", description = "Tab-separated rows without header or borders")
    boolean noFormat;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        List<Revision> revisions = call("history", control -> control.history(id));
        if (json) {
            printJson(out, revisions);
        } else {
            StatusTables.history(out, revisions, noFormat);
        }
    }
}
