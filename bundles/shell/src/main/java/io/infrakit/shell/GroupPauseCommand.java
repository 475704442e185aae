package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:group-pause}: holds a group's rollout: no member is replaced (missing ones are still created, at the configuration they had) until it is resumed. */
@Command(scope = "infrakit", name = "group-pause", description = "Holds a group's rollout: no member is replaced until it is resumed")
@Service
public class GroupPauseCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        String answer = call("pause", control -> control.pause(id, GroupControl.Source.SHELL));
        out.println(answer);
    }
}
