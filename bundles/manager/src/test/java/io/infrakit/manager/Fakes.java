package io.infrakit.manager;

import io.infrakit.group.DefaultGroupPlugin;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.GroupStore;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.LeadershipListener;
import io.infrakit.spi.manager.StoreConflictException;
import io.infrakit.spi.manager.StoredGroups;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** In-memory backends and a stateless group plugin for testing the manager without a framework. */
final class Fakes {

    private Fakes() {
    }

    /** A stateless group plugin that keeps the committed specs and logs every call. */
    static final class StatelessGroups implements GroupPlugin {
        final Map<String, GroupSpec> watched = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** Called at each commit, before it is applied (to look at the store at that moment, say). */
        volatile Consumer<GroupSpec> onCommit = spec -> { };
        volatile String rejectCommits;
        /** Called at each destroy, before it is applied; a destroy that keeps the group (one still under way) when it answers false. */
        volatile java.util.function.Predicate<String> onDestroy = id -> true;

        @Override
        public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
            calls.add((pretend ? "pretend " : "commit ") + spec.id());
            if (rejectCommits != null) {
                throw new PluginException(rejectCommits);
            }
            onCommit.accept(spec);
            String details = watched.containsKey(spec.id()) ? "Noop" : "Managing 3 instances";
            if (!pretend) {
                watched.put(spec.id(), spec);
            }
            return details;
        }

        @Override
        public void freeGroup(String id) throws PluginException {
            calls.add("free " + id);
            if (watched.remove(id) == null) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
        }

        @Override
        public GroupDescription describeGroup(String id) throws PluginException {
            calls.add("describe " + id);
            if (!watched.containsKey(id)) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
            return new GroupDescription(List.of(), true);
        }

        @Override
        public void destroyGroup(String id) throws PluginException {
            calls.add("destroy " + id);
            if (!watched.containsKey(id)) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
            if (onDestroy.test(id)) {
                watched.remove(id);
            }
        }

        @Override
        public List<GroupSpec> inspectGroups() {
            return watched.values().stream().sorted(Comparator.comparing(GroupSpec::id)).toList();
        }
    }

    /** A registry with plugins put in by the test. */
    static final class Registry implements PluginRegistry {
        final Map<String, Object> plugins = new ConcurrentHashMap<>();

        @Override
        public <T> T lookup(String name, Class<T> spi) throws PluginNotFoundException {
            Object plugin = plugins.get(name);
            if (!spi.isInstance(plugin)) {
                throw new PluginNotFoundException("Plugin not found: " + name + " (looked up using a test registry)");
            }
            return spi.cast(plugin);
        }

        @Override
        public List<PluginInfo> plugins() {
            return List.of();
        }
    }

    /** A leadership whose statuses the test sets. */
    static final class ManualLeadership implements Leadership {
        private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
        private volatile LeaderStatus status;
        final AtomicInteger closed = new AtomicInteger();

        /** @param initial the status reported at join, or {@code null} for none until {@link #set} */
        ManualLeadership(LeaderStatus initial) {
            this.status = initial;
        }

        @Override
        public Election join(String name, LeadershipListener listener) {
            listeners.add(listener);
            if (status != null) {
                listener.leadershipChanged(status);
            }
            return new Election() {
                @Override
                public LeaderStatus status() {
                    return status;
                }

                @Override
                public void close() {
                    listeners.remove(listener);
                    closed.incrementAndGet();
                }
            };
        }

        synchronized void set(LeaderStatus next) {
            status = next;
            listeners.forEach(l -> l.leadershipChanged(next));
        }
    }

    /** A store in memory, with a version counter; it can refuse saves. */
    static final class MemoryStore implements GroupStore {
        private String json;
        private long version = StoredGroups.NONE;
        final AtomicInteger saves = new AtomicInteger();
        /** How many of the next saves fail with a conflict, as if another writer got there first. */
        final AtomicInteger conflicts = new AtomicInteger();
        volatile String down;
        /** Saves fail with this message while it is set; loads still work. */
        volatile String refuseSaves;
        final List<String> history = new ArrayList<>();

        MemoryStore() {
        }

        MemoryStore(String json) {
            this.json = json;
            this.version = 0;
        }

        @Override
        public synchronized StoredGroups load() throws PluginException {
            if (down != null) {
                throw new PluginException(down);
            }
            return new StoredGroups(json, version);
        }

        @Override
        public synchronized long save(String text, long expectedVersion) throws PluginException {
            if (down != null) {
                throw new PluginException(down);
            }
            if (refuseSaves != null) {
                throw new PluginException(refuseSaves);
            }
            if (conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                version++;
                throw new StoreConflictException("changed by another writer");
            }
            if (expectedVersion != version) {
                throw new StoreConflictException("expected version " + expectedVersion + ", store is at " + version);
            }
            saves.incrementAndGet();
            json = text;
            history.add(text);
            return ++version;
        }

        synchronized String json() {
            return json;
        }
    }

    /** The default group plugin's configuration for tests: a short poll, 4 calls at once, 5 s call timeout. */
    static DefaultGroupPlugin.Config groupConfig(long pollMillis) {
        return new DefaultGroupPlugin.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DefaultGroupPlugin.Config.class;
            }

            @Override
            public String infrakit_plugin_name() {
                return "group-stateless";
            }

            @Override
            public long poll_interval_ms() {
                return pollMillis;
            }

            @Override
            public int max_parallel() {
                return 4;
            }

            @Override
            public long max_size() {
                return 100_000;
            }

            @Override
            public long destroy_wait_ms() {
                return 5_000;
            }

            @Override
            public long unhealthy_grace_ms() {
                return 30000;
            }

            @Override
            public long pending_timeout_ms() {
                return 5000;
            }

            @Override
            public long call_timeout_ms() {
                return 5000;
            }
        };
    }
}
