package io.infrakit.itests;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An instance plugin that keeps its instances in memory and, when the test says so, misbehaves with an
 * {@link Error} on the next listing, once: either DescribeInstances throws it, or it answers a listing that
 * throws it when read (a lazily computed list), so that the error strikes in the group plugin's own code.
 */
final class ErraticInstancePlugin implements InstancePlugin {

    private final Map<String, Description> instances = new ConcurrentSkipListMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicReference<Supplier<Error>> throwNext = new AtomicReference<>();
    private final AtomicReference<Supplier<Error>> breakNext = new AtomicReference<>();
    private final AtomicInteger thrown = new AtomicInteger();

    /**
     * The next DescribeInstances throws an error.
     *
     * @param error makes the error
     */
    void throwOnNextListing(Supplier<Error> error) {
        throwNext.set(error);
    }

    /**
     * The next DescribeInstances answers a listing that throws an error at every read.
     *
     * @param error makes the error
     */
    void breakNextListing(Supplier<Error> error) {
        breakNext.set(error);
    }

    /** @return how many errors the plugin has thrown (from a call or from a listing being read) */
    int thrown() {
        return thrown.get();
    }

    /**
     * Loses an instance, as a machine that dies.
     *
     * @param id the instance
     */
    void lose(String id) {
        instances.remove(id);
    }

    /** @return the instances now, by ID */
    Map<String, Description> instances() {
        return Map.copyOf(instances);
    }

    @Override
    public void validate(RawJson properties) {
    }

    @Override
    public String provision(InstanceSpec spec) {
        String id = "erratic-" + ids.incrementAndGet();
        instances.put(id, new Description(id, spec.logicalID(), spec.tags()));
        return id;
    }

    @Override
    public void label(String instance, Map<String, String> labels) throws PluginException {
        throw new PluginException("label is not supported by this plugin");
    }

    @Override
    public void destroy(String instance) throws PluginException {
        if (instances.remove(instance) == null) {
            throw new PluginException("no instance " + instance);
        }
    }

    @Override
    public List<Description> describeInstances(Map<String, String> tags) {
        Supplier<Error> error = throwNext.getAndSet(null);
        if (error != null) {
            thrown.incrementAndGet();
            throw error.get();
        }
        List<Description> listing = instances.values().stream().filter(d -> Tags.matches(d.tags(), tags)).toList();
        Supplier<Error> broken = breakNext.getAndSet(null);
        return broken == null ? listing : new BrokenList(broken);
    }

    /** A listing whose every read throws. */
    private final class BrokenList extends AbstractList<Description> {
        private final Supplier<Error> error;

        BrokenList(Supplier<Error> error) {
            this.error = error;
        }

        private Error fail() {
            thrown.incrementAndGet();
            return error.get();
        }

        @Override
        public Description get(int index) {
            throw fail();
        }

        @Override
        public int size() {
            throw fail();
        }

        @Override
        public Iterator<Description> iterator() {
            throw fail();
        }
    }
}
