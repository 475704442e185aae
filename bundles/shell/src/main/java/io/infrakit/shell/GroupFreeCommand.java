package io.infrakit.shell;

import io.infrakit.spi.PluginException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:group-free}: stops managing a group and leaves its instances running. */
@Command(scope = "infrakit", name = "group-free", description = "Stops managing a group; its instances are left alone")
@Service
public class GroupFreeCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        groupPlugin().freeGroup(id);
        out.println("Freed " + id);
    }
}
