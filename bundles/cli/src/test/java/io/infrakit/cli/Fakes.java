package io.infrakit.cli;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.Manager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory plugins that behave like the reference ones closely enough for the command's output. */
final class Fakes {

    private Fakes() {
    }

    /** Instances kept in a map; IDs {@code <prefix>-1}, {@code <prefix>-2}... */
    static final class Instances implements InstancePlugin {
        final Map<String, Description> instances = new LinkedHashMap<>();
        final List<InstanceSpec> provisioned = new CopyOnWriteArrayList<>();
        volatile RawJson validated;
        private final String prefix;

        Instances(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void validate(RawJson properties) throws PluginException {
            validated = properties;
            if (properties == null || !properties.json().startsWith("{")) {
                throw new PluginException("Invalid properties: expected a JSON object");
            }
        }

        @Override
        public synchronized String provision(InstanceSpec spec) {
            provisioned.add(spec);
            String id = prefix + "-" + provisioned.size();
            instances.put(id, new Description(id, spec.logicalID(), spec.tags()));
            return id;
        }

        @Override
        public void label(String instance, Map<String, String> labels) {
        }

        @Override
        public synchronized void destroy(String instance) throws PluginException {
            if (instances.remove(instance) == null) {
                throw new PluginException("remove /var/run/instances/" + instance + ": no such file or directory");
            }
        }

        @Override
        public synchronized List<Description> describeInstances(Map<String, String> tags) {
            return instances.values().stream().filter(d -> Tags.matches(d.tags(), tags)).toList();
        }
    }

    /** A flavor that adds a tag and an init line, and answers a set health. */
    static final class Flavor implements FlavorPlugin {
        volatile Allocation validatedAllocation;
        volatile RawJson validatedProperties;
        volatile Description judged;
        volatile Health health = Health.HEALTHY;

        @Override
        public void validate(RawJson properties, Allocation allocation) throws PluginException {
            validatedProperties = properties;
            validatedAllocation = allocation;
            if (allocation.size() == 0 && allocation.logicalIDs().isEmpty()) {
                throw new PluginException("Allocation must not be blank");
            }
        }

        @Override
        public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
            Map<String, String> tags = new TreeMap<>(spec.tags() == null ? Map.of() : spec.tags());
            tags.put("tier", "web");
            String init = spec.init().isEmpty() ? "line1" : spec.init() + "\nline1";
            return spec.withTags(tags).withInit(init);
        }

        @Override
        public Health healthy(RawJson properties, Description instance) {
            judged = instance;
            return health;
        }

        @Override
        public void drain(RawJson properties, Description instance) {
        }
    }

    /** Groups kept in a map; also a manager, leader or not. */
    static final class Groups implements GroupPlugin, Manager {
        final Map<String, GroupSpec> groups = new LinkedHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Description> members = new ArrayList<>();
        /** Group IDs refused even as a dry run, with the message to refuse them with. */
        final Map<String, String> refusals = new ConcurrentHashMap<>();
        /** Group IDs whose real (not pretend) commit fails, with the message to fail with. */
        final Map<String, String> failures = new ConcurrentHashMap<>();
        volatile boolean leader;
        /** When set, asking whether it leads fails with this message. */
        volatile String leaderError;

        @Override
        public synchronized String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
            calls.add((pretend ? "pretend " : "commit ") + spec.id());
            if (spec.id().isBlank()) {
                throw new PluginException("Group ID must not be blank");
            }
            if (refusals.containsKey(spec.id())) {
                throw new PluginException(refusals.get(spec.id()));
            }
            if (!pretend && failures.containsKey(spec.id())) {
                throw new PluginException(failures.get(spec.id()));
            }
            String details = groups.containsKey(spec.id()) ? "Noop" : "Managing 3 instances";
            if (!pretend) {
                groups.put(spec.id(), spec);
            }
            return details;
        }

        @Override
        public synchronized void freeGroup(String id) throws PluginException {
            watched(id);
            groups.remove(id);
            calls.add("free " + id);
        }

        @Override
        public synchronized GroupDescription describeGroup(String id) throws PluginException {
            watched(id);
            return new GroupDescription(members, true);
        }

        @Override
        public synchronized void destroyGroup(String id) throws PluginException {
            watched(id);
            groups.remove(id);
            calls.add("destroy " + id);
        }

        @Override
        public synchronized List<GroupSpec> inspectGroups() {
            return List.copyOf(groups.values());
        }

        @Override
        public boolean isLeader() throws PluginException {
            if (leaderError != null) {
                throw new PluginException(leaderError);
            }
            return leader;
        }

        private void watched(String id) throws PluginException {
            if (!groups.containsKey(id)) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
        }
    }
}
