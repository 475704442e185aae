package io.infrakit.cli;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupSpec;

import java.nio.file.Path;

/**
 * The verbs of {@code infrakit group} (and of the top-level {@code watch}, {@code update}, {@code destroy}) that
 * change a group. Each prints the plugin's answer; the changes made through {@code GroupControl} say they come
 * from the {@code cli}.
 */
final class GroupActions {

    private final Session session;
    private final GroupTarget target;

    GroupActions(Session session, GroupTarget target) {
        this.session = session;
        this.target = target;
    }

    /**
     * Commits a group spec: through {@code GroupControl.Commit} when the plugin has it (so the revision says
     * {@code cli}), else {@code Group.CommitGroup}; the output is the same.
     *
     * @param file the spec file
     * @param pretend {@code true} for a dry run
     * @throws PluginException if the plugin refuses
     */
    void commit(Path file, boolean pretend) throws PluginException {
        GroupControl control = target.controlIfAny();
        GroupSpec spec = new InputFile(file).decode(GroupSpec.class);
        String details = control != null
                ? control.commit(spec, pretend, GroupControl.Source.CLI)
                : target.group().commitGroup(spec, pretend);
        session.out().println(pretend
                ? "Committing " + spec.id() + " would involve: " + details
                : "Committed " + spec.id() + ": " + details);
    }

    /**
     * Destroys a group.
     *
     * @param id the group
     * @throws PluginException if the plugin refuses
     */
    void destroy(String id) throws PluginException {
        target.group().destroyGroup(id);
        session.out().println("destroy " + id + " initiated");
    }

    /**
     * Rolls a group back.
     *
     * @param id the group
     * @param revision the revision, 0 for the one before the latest
     * @throws PluginException if there is no such revision or the plugin keeps none
     */
    void rollback(String id, int revision) throws PluginException {
        session.out().println(target.control("rollback").rollback(id, revision, GroupControl.Source.CLI));
    }

    /**
     * Pauses a group's rollout.
     *
     * @param id the group
     * @throws PluginException if the plugin refuses
     */
    void pause(String id) throws PluginException {
        session.out().println(target.control("pause").pause(id, GroupControl.Source.CLI));
    }

    /**
     * Resumes a paused or stopped rollout.
     *
     * @param id the group
     * @throws PluginException if the plugin refuses
     */
    void resume(String id) throws PluginException {
        session.out().println(target.control("resume").resume(id, GroupControl.Source.CLI));
    }

    /**
     * Stops a group's rollout.
     *
     * @param id the group
     * @throws PluginException if the plugin refuses
     */
    void stop(String id) throws PluginException {
        session.out().println(target.control("stop").stop(id, GroupControl.Source.CLI));
    }
}
