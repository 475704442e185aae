package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupEntries;
import io.infrakit.spi.group.GroupPlugin;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileOrUriCompleter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code infrakit:manager-commit}: commits a multi-group configuration (the Go CLI's {@code manager
 * commit}) once a manager leads. All or nothing as far as can be known beforehand: every entry is read
 * and checked, every plugin looked up and asked for its plan ({@code pretend}) before the first group is
 * committed, so a file with an entry that its plugin refuses changes no group.
 */
@Command(scope = "infrakit", name = "manager-commit",
        description = "Commits several groups, each to the group plugin or manager it names, when a manager leads")
@Service
public class ManagerCommitCommand extends ManagerCommand {

    @Argument(index = 0, name = "groups", required = true,
            description = "A file or URL holding a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}")
    @Completion(FileOrUriCompleter.class)
    String groups;

    @Option(name = "--pretend", description = "Only print what each commit would do")
    boolean pretend;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        leader();
        List<GroupEntries.Entry> entries = entries();
        List<GroupPlugin> plugins = new ArrayList<>();
        for (GroupEntries.Entry entry : entries) {
            plugins.add(plugin(entry));
        }
        List<String> plans = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            plans.add(commit(entries.get(i), plugins.get(i), true, "nothing committed"));
        }
        for (int i = 0; i < entries.size(); i++) {
            GroupEntries.Entry entry = entries.get(i);
            String plan = pretend ? plans.get(i)
                    : commit(entry, plugins.get(i), false, i == 0 ? "nothing committed" : "the entries before it were committed");
            out.println("Group " + entry.spec().id() + " with plugin " + entry.plugin() + " plan: " + plan);
        }
    }

    /** Reads and checks the file: all of it, before any plugin is looked up. */
    private List<GroupEntries.Entry> entries() throws CommandException {
        RawJson json = SpecReader.json(groups);
        try {
            return GroupEntries.parse(codec, json, groups);
        } catch (PluginException e) {
            throw new CommandException(e.getMessage());
        }
    }

    private GroupPlugin plugin(GroupEntries.Entry entry) throws CommandException {
        try {
            return lookup(entry.plugin(), GroupPlugin.class);
        } catch (PluginException e) {
            throw new CommandException(entry.describe(groups) + ": " + messageOf(e) + "; nothing committed", e);
        }
    }

    private String commit(GroupEntries.Entry entry, GroupPlugin plugin, boolean dryRun, String outcome) throws CommandException {
        try {
            return plugin.commitGroup(entry.spec(), dryRun);
        } catch (PluginException | RuntimeException e) {
            throw new CommandException(entry.describe(groups) + ": " + messageOf(e) + "; " + outcome, e);
        }
    }
}
