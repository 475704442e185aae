package io.infrakit.shell;

import io.infrakit.ops.ScriptedGroupControl;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A group plugin with GroupControl, as the manager is: Group 0.1.0 from a {@link FakeGroupPlugin}, GroupControl
 * from scripts (the statuses it answers call after call, the last one repeated; the batches of events; the
 * refusals of each verb). Every GroupControl call is logged.
 */
final class FakeGroupControl extends ScriptedGroupControl implements GroupPlugin {

    final FakeGroupPlugin groups = new FakeGroupPlugin();

    @Override
    public FakeGroupControl answering(GroupStatus... sequence) {
        super.answering(sequence);
        return this;
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
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


    /**
     * What the registry hands out for a Go group plugin behind a socket: a GroupControl proxy whose first call
     * fails the handshake, over a plugin with Group 0.1.0 only.
     */
    static final class GoPluginProxy implements GroupPlugin, GroupControl {
        final FakeGroupPlugin groups = new FakeGroupPlugin();
        int controlCalls;

        private <T> T refused() throws PluginException {
            controlCalls++;
            throw new PluginException("Plugin does not support interface {GroupControl 0.1.0} (/tmp/plugins/group implements [{Group 0.1.0}])");
        }

        @Override
        public String commit(GroupSpec spec, boolean pretend, String source) throws PluginException {
            return refused();
        }

        @Override
        public synchronized List<GroupStatus> status(String id) throws PluginException {
            return refused();
        }

        @Override
        public List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
            return refused();
        }

        @Override
        public List<Revision> history(String id) throws PluginException {
            return refused();
        }

        @Override
        public String rollback(String id, int revision, String source) throws PluginException {
            return refused();
        }

        @Override
        public String pause(String id, String source) throws PluginException {
            return refused();
        }

        @Override
        public String resume(String id, String source) throws PluginException {
            return refused();
        }

        @Override
        public String stop(String id, String source) throws PluginException {
            return refused();
        }

        @Override
        public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
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
}
