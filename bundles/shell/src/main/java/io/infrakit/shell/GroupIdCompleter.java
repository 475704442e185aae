package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.registry.PluginRegistry;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Completes group IDs from the specs the group plugin manages; the plugin is the one the command line
 * names with {@code --name} (or {@code -n}), else {@code group}.
 */
@Service
public class GroupIdCompleter implements Completer {

    private static final Logger LOG = LoggerFactory.getLogger(GroupIdCompleter.class);

    /** Optional: the rpc bundle's service; while it is missing there is nothing to offer, and the commands stay. */
    @Reference(optional = true)
    PluginRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(ids(pluginName(commandLine.getArguments())), true)
                .complete(session, commandLine, candidates);
    }

    /**
     * The group IDs to offer.
     *
     * @param plugin the group plugin's name
     * @return the IDs, sorted; empty when the plugin cannot be reached
     */
    SortedSet<String> ids(String plugin) {
        SortedSet<String> ids = new TreeSet<>();
        PluginRegistry r = registry;
        if (r == null) {
            return ids;
        }
        try {
            for (GroupSpec spec : r.lookup(plugin, GroupPlugin.class).inspectGroups()) {
                ids.add(spec.id());
            }
        } catch (PluginException | RuntimeException e) {
            // completion must never break the console; the command itself will report the problem
            LOG.debug("Cannot list the groups of {} for completion", plugin, e);
        }
        return ids;
    }

    /**
     * The group plugin a command line names.
     *
     * @param arguments the words of the command line
     * @return the value of {@code --name}/{@code -n}, or {@value GroupCommand#DEFAULT_NAME}
     */
    static String pluginName(String[] arguments) {
        String name = GroupCommand.DEFAULT_NAME;
        for (int i = 0; arguments != null && i < arguments.length; i++) {
            String arg = arguments[i];
            if ((arg.equals("--name") || arg.equals("-n")) && i + 1 < arguments.length && !arguments[i + 1].isBlank()) {
                name = arguments[++i];
            } else if (arg.startsWith("--name=") && arg.length() > "--name=".length()) {
                name = arg.substring("--name=".length());
            }
        }
        return name;
    }
}
