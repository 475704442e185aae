package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Manager;

import java.util.List;

/**
 * A local manager: a group plugin (the recording {@link FakeGroupPlugin}) with a set status, which
 * refuses changes when it does not lead, as the real manager does.
 */
final class FakeManager implements GroupPlugin, Manager {

    final FakeGroupPlugin groups = new FakeGroupPlugin();
    volatile LeaderStatus status;
    /** When set, asking for the status fails with it. */
    volatile RuntimeException broken;

    FakeManager(LeaderStatus status) {
        this.status = status;
    }

    @Override
    public boolean isLeader() throws PluginException {
        return status().isLeader();
    }

    @Override
    public LeaderStatus status() throws PluginException {
        if (broken != null) {
            throw broken;
        }
        return status;
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        if (!status.isLeader()) {
            throw new PluginException("Not the leader; the leader is " + status.leader());
        }
        return groups.commitGroup(spec, pretend);
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        groups.freeGroup(id);
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        return groups.describeGroup(id);
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        groups.destroyGroup(id);
    }

    @Override
    public List<GroupSpec> inspectGroups() throws PluginException {
        return groups.inspectGroups();
    }
}
