package io.infrakit.cli;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupSpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code infrakit group}: a group plugin (default name {@code group}). The original's verbs, and the operator's
 * verbs of {@code GroupControl} (status, events, history, rollback, pause, resume, stop) for the plugins that have it.
 */
@Command(name = "group", description = "Access group plugin")
final class GroupCommand extends CommandGroup {

    static final String DEFAULT_NAME = "group";

    @Mixin
    PluginNameOption plugin;

    private final Session session;

    GroupCommand(Session session) {
        this.session = session;
    }

    private GroupTarget target() {
        return new GroupTarget(session, plugin.orElse(DEFAULT_NAME));
    }

    @Command(name = "commit", description = "commit a group configuration")
    void commit(@Parameters(paramLabel = "<group configuration file>") Path file,
                @Option(names = "--pretend", description = "Don't actually commit, only explain the commit") boolean pretend)
            throws PluginException {
        new GroupActions(session, target()).commit(file, pretend);
    }

    @Command(name = "free", description = "free a group from active monitoring, nondestructive")
    void free(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        target().group().freeGroup(id);
        session.out().println("Freed " + id);
    }

    @Command(name = "describe", description = "describe a group: its status, then the live instances that make it up")
    void describe(@Parameters(paramLabel = "<group ID>") String id,
                  @Option(names = {"-q", "--quiet"}, description = "Print the instance rows (ID LOGICAL TAGS) without column headers") boolean quiet,
                  @Option(names = "--json", description = "Print the status and the instances as JSON") boolean json,
                  @Option(names = {"-w", "--watch"}, description = "Print again each time it changes, until interrupted") boolean watch)
            throws PluginException {
        new GroupReports(session, target()).describe(id, quiet, json, watch);
    }

    @Command(name = "inspect", description = "return the raw configuration associated with a group")
    void inspect(@Parameters(paramLabel = "<group ID>") String id,
                 @Option(names = "--json", description = "Accepted for symmetry: the output is always JSON") boolean asJson)
            throws PluginException {
        for (GroupSpec spec : target().group().inspectGroups()) {
            if (spec.id().equals(id)) {
                session.printJson(spec, "");
                return;
            }
        }
        throw new CliException("Group " + id + " is not being watched");
    }

    @Command(name = "destroy", description = "destroy a group")
    void destroy(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        new GroupActions(session, target()).destroy(id);
    }

    @Command(name = "ls", description = "list groups: desired, current, ready and up-to-date members, revision and status")
    void ls(@Option(names = {"-q", "--quiet"}, description = "Print only the group IDs") boolean quiet,
            @Option(names = "--json", description = "Print the statuses as JSON") boolean json,
            @Option(names = {"-w", "--watch"}, description = "Print again each time it changes, until interrupted") boolean watch)
            throws PluginException {
        new GroupReports(session, target()).ls(quiet, json, watch);
    }

    @Command(name = "status", description = "print a group's status; with --wait, wait for its rollout to end "
            + "(exit 0 when converged, 1 when it failed or rolled back, or at the timeout)")
    void status(@Parameters(paramLabel = "<group ID>") String id,
                @Option(names = "--wait", description = "Wait until the group is converged, its rollout failed, or the timeout") boolean wait,
                @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "5m", converter = DurationConverter.class,
                        description = "How long --wait waits: 90s, 5m, 1h, or seconds; 0 for no limit (default: ${DEFAULT-VALUE})")
                Duration timeout,
                @Option(names = "--json", description = "Print the status as JSON (with --wait: the last one)") boolean json)
            throws PluginException {
        new GroupReports(session, target()).status(id, wait, timeout, json);
    }

    @Command(name = "events", description = "print what the group's controller did: TIME TYPE REVISION INSTANCE MESSAGE")
    void events(@Parameters(paramLabel = "<group ID>") String id,
                @Option(names = {"-f", "--follow"}, description = "Go on printing new events as they come, until interrupted") boolean follow,
                @Option(names = "--json", description = "Print the events as JSON (with --follow: one object per line)") boolean json,
                @Option(names = "--limit", paramLabel = "<n>", defaultValue = "0",
                        description = "At most this many of the latest events (default: the plugin's, 100)") int limit)
            throws PluginException {
        if (limit < 0) {
            throw new CliException("--limit must not be negative");
        }
        new GroupReports(session, target()).events(id, follow, json, limit);
    }

    @Command(name = "history", description = "print the group's revisions: REVISION CONFIG TIME SOURCE REASON")
    void history(@Parameters(paramLabel = "<group ID>") String id,
                 @Option(names = "--json", description = "Print the revisions, with their specs, as JSON") boolean json)
            throws PluginException {
        new GroupReports(session, target()).history(id, json);
    }

    @Command(name = "rollback", description = "roll a group back to an earlier revision (a new revision with that one's spec)")
    void rollback(@Parameters(paramLabel = "<group ID>") String id,
                  @Option(names = "--to-revision", paramLabel = "<n>", defaultValue = "0",
                          description = "The revision to go back to (default: the one before the latest)") int revision)
            throws PluginException {
        if (revision < 0) {
            throw new CliException("--to-revision must not be negative");
        }
        new GroupActions(session, target()).rollback(id, revision);
    }

    @Command(name = "pause", description = "hold a group's rollout: no member is replaced until it is resumed")
    void pause(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        new GroupActions(session, target()).pause(id);
    }

    @Command(name = "resume", description = "continue a paused or stopped rollout")
    void resume(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        new GroupActions(session, target()).resume(id);
    }

    @Command(name = "stop", description = "end a group's rollout, keeping its members as they are")
    void stop(@Parameters(paramLabel = "<group ID>") String id) throws PluginException {
        new GroupActions(session, target()).stop(id);
    }
}
