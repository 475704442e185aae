package io.infrakit.shell;

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
final class FakeGroupControl implements GroupPlugin, GroupControl {

    final FakeGroupPlugin groups = new FakeGroupPlugin();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<List<GroupStatus>> statuses = new ArrayList<>();
    volatile int statusCalls;
    final List<List<GroupEvent>> eventBatches = new ArrayList<>();
    private volatile int eventCalls;
    final List<Revision> revisions = new ArrayList<>();
    /** Verbs ({@code pause}, {@code history}...) that fail, with the message to fail with. */
    final Map<String, String> refusals = new LinkedHashMap<>();

    /** Answers these statuses, one per call, from now on. */
    FakeGroupControl answering(GroupStatus... sequence) {
        for (GroupStatus s : sequence) {
            statuses.add(List.of(s));
        }
        return this;
    }

    List<String> callsOf(String verb) {
        return calls.stream().filter(c -> c.startsWith(verb + " ")).toList();
    }

    @Override
    public String commit(GroupSpec spec, boolean pretend, String source) throws PluginException {
        calls.add("commit " + spec.id() + " pretend=" + pretend + " source=" + source);
        refuse("commit");
        return "Managing 3 instances (revision 2)";
    }

    @Override
    public synchronized List<GroupStatus> status(String id) throws PluginException {
        calls.add("status " + id);
        refuse("status");
        int n = statusCalls++;
        List<GroupStatus> all = statuses.isEmpty() ? List.of() : statuses.get(Math.min(n, statuses.size() - 1));
        if (id == null || id.isEmpty()) {
            return all.stream().map(GroupStatus::withoutMembers).toList();
        }
        List<GroupStatus> one = all.stream().filter(s -> s.id().equals(id)).toList();
        if (one.isEmpty()) {
            throw new PluginException("Group '" + id + "' is not being watched");
        }
        return one;
    }

    @Override
    public synchronized List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
        calls.add("events " + id + " after=" + after + " limit=" + limit + " wait=" + waitMillis);
        refuse("events");
        int n = eventCalls++;
        List<GroupEvent> batch = n < eventBatches.size() ? eventBatches.get(n) : List.of();
        return batch.stream().filter(e -> e.seq() > after).toList();
    }

    @Override
    public List<Revision> history(String id) throws PluginException {
        calls.add("history " + id);
        refuse("history");
        return List.copyOf(revisions);
    }

    @Override
    public String rollback(String id, int revision, String source) throws PluginException {
        calls.add("rollback " + id + " " + revision + " " + source);
        refuse("rollback");
        return "Rolling back group " + id + " to revision " + (revision == 0 ? 1 : revision) + " as revision 3: "
                + "Performing a rolling update on 3 instances";
    }

    @Override
    public String pause(String id, String source) throws PluginException {
        calls.add("pause " + id + " " + source);
        refuse("pause");
        return "Paused the rollout of group " + id + ": 1 of 3 instances have configuration sha2";
    }

    @Override
    public String resume(String id, String source) throws PluginException {
        calls.add("resume " + id + " " + source);
        refuse("resume");
        return "Resumed the rollout of group " + id;
    }

    @Override
    public String stop(String id, String source) throws PluginException {
        calls.add("stop " + id + " " + source);
        refuse("stop");
        return "Stopped the rollout of group " + id + ": the members keep their configurations";
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

    private void refuse(String verb) throws PluginException {
        String message = refusals.get(verb);
        if (message != null) {
            throw new PluginException(message);
        }
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
