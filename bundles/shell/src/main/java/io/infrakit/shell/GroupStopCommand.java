package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:group-stop}: ends a group's rollout and keeps its members as they are, until a new configuration, a rollback or a resume. */
@Command(scope = "infrakit", name = "group-stop", description = "Ends a group's rollout, keeping its members as they are")
@Service
public class GroupStopCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        String answer = call("stop", control -> control.stop(id, GroupControl.Source.SHELL));
        out.println(answer);
    }
}
