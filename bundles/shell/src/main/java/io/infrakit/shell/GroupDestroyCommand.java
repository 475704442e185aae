package io.infrakit.shell;

import io.infrakit.spi.PluginException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:group-destroy}: stops managing a group and destroys its instances. */
@Command(scope = "infrakit", name = "group-destroy", description = "Stops managing a group and destroys every instance of it")
@Service
public class GroupDestroyCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        groupPlugin().destroyGroup(id);
        out.println("destroy " + id + " initiated");
    }
}
