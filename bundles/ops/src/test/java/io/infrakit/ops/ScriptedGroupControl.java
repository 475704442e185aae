package io.infrakit.ops;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For the tests of the CLI and the shell (in this module's test jar): a {@link GroupControl} answering from scripts: the statuses it answers call after call (the last one repeated),
 * the batches of events it answers call after call, and the refusals of each verb. It logs every call.
 */
public class ScriptedGroupControl implements GroupControl {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    /** What each status call answers in turn, for every group; the last is repeated. */
    public final List<List<GroupStatus>> statuses = new CopyOnWriteArrayList<>();
    public final AtomicInteger statusCalls = new AtomicInteger();
    /** What each events call answers in turn (only the events after the one asked for); then nothing. */
    public final List<List<GroupEvent>> eventBatches = new CopyOnWriteArrayList<>();
    private final AtomicInteger eventCalls = new AtomicInteger();
    public final List<Revision> revisions = new CopyOnWriteArrayList<>();
    /** Verbs ({@code pause}, {@code history}...) that fail, with the message to fail with. */
    public final Map<String, String> refusals = new ConcurrentHashMap<>();

    /** Answers these statuses from now on. */
    public ScriptedGroupControl answering(GroupStatus... sequence) {
        for (GroupStatus s : sequence) {
            statuses.add(List.of(s));
        }
        return this;
    }

    @Override
    public String commit(GroupSpec spec, boolean pretend, String source) throws PluginException {
        calls.add("commit " + spec.id() + " pretend=" + pretend + " source=" + source);
        refuse("commit");
        return "Managing 3 instances (revision 2)";
    }

    @Override
    public List<GroupStatus> status(String id) throws PluginException {
        calls.add("status " + id);
        refuse("status");
        int n = statusCalls.getAndIncrement();
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
    public List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
        calls.add("events " + id + " after=" + after + " limit=" + limit + " wait=" + waitMillis);
        refuse("events");
        int n = eventCalls.getAndIncrement();
        List<GroupEvent> batch = n < eventBatches.size() ? eventBatches.get(n) : List.of();
        return new ArrayList<>(batch.stream().filter(e -> e.seq() > after).toList());
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

    /** The calls of one verb. */
    public List<String> callsOf(String verb) {
        return calls.stream().filter(c -> c.startsWith(verb + " ")).toList();
    }

    private void refuse(String verb) throws PluginException {
        String message = refusals.get(verb);
        if (message != null) {
            throw new PluginException(message);
        }
    }
}
