package io.infrakit.itests;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An instance plugin that keeps its instances in memory, counts every call and refuses to destroy while
 * {@link #failDestroy} is set: a plugin the test controls, served to the distribution over a socket
 * ({@link TestPluginHost}) so that it outlives the Karaf it serves.
 */
final class MemoryInstancePlugin implements InstancePlugin {

    private final String prefix;
    private final Map<String, Description> instances = new ConcurrentHashMap<>();
    private final List<Description> provisioned = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** How many DescribeInstances calls came, by the {@code infrakit.group} tag asked for ({@code ""} for none). */
    private final Map<String, AtomicInteger> listings = new ConcurrentHashMap<>();

    /** How many Destroy calls came, failed ones included. */
    final AtomicInteger destroyCalls = new AtomicInteger();

    /** When each Destroy call came ({@link System#nanoTime()}), failed ones included. */
    private final List<Long> destroyTimes = new ArrayList<>();

    /** While set, Destroy fails and destroys nothing. */
    volatile boolean failDestroy;

    /**
     * Creates the plugin.
     *
     * @param prefix the start of its instance IDs
     */
    MemoryInstancePlugin(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void validate(RawJson properties) {
    }

    @Override
    public String provision(InstanceSpec spec) {
        String id = prefix + ids.incrementAndGet();
        Description d = new Description(id, spec.logicalID(), spec.tags() == null ? Map.of() : spec.tags());
        synchronized (provisioned) {
            provisioned.add(d);
        }
        instances.put(id, d);
        return id;
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        Description d = instances.get(instance);
        if (d == null) {
            throw new PluginException("no such instance: " + instance);
        }
        Map<String, String> tags = new HashMap<>(d.tags());
        tags.putAll(labels);
        instances.put(instance, new Description(instance, d.logicalID(), tags));
    }

    @Override
    public void destroy(String instance) throws PluginException {
        destroyCalls.incrementAndGet();
        synchronized (destroyTimes) {
            destroyTimes.add(System.nanoTime());
        }
        if (failDestroy) {
            throw new PluginException("Destroy of " + instance + " refused: the test makes this plugin fail");
        }
        if (instances.remove(instance) == null) {
            throw new PluginException("no such instance: " + instance);
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) {
        String group = tags == null ? "" : tags.getOrDefault("infrakit.group", "");
        listings.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
        return instances.values().stream().filter(d -> Tags.matches(d.tags(), tags)).toList();
    }

    /**
     * How many listings of a group's members came: one per cycle of the group's loop, and one per DescribeGroup.
     *
     * @param group the group ID
     * @return how many DescribeInstances calls asked for its tag
     */
    int listings(String group) {
        AtomicInteger count = listings.get(group);
        return count == null ? 0 : count.get();
    }

    /**
     * When each Destroy call came, in order.
     *
     * @return {@link System#nanoTime()} of each
     */
    List<Long> destroyTimes() {
        synchronized (destroyTimes) {
            return List.copyOf(destroyTimes);
        }
    }

    /**
     * Removes an instance behind the group's back, as if it had vanished.
     *
     * @param id the instance
     */
    void vanish(String id) {
        instances.remove(id);
    }

    /**
     * The instances provisioned so far (destroyed ones included), in order.
     *
     * @return what each was provisioned as
     */
    List<Description> provisioned() {
        synchronized (provisioned) {
            return List.copyOf(provisioned);
        }
    }

    /**
     * How many instances were provisioned so far with some tags (destroyed ones included).
     *
     * @param tags the tags they were provisioned with (all of them)
     * @return how many
     */
    long provisioned(Map<String, String> tags) {
        return provisioned().stream().filter(d -> Tags.matches(d.tags(), tags)).count();
    }

    /**
     * The instances there now with some tags, without counting a listing.
     *
     * @param tags the tags they carry (all of them)
     * @return them
     */
    List<Description> present(Map<String, String> tags) {
        return instances.values().stream().filter(d -> Tags.matches(d.tags(), tags)).toList();
    }
}
