package io.infrakit.spi.group;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

/**
 * Operating groups beyond the original's {@link GroupPlugin}: status at a glance, the journal of what the
 * controller did, revisions and rollback, pause, resume and stop. A separate interface on the wire
 * ({@code GroupControl} 0.1.0, beside {@code Group} 0.1.0), so clients of the original never see it.
 *
 * <p>The manager implements all of it (it keeps the revisions); the default group plugin implements all but
 * {@link #history} and {@link #rollback}, which need the manager's store.
 */
@ConsumerType
public interface GroupControl {

    /** The interface this contract implements on the wire. */
    InterfaceSpec INTERFACE = new InterfaceSpec("GroupControl", "0.1.0");

    /** Where a change came from, for the revisions and the events. */
    final class Source {
        /** The Karaf shell ({@code infrakit:*}). */
        public static final String SHELL = "shell";
        /** The standalone {@code infrakit} command. */
        public static final String CLI = "cli";
        /** A {@code Group} 0.1.0 call on the socket (a Go client, curl) or from another bundle. */
        public static final String API = "api";
        /** The web console ({@code POST /api/groups/...} with the console's token). @since 0.5.0 */
        public static final String CONSOLE = "console";
        /** The manager, resuming its stored groups on gaining leadership. */
        public static final String LEADER = "leader";
        /** The controller itself ({@code Update.AutoRollback}). */
        public static final String CONTROLLER = "controller";

        private Source() {
        }
    }

    /**
     * Commits a group, as {@link GroupPlugin#commitGroup}, saying where the commit came from.
     *
     * @param spec the declared group
     * @param pretend {@code true} for a dry run
     * @param source where it came from (see {@link Source}; free text is kept as given)
     * @return the plan, in words
     * @throws PluginException if the declaration is refused
     */
    String commit(GroupSpec spec, boolean pretend, String source) throws PluginException;

    /**
     * The status of one group, with its members, or of every group, without.
     *
     * @param id a group ID, or {@code null} or empty for every group
     * @return the statuses, sorted by ID
     * @throws PluginException if the group is unknown
     */
    List<GroupStatus> status(String id) throws PluginException;

    /**
     * Reads a group's journal.
     *
     * @param id the group ID
     * @param after only events with a greater {@link GroupEvent#seq()} (0 for all)
     * @param limit at most this many, the latest ones (0 for the default, 100)
     * @param waitMillis how long to wait for an event when there is none yet (0: answer at once; at most 30 s)
     * @return the events, oldest first
     * @throws PluginException if the journal cannot be read
     */
    List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException;

    /**
     * A group's revisions: each commit that changed its configuration.
     *
     * @param id the group ID
     * @return the revisions, oldest first
     * @throws PluginException if the group is unknown or revisions are not kept here
     */
    List<Revision> history(String id) throws PluginException;

    /**
     * Rolls a group back to an earlier revision: a new revision whose spec is that revision's, rolled out
     * like any other.
     *
     * @param id the group ID
     * @param revision the revision to go back to, or 0 for the one before the latest
     * @param source where the request came from
     * @return the plan, in words
     * @throws PluginException if there is no such revision
     */
    String rollback(String id, int revision, String source) throws PluginException;

    /**
     * Holds a group's rollout where it is: no more members are replaced; missing members are still created,
     * at the configuration they had. A group paused while no rollout runs holds the next one.
     *
     * @param id the group ID
     * @param source where the request came from
     * @return what happened, in words
     * @throws PluginException if the group is unknown, being destroyed or already paused
     */
    String pause(String id, String source) throws PluginException;

    /**
     * Continues a paused or stopped rollout.
     *
     * @param id the group ID
     * @param source where the request came from
     * @return what happened, in words
     * @throws PluginException if the group is unknown or neither paused nor stopped
     */
    String resume(String id, String source) throws PluginException;

    /**
     * Ends a group's rollout and keeps its members as they are (the original's "stop an update"): no more
     * replacements; missing members are created at the configuration they had. A new configuration, a
     * rollback or {@link #resume} starts rolling again.
     *
     * @param id the group ID
     * @param source where the request came from
     * @return what happened, in words
     * @throws PluginException if the group is unknown or no rollout runs
     */
    String stop(String id, String source) throws PluginException;
}
