package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupSpec;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileOrUriCompleter;

import java.io.PrintStream;

/** {@code infrakit:group-commit}: hands a group spec to the group plugin, or asks what it would do. */
@Command(scope = "infrakit", name = "group-commit", description = "Commits a group spec: starts or updates managing the group")
@Service
public class GroupCommitCommand extends GroupCommand {

    @Argument(index = 0, name = "spec", required = true, description = "The group spec: a file or a URL")
    @Completion(FileOrUriCompleter.class)
    String spec;

    @Option(name = "--pretend", description = "Only print what the commit would do")
    boolean pretend;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        GroupSpec group = SpecReader.read(codec, spec, GroupSpec.class, "group spec");
        // through GroupControl when the plugin has it, so that the revision says it came from the shell
        Answer<String> answer = callIfAny(control -> control.commit(group, pretend, GroupControl.Source.SHELL));
        String details = answer != null ? answer.value() : groupPlugin().commitGroup(group, pretend);
        out.println(pretend
                ? "Committing " + group.id() + " would involve: " + details
                : "Committed " + group.id() + ": " + details);
    }
}
