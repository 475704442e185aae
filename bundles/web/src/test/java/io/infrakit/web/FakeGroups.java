package io.infrakit.web;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A manager ({@code group}) that a test scripts: the statuses it reports, its leadership, and the actions it was asked
 * for; and a registry that finds it, or nothing when {@link #manager} is {@code false}.
 */
final class FakeGroups implements GroupControl, GroupPlugin, Manager, PluginRegistry {

    final Map<String, GroupStatus> statuses = new ConcurrentHashMap<>();
    final List<String> actions = new CopyOnWriteArrayList<>();
    volatile LeaderStatus leader = LeaderStatus.leader("node-1");
    volatile boolean manager = true;

    @Override
    @SuppressWarnings("unchecked")
    public <T> T lookup(String name, Class<T> spi) throws PluginNotFoundException {
        if (!"group".equals(name) || (spi == Manager.class && !manager)) {
            throw new PluginNotFoundException("Plugin not found: " + name);
        }
        return (T) this;
    }

    @Override
    public List<PluginInfo> plugins() {
        return List.of(new PluginInfo("group", true, List.of(GroupPlugin.INTERFACE, Manager.INTERFACE), List.of(), "/run/ik/group", null,
                "io.infrakit.manager/1.2.3"));
    }

    @Override
    public LeaderStatus status() {
        return leader;
    }

    @Override
    public boolean isLeader() {
        return leader.isLeader();
    }

    @Override
    public List<GroupStatus> status(String id) throws PluginException {
        if (id == null || id.isEmpty()) {
            return new TreeMap<>(statuses).values().stream().map(GroupStatus::withoutMembers).toList();
        }
        GroupStatus s = statuses.get(id);
        if (s == null) {
            throw new PluginException("Group " + id + " is not known");
        }
        return List.of(s);
    }

    @Override
    public List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
        status(id);
        List<GroupEvent> out = new ArrayList<>();
        for (long seq = after + 1; seq <= 3; seq++) {
            out.add(new GroupEvent(seq, 1000 * seq, id, GroupEvent.Type.INSTANCE_CREATED, "Created one", "i-" + seq, "sha", 1, null, 1,
                    GroupEvent.Cause.MISSING));
        }
        return out;
    }

    @Override
    public List<Revision> history(String id) throws PluginException {
        throw new PluginException("Revisions are kept by the manager, not by group-stateless");
    }

    @Override
    public String commit(GroupSpec spec, boolean pretend, String source) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String rollback(String id, int revision, String source) throws PluginException {
        return act("rollback " + id + " " + revision + " " + source);
    }

    @Override
    public String pause(String id, String source) throws PluginException {
        status(id);
        return act("pause " + id + " " + source);
    }

    @Override
    public String resume(String id, String source) throws PluginException {
        throw new PluginException("Group " + id + " is not paused");
    }

    @Override
    public String stop(String id, String source) throws PluginException {
        return act("stop " + id + " " + source);
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        act("destroy " + id);
    }

    private String act(String what) {
        actions.add(what);
        return "Done: " + what;
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void freeGroup(String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public GroupDescription describeGroup(String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<GroupSpec> inspectGroups() {
        throw new UnsupportedOperationException();
    }

    static GroupStatus.Member member(String id, String health, boolean upToDate) {
        return new GroupStatus.Member(id, null, health, upToDate, upToDate ? "new" : "old");
    }
}
