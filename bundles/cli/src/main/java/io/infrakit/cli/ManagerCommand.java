package io.infrakit.cli;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.Manager;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code infrakit manager}: the leading manager, found by asking every plugin that implements
 * {@code Manager} whether it is the leader.
 */
@Command(name = "manager", description = "Access the manager")
final class ManagerCommand extends CommandGroup {

    /**
     * One entry of a multi-group configuration: {@code {"Plugin": "group", "Properties": <GroupSpec>}}.
     *
     * @param plugin the group plugin (or manager) to commit the group to
     * @param properties the group spec
     */
    record GroupEntry(String plugin, RawJson properties) {
    }

    private final Session session;
    private final WireJsonCodec json = new WireJsonCodec();

    ManagerCommand(Session session) {
        this.session = session;
    }

    @Command(name = "commit", description = "commit a multi-group configuration: a JSON array of {\"Plugin\":..,\"Properties\":<group spec>}")
    void commit(@Parameters(paramLabel = "<file or file: URL>") String location,
                @Option(names = "--pretend", description = "Don't actually commit, only explain the commit") boolean pretend)
            throws PluginException {
        leader();
        GroupEntry[] entries = new InputFile(localFile(location)).decode(GroupEntry[].class);
        for (int i = 0; i < entries.length; i++) {
            GroupEntry entry = entries[i];
            if (entry == null || entry.plugin() == null || entry.plugin().isBlank()) {
                throw new CliException("Entry " + i + " of " + location + " names no Plugin");
            }
            GroupSpec spec = groupSpec(entry, i, location);
            String plan = session.plugins().find(entry.plugin(), GroupPlugin.class).commitGroup(spec, pretend);
            session.out().println("Group " + spec.id() + " with plugin " + entry.plugin() + " plan: " + plan);
        }
    }

    @Command(name = "inspect", description = "inspect returns the plugin configurations known by the manager")
    void inspect() throws PluginException {
        String manager = leader();
        List<GroupEntry> entries = new ArrayList<>();
        for (GroupSpec spec : session.plugins().find(manager, GroupPlugin.class).inspectGroups()) {
            entries.add(new GroupEntry(manager, json.encode(spec)));
        }
        session.printJson(entries, "");
    }

    private GroupSpec groupSpec(GroupEntry entry, int index, String location) {
        if (entry.properties() == null) {
            return new GroupSpec("", null);
        }
        try {
            return json.decode(entry.properties(), GroupSpec.class);
        } catch (PluginException e) {
            throw new CliException("Entry " + index + " of " + location + ": " + e.getMessage(), e);
        }
    }

    /** The name of the manager that is the leader now. */
    private String leader() throws PluginException {
        Plugins plugins = session.plugins();
        List<String> managers = new ArrayList<>();
        for (String name : plugins.names()) {
            List<InterfaceSpec> implemented;
            try {
                implemented = plugins.handshake(name);
            } catch (PluginException e) {
                continue;
            }
            if (implemented.stream().noneMatch(spec -> spec.name().equals(Manager.INTERFACE.name()))) {
                continue;
            }
            managers.add(name);
            if (plugins.find(name, Manager.class).isLeader()) {
                return name;
            }
        }
        if (managers.isEmpty()) {
            throw new CliException("no manager plugin found in " + plugins.directory());
        }
        throw new CliException("no manager plugin in " + plugins.directory() + " is the leader (found " + String.join(", ", managers) + ")");
    }

    /** A path, or a {@code file:} URL; templates at other URLs are not supported. */
    private static Path localFile(String location) {
        if (location.startsWith("file:")) {
            try {
                return Path.of(URI.create(location));
            } catch (IllegalArgumentException e) {
                throw new CliException("Invalid file URL " + location + ": " + e.getMessage(), e);
            }
        }
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new CliException("Cannot read " + location + ": only local files and file: URLs are supported");
        }
        return Path.of(location);
    }
}
