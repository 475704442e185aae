package io.infrakit.rpc;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.ChangeLog;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.Manager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Small recording fakes of every plugin interface. */
public final class Fakes {

    private Fakes() {
    }

    /** An instance plugin that keeps instances in memory and records every call. */
    public static class Instances implements InstancePlugin {
        public final List<String> calls = new CopyOnWriteArrayList<>();
        public final List<InstanceSpec> provisioned = new CopyOnWriteArrayList<>();
        public final List<Description> instances = new CopyOnWriteArrayList<>();
        public volatile RawJson validated;
        private final String prefix;

        public Instances(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void validate(RawJson properties) throws PluginException {
            calls.add("validate");
            validated = properties;
            if (properties != null && properties.json().contains("\"bad\"")) {
                throw new PluginException("bad properties");
            }
        }

        @Override
        public String provision(InstanceSpec spec) {
            calls.add("provision");
            provisioned.add(spec);
            String id = prefix + "-" + provisioned.size();
            instances.add(new Description(id, spec.logicalID(), spec.tags()));
            return id;
        }

        @Override
        public void label(String instance, Map<String, String> labels) {
            calls.add("label " + instance + " " + labels);
        }

        @Override
        public void destroy(String instance) throws PluginException {
            calls.add("destroy " + instance);
            if (!instances.removeIf(d -> d.id().equals(instance))) {
                throw new PluginException("no such instance: " + instance);
            }
        }

        @Override
        public List<Description> describeInstances(Map<String, String> tags) {
            calls.add("describe " + tags);
            List<Description> out = new ArrayList<>();
            for (Description d : instances) {
                if (io.infrakit.spi.Tags.matches(d.tags(), tags)) {
                    out.add(d);
                }
            }
            return out;
        }
    }

    /** A flavor that appends a line to Init and answers a fixed health. */
    public static class Flavor implements FlavorPlugin {
        public final Health health;
        public final List<String> calls = new CopyOnWriteArrayList<>();

        public Flavor(Health health) {
            this.health = health;
        }

        @Override
        public void validate(RawJson properties, Allocation allocation) throws PluginException {
            calls.add("validate " + allocation);
            if (allocation.size() == 0 && allocation.logicalIDs() == null) {
                throw new PluginException("Allocation must not be blank");
            }
        }

        @Override
        public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
            calls.add("prepare");
            return spec.withInit(spec.init().isEmpty() ? "flavored" : spec.init() + "\nflavored");
        }

        @Override
        public Health healthy(RawJson properties, Description instance) {
            calls.add("healthy " + instance.id());
            return health;
        }

        @Override
        public void drain(RawJson properties, Description instance) {
            calls.add("drain " + instance.id());
        }
    }

    /** A group plugin and manager in one object, remembering committed specs. */
    public static class GroupAndManager implements GroupPlugin, Manager {
        public final List<GroupSpec> committed = new CopyOnWriteArrayList<>();
        public volatile boolean leader = true;

        @Override
        public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
            if (spec.id().isEmpty()) {
                throw new PluginException("Group ID must not be blank");
            }
            if (!pretend) {
                committed.add(spec);
            }
            return (pretend ? "Would manage " : "Managing ") + spec.id();
        }

        @Override
        public void freeGroup(String id) throws PluginException {
            if (!committed.removeIf(s -> s.id().equals(id))) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
        }

        @Override
        public GroupDescription describeGroup(String id) {
            return new GroupDescription(List.of(new Description(id + "-1", null, Map.of("infrakit.group", id))), true);
        }

        @Override
        public void destroyGroup(String id) throws PluginException {
            freeGroup(id);
        }

        @Override
        public List<GroupSpec> inspectGroups() {
            return List.copyOf(committed);
        }

        @Override
        public boolean isLeader() {
            return leader;
        }
    }

    /**
     * An instance plugin that also reports the changes of its instances, as our plugins do: one object, both
     * interfaces, the changes kept in a {@link ChangeLog}. Records the waits it was asked for.
     */
    public static class ChangingInstances extends Instances implements InstanceChanges {
        public final ChangeLog log = new ChangeLog(100);
        public final List<Long> waits = new CopyOnWriteArrayList<>();

        public ChangingInstances(String prefix) {
            super(prefix);
        }

        /** An instance went away without a Destroy: it is no longer listed, and the change is recorded. */
        public void lose(String id, Map<String, String> tags, String detail) {
            instances.removeIf(d -> d.id().equals(id));
            log.record(new Change(id, tags, Kind.GONE, detail));
        }

        @Override
        public Changes changes(long after, long waitMillis) throws PluginException {
            waits.add(waitMillis);
            try {
                return log.since(after, waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("interrupted while waiting for changes");
            }
        }
    }
}
