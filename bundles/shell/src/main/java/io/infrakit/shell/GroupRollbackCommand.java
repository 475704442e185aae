package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:group-rollback}: rolls a group back to an earlier revision, as a new revision with that one's spec. */
@Command(scope = "infrakit", name = "group-rollback", description = "Rolls a group back to an earlier revision (by default the one before the latest)")
@Service
public class GroupRollbackCommand extends GroupCommand {

    @Argument(index = 0, name = "id", required = true, description = "The group ID")
    @Completion(GroupIdCompleter.class)
    String id;

    @Option(name = "--to-revision", description = "The revision to go back to (default: the one before the latest)")
    int revision;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        if (revision < 0) {
            throw new CommandException("--to-revision must not be negative");
        }
        String answer = call("rollback", control -> control.rollback(id, revision, GroupControl.Source.SHELL));
        out.println(answer);
    }
}
