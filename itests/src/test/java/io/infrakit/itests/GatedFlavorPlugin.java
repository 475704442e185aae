package io.infrakit.itests;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flavor plugin a test controls: each of Validate, Prepare and Healthy passes a {@link Gate} that the test
 * closes to make the call hang (a plugin that hangs) and opens to let it go. Prepare can tag every instance
 * with the node that asked for it ({@value #NODE_TAG}), so an instance file tells which node provisioned it.
 * It records every Prepare and Drain with the time of the call, and how many Healthy calls of each group
 * run at once. Healthy answers {@link Health#HEALTHY} once through its gate.
 */
final class GatedFlavorPlugin implements FlavorPlugin {

    /** The tag Prepare adds, naming the node whose group plugin asked. */
    static final String NODE_TAG = "itest.node";

    /** The longest a closed gate holds a call: no test leaves a thread behind for longer. */
    static final Duration MAX_HOLD = Duration.ofSeconds(60);

    /** A call of this plugin: which, about which instance (or group), when ({@link System#nanoTime()}). */
    record Call(String method, String subject, long nanos) {
    }

    /** Where calls wait while the test says so. Open when made. */
    static final class Gate {
        private volatile CountDownLatch latch = new CountDownLatch(0);
        private final AtomicInteger entered = new AtomicInteger();
        private final AtomicInteger released = new AtomicInteger();

        /** From now on calls wait (at most {@link #MAX_HOLD}). */
        void close() {
            latch = new CountDownLatch(1);
        }

        /** Lets every waiting call go, and those to come. */
        void open() {
            latch.countDown();
        }

        /** @return whether calls pass */
        boolean isOpen() {
            return latch.getCount() == 0;
        }

        /** @return how many calls have waited at this gate while it was closed */
        int entered() {
            return entered.get();
        }

        /** @return how many of those calls have gone on since */
        int released() {
            return released.get();
        }

        void pass() throws PluginException {
            CountDownLatch l = latch;
            if (l.getCount() == 0) {
                return;
            }
            entered.incrementAndGet();
            try {
                l.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("interrupted at the test's gate");
            } finally {
                released.incrementAndGet();
            }
        }
    }

    final Gate validate = new Gate();
    final Gate prepare = new Gate();
    final Gate healthy = new Gate();

    private final String node;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> healthyInFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> healthyMostAtOnce = new ConcurrentHashMap<>();

    /**
     * @param node the value of {@value #NODE_TAG} Prepare adds, or {@code null} to add none
     */
    GatedFlavorPlugin(String node) {
        this.node = node;
    }

    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        calls.add(new Call("Validate", "", System.nanoTime()));
        validate.pass();
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
        String group = spec.tags() == null ? "" : spec.tags().getOrDefault("infrakit.group", "");
        calls.add(new Call("Prepare", group, System.nanoTime()));
        prepare.pass();
        if (node == null) {
            return spec;
        }
        Map<String, String> tags = new TreeMap<>(spec.tags() == null ? Map.of() : spec.tags());
        tags.put(NODE_TAG, node);
        return spec.withTags(tags);
    }

    @Override
    public Health healthy(RawJson properties, Description instance) throws PluginException {
        String group = instance.tags() == null ? "" : instance.tags().getOrDefault("infrakit.group", "");
        AtomicInteger now = healthyInFlight.computeIfAbsent(group, g -> new AtomicInteger());
        int inFlight = now.incrementAndGet();
        healthyMostAtOnce.computeIfAbsent(group, g -> new AtomicInteger()).accumulateAndGet(inFlight, Math::max);
        try {
            healthy.pass();
            return Health.HEALTHY;
        } finally {
            now.decrementAndGet();
        }
    }

    @Override
    public void drain(RawJson properties, Description instance) {
        calls.add(new Call("Drain", instance.id(), System.nanoTime()));
    }

    /**
     * @param group a group ID
     * @return the most Healthy calls about that group's members that were in flight at once
     */
    int healthyMostAtOnce(String group) {
        AtomicInteger most = healthyMostAtOnce.get(group);
        return most == null ? 0 : most.get();
    }

    /**
     * @param group a group ID
     * @return the Healthy calls about that group's members in flight now
     */
    int healthyInFlight(String group) {
        AtomicInteger now = healthyInFlight.get(group);
        return now == null ? 0 : now.get();
    }

    /**
     * @param method {@code Validate}, {@code Prepare} or {@code Drain}
     * @return the calls of that method so far, in order
     */
    List<Call> calls(String method) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.method().equals(method)).toList();
        }
    }
}
