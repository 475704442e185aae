package io.infrakit.itests;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.Manager;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** One object that is both a group plugin with fixed groups and a manager whose leadership can be switched. */
final class FakeGroupManager implements GroupPlugin, Manager {

    private final List<GroupSpec> groups;
    final AtomicBoolean leader = new AtomicBoolean(true);

    FakeGroupManager(List<GroupSpec> groups) {
        this.groups = List.copyOf(groups);
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        throw new PluginException("commit is not supported by this fake");
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        throw new PluginException("Group " + id + " is not managed here");
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        throw new PluginException("Group " + id + " is not managed here");
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        throw new PluginException("Group " + id + " is not managed here");
    }

    @Override
    public List<GroupSpec> inspectGroups() {
        return groups;
    }

    @Override
    public boolean isLeader() {
        return leader.get();
    }
}
