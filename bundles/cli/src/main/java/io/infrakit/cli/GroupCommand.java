package io.infrakit.cli;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code infrakit group}: a group plugin (default name {@code group}). */
@Command(name = "group", description = "Access group plugin")
final class GroupCommand extends CommandGroup {

    static final String DEFAULT_NAME = "group";

    @Mixin
    PluginNameOption plugin;

    private final Session session;

    GroupCommand(Session session) {
        this.session = session;
    }

    private GroupPlugin group() {
        return session.plugins().find(plugin.orElse(DEFAULT_NAME), GroupPlugin.class);
    }

    @Command(name = "commit", description = "commit a group configuration")
    void commit(@Parameters(paramLabel = "<group configuration file>") Path file,
                @Option(names = "--pretend", description = "Don't actually commit, only explain the commit") boolean pretend)
            throws PluginException {
        GroupPlugin group = group();
        GroupSpec spec = new InputFile(file).decode(GroupSpec.class);
        String details = group.commitGroup(spec, pretend);
        session.out().println(pretend
                ? "Committing " + spec.id() + " would involve: " + details
                : "Committed " + spec.id() + ": " + details);
    }

    @Command(name = "free", description = "free a group from active monitoring, nondestructive")
    void free(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        group().freeGroup(id);
        session.out().println("Freed " + id);
    }

    @Command(name = "describe", description = "describe the live instances that make up a group")
    void describe(@Parameters(paramLabel = "<group ID>") String id,
                  @Option(names = {"-q", "--quiet"}, description = "Print rows without column headers") boolean quiet)
            throws PluginException {
        GroupDescription description = group().describeGroup(id);
        Table.instances(session.out(), description.instances() == null ? List.of() : description.instances(), quiet);
    }

    @Command(name = "inspect", description = "return the raw configuration associated with a group")
    void inspect(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        for (GroupSpec spec : group().inspectGroups()) {
            if (spec.id().equals(id)) {
                session.printJson(spec, "");
                return;
            }
        }
        throw new CliException("Group " + id + " is not being watched");
    }

    @Command(name = "destroy", description = "destroy a group")
    void destroy(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        group().destroyGroup(id);
        session.out().println("destroy " + id + " initiated");
    }

    @Command(name = "ls", description = "list groups")
    void ls(@Option(names = {"-q", "--quiet"}, description = "Print rows without column headers") boolean quiet)
            throws PluginException {
        List<GroupSpec> groups = group().inspectGroups();
        if (!quiet) {
            session.out().println("ID");
        }
        groups.forEach(g -> session.out().println(g.id()));
    }
}
