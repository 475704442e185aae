package io.infrakit.shell;

import io.infrakit.spi.registry.PluginInfo;
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

/** Completes plugin names from the registry's listing: every {@code name}, and {@code name/type} for typed plugins. */
@Service
public class PluginNameCompleter implements Completer {

    private static final Logger LOG = LoggerFactory.getLogger(PluginNameCompleter.class);

    /** Optional: the rpc bundle's service; while it is missing there is nothing to offer, and the commands stay. */
    @Reference(optional = true)
    PluginRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(names(), true).complete(session, commandLine, candidates);
    }

    /**
     * The names to offer.
     *
     * @return the names, sorted; empty when the registry cannot list its plugins
     */
    SortedSet<String> names() {
        SortedSet<String> names = new TreeSet<>();
        PluginRegistry r = registry;
        if (r == null) {
            return names;
        }
        try {
            for (PluginInfo plugin : r.plugins()) {
                names.add(plugin.name());
                plugin.types().forEach(type -> names.add(plugin.name() + "/" + type));
            }
        } catch (RuntimeException e) {
            // completion must never break the console; the command itself will report the problem
            LOG.debug("Cannot list plugins for completion", e);
        }
        return names;
    }
}
