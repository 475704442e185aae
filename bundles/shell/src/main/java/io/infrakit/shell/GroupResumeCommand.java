package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:group-resume}: continues a paused or stopped rollout. */
@Command(scope = "infrakit", name = "group-resume", description = "Continues a paused or stopped rollout")
@Service
public class GroupResumeCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        String answer = call("resume", control -> control.resume(id, GroupControl.Source.SHELL));
        out.println(answer);
    }
}
