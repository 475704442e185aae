package io.infrakit.cli;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupEntries;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Manager;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code infrakit manager}: the managers, the sockets whose plugin implements {@code Manager}, and the
 * leading one, found by asking each whether it is the leader.
 */
@Command(name = "manager", description = "Access the manager")
final class ManagerCommand extends CommandGroup {

    private final Session session;
    private final WireJsonCodec json = new WireJsonCodec();

    ManagerCommand(Session session) {
        this.session = session;
    }

    /**
     * One manager, as {@code manager status --json} prints it (the table's columns).
     *
     * @param name the manager
     * @param role {@code LEADER}, {@code FOLLOWER} or {@code UNKNOWN}
     * @param leader the leader's name when known, else {@code null}
     * @param detail why the role is unknown, or the error of a manager that did not answer, else {@code null}
     */
    record Row(String name, String role, String leader, String detail) {
    }

    @Command(name = "status", description = "status lists the managers (the plugins implementing Manager) and which one is the leader")
    void status(@Option(names = {"-q", "--quiet"}, description = "Print rows without column headers") boolean quiet,
                @Option(names = "--json", description = "Print the managers as JSON (an empty array when there is none)") boolean asJson) {
        List<String> managers = managers(true);
        List<Row> rows = new ArrayList<>();
        for (String name : managers) {
            try {
                LeaderStatus status = status(name);
                // over a socket a manager only says whether it leads: a leader's row names itself
                String leader = status.isLeader() && status.leader() == null ? name : status.leader();
                rows.add(new Row(name, status.role().name(), leader, status.detail()));
            } catch (PluginException | RuntimeException e) {
                rows.add(new Row(name, LeaderStatus.Role.UNKNOWN.name(), null, "error: " + oneLine(e)));
            }
        }
        if (asJson) {
            session.printJson(rows, "");
            return;
        }
        if (managers.isEmpty()) {
            if (!quiet) {
                session.out().println(noManager());
            }
            return;
        }
        Table table = new Table(session.out(), 20, 10, 20);
        if (!quiet) {
            table.row("NAME", "ROLE", "LEADER", "DETAIL");
        }
        for (Row row : rows) {
            table.row(row.name(), row.role(), row.leader() == null ? "-" : row.leader(), row.detail() == null ? "-" : row.detail());
        }
    }

    @Command(name = "commit", description = "commit a multi-group configuration: a JSON array of {\"Plugin\":..,\"Properties\":<group spec>}; "
            + "every entry is checked, and every plugin asked for its plan, before the first is committed")
    void commit(@Parameters(paramLabel = "<file or file: URL>") String location,
                @Option(names = "--pretend", description = "Don't actually commit, only explain the commit") boolean pretend) {
        leader();
        List<GroupEntries.Entry> entries = entries(location);
        List<GroupPlugin> plugins = new ArrayList<>();
        for (GroupEntries.Entry entry : entries) {
            try {
                plugins.add(session.plugins().find(entry.plugin(), GroupPlugin.class));
            } catch (CliException e) {
                throw new CliException(entry.describe(location) + ": " + e.getMessage() + "; nothing committed", e);
            }
        }
        // a dry run of every entry first, so that an entry its plugin refuses stops the commit before any group changes
        List<String> plans = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            plans.add(commit(entries.get(i), plugins.get(i), true, location, "nothing committed"));
        }
        for (int i = 0; i < entries.size(); i++) {
            GroupEntries.Entry entry = entries.get(i);
            String plan = pretend ? plans.get(i) : commit(entry, plugins.get(i), false, location,
                    i == 0 ? "nothing committed" : "the entries before it were committed");
            session.out().println("Group " + entry.spec().id() + " with plugin " + entry.plugin() + " plan: " + plan);
        }
    }

    @Command(name = "inspect", description = "inspect returns the plugin configurations known by the manager")
    void inspect(@Option(names = "--json", description = "Accepted for symmetry: the output is always JSON") boolean asJson)
            throws PluginException {
        String manager = leader();
        List<GroupEntries.GroupEntry> entries = new ArrayList<>();
        for (GroupSpec spec : session.plugins().find(manager, GroupPlugin.class).inspectGroups()) {
            entries.add(new GroupEntries.GroupEntry(manager, json.encode(spec)));
        }
        session.printJson(entries, "");
    }

    /** Reads and checks the file: all of it, before any plugin is looked up. */
    private List<GroupEntries.Entry> entries(String location) {
        RawJson text = new InputFile(localFile(location)).raw();
        try {
            return GroupEntries.parse(json, text, location);
        } catch (PluginException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    private static String commit(GroupEntries.Entry entry, GroupPlugin plugin, boolean dryRun, String location, String outcome) {
        try {
            return plugin.commitGroup(entry.spec(), dryRun);
        } catch (PluginException | RuntimeException e) {
            throw new CliException(entry.describe(location) + ": " + oneLine(e) + "; " + outcome, e);
        }
    }

    /**
     * The sockets whose plugin implements {@code Manager}, by name.
     *
     * @param warn {@code true} to warn about each socket that does not answer the handshake, as {@code plugin ls} does
     */
    private List<String> managers(boolean warn) {
        Plugins plugins = session.plugins();
        List<String> managers = new ArrayList<>();
        for (String name : plugins.names()) {
            List<InterfaceSpec> implemented;
            try {
                implemented = plugins.handshake(name);
            } catch (PluginException e) {
                if (warn) {
                    session.warn("Skipping " + plugins.socket(name) + ": " + e.getMessage());
                }
                continue;
            }
            if (implemented.stream().anyMatch(spec -> spec.name().equals(Manager.INTERFACE.name()))) {
                managers.add(name);
            }
        }
        return managers;
    }

    private LeaderStatus status(String name) throws PluginException {
        LeaderStatus status = session.plugins().ask(name, Manager.class).status();
        if (status == null) {
            throw new PluginException("no status");
        }
        return status;
    }

    /** The name of the manager that is the leader now: the first, by name, that says so. */
    private String leader() {
        List<String> managers = managers(false);
        if (managers.isEmpty()) {
            throw new CliException(noManager());
        }
        List<String> found = new ArrayList<>();
        for (String name : managers) {
            try {
                if (status(name).isLeader()) {
                    return name;
                }
                found.add(name);
            } catch (PluginException | RuntimeException e) {
                found.add(name + " (error: " + oneLine(e) + ")");
            }
        }
        throw new CliException("no manager plugin in " + session.plugins().directory() + " is the leader (found " + String.join(", ", found) + ")");
    }

    private String noManager() {
        return "no manager plugin found in " + session.plugins().directory();
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip().replaceAll("\\s*\\R\\s*", " ");
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
