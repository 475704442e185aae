package io.infrakit.group;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.ChangeLog;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** In-memory plugins and a registry for testing the group plugin without a framework. */
final class Fixture implements AutoCloseable {

    static final String CATTLE = """
            {"ID":"cattle","Properties":{"Allocation":{"Size":%d},
             "Instance":{"Plugin":"instance-mem","Properties":{"Note":"Instance properties version %s"}},
             "Flavor":{"Plugin":"flavor-test","Properties":{"Init":["docker pull nginx:alpine","docker run -d -p 80:80 nginx-alpine"],
                       "Tags":{"tier":"web","project":"infrakit"}}}%s}}""";

    /** An instance plugin keeping instances in memory. */
    static final class Memory implements InstancePlugin {
        final Map<String, Description> instances = new ConcurrentHashMap<>();
        /** The spec each instance was provisioned with. */
        final Map<String, InstanceSpec> specs = new ConcurrentHashMap<>();
        final AtomicInteger provisions = new AtomicInteger();
        final AtomicInteger destroys = new AtomicInteger();
        final AtomicInteger seq = new AtomicInteger();
        volatile boolean failDescribe;
        volatile boolean failProvision;
        volatile boolean failDestroy;
        /** Thrown once by the next Provision (an Error, say), then cleared. */
        final java.util.concurrent.atomic.AtomicReference<Throwable> throwOnProvision = new java.util.concurrent.atomic.AtomicReference<>();
        /** Listings made with the group tag: one per loop cycle of a group, plus describes. */
        final AtomicInteger describes = new AtomicInteger();
        /** Every Provision and Destroy, in order: "+id" and "-id". */
        final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean dropTags;
        /** The next provisioned instance is gone at once, before any listing could show it (one, however many provision at once). */
        final java.util.concurrent.atomic.AtomicBoolean loseNext = new java.util.concurrent.atomic.AtomicBoolean();
        /** New instances are left out of this many listings, as a lagging cloud API leaves them out. */
        volatile int hideForListings;
        final Map<String, Integer> hidden = new ConcurrentHashMap<>();
        /** The fewest and most instances there ever were right after a destroy or a provision. */
        final AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicInteger most = new AtomicInteger();
        /** While set, listings with the group tag wait for it (a slow cloud API), each telling {@link #listing} first. */
        volatile CountDownLatch holdListings;
        /** A permit per listing held by {@link #holdListings}. */
        final Semaphore listing = new Semaphore(0);

        @Override
        public void validate(RawJson properties) throws PluginException {
            if (properties != null && properties.json().contains("invalid")) {
                throw new PluginException("instance properties are invalid");
            }
        }

        @Override
        public String provision(InstanceSpec spec) throws PluginException {
            provisions.incrementAndGet();
            Throwable t = throwOnProvision.getAndSet(null);
            if (t != null) {
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
            if (failProvision) {
                throw new PluginException("out of capacity");
            }
            String id = String.format("inst-%04d", seq.incrementAndGet());
            if (loseNext.compareAndSet(true, false)) {
                return id;
            }
            if (hideForListings > 0) {
                hidden.put(id, hideForListings);
            }
            instances.put(id, new Description(id, spec.logicalID(), dropTags ? Map.of() : spec.tags()));
            specs.put(id, spec);
            log.add("+" + id);
            most.accumulateAndGet(instances.size(), Math::max);
            return id;
        }

        @Override
        public void label(String instance, Map<String, String> labels) {
        }

        @Override
        public void destroy(String instance) throws PluginException {
            destroys.incrementAndGet();
            if (failDestroy) {
                throw new PluginException("permission denied");
            }
            if (instances.remove(instance) == null) {
                throw new PluginException("no such instance " + instance);
            }
            log.add("-" + instance);
            fewest.accumulateAndGet(instances.size(), Math::min);
        }

        @Override
        public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
            if (failDescribe) {
                throw new PluginException("the cloud API is down");
            }
            if (tags != null && tags.containsKey("infrakit.group")) {
                describes.incrementAndGet();
                CountDownLatch hold = holdListings;
                if (hold != null) {
                    listing.release();
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new PluginException("interrupted while listing");
                    }
                }
            }
            List<Description> out = new ArrayList<>();
            instances.values().forEach(d -> {
                if (hidden.computeIfPresent(d.id(), (k, n) -> n > 1 ? n - 1 : null) != null) {
                    return;
                }
                if (Tags.matches(d.tags(), tags)) {
                    out.add(d);
                }
            });
            return out;
        }

        List<Description> group(String id) {
            return instances.values().stream().filter(d -> id.equals(d.tags().get("infrakit.group"))).toList();
        }

        long at(String sha) {
            return instances.values().stream().filter(d -> sha.equals(d.tags().get("infrakit.config_sha"))).count();
        }
    }

    /** A flavor whose health is a function of the instance, recording drains. */
    static final class Flavor implements FlavorPlugin {
        volatile Function<Description, Health> health = d -> Health.HEALTHY;
        final List<String> drained = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void validate(RawJson properties, Allocation allocation) {
        }

        @Override
        public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
            Map<String, String> tags = new java.util.TreeMap<>(spec.tags());
            tags.put("tier", "web");
            tags.put("project", "infrakit");
            return spec.withTags(tags).withInit("docker pull nginx:alpine\ndocker run -d -p 80:80 nginx-alpine");
        }

        @Override
        public Health healthy(RawJson properties, Description instance) {
            return health.apply(instance);
        }

        @Override
        public void drain(RawJson properties, Description instance) {
            drained.add(instance.id());
        }
    }

    /**
     * The in-memory plugin's reports of changes, as our plugins make them: a {@link ChangeLog} the test records into
     * ({@link #lose}). Gated, every call waits for a permit of {@link #gate} before it answers, without waiting for a
     * change (so a test decides what each answer holds); in a storm, every call answers at once with a change.
     */
    static final class Reports implements InstanceChanges {
        final ChangeLog log = new ChangeLog(10_000);
        private final Memory instances;
        private final Semaphore gate;
        /** A permit per call, released as the call starts: the watcher has handled the previous answer. */
        final Semaphore asked = new Semaphore(0);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        volatile boolean storm;
        /** The next gated answer is a reset (as from a plugin that restarted), then this is cleared. */
        volatile boolean resetNext;

        Reports(Memory instances, boolean gated) {
            this.instances = instances;
            this.gate = gated ? new Semaphore(0) : null;
        }

        @Override
        public Changes changes(long after, long waitMillis) throws PluginException {
            calls.incrementAndGet();
            asked.release();
            try {
                Changes answer;
                if (storm) {
                    answer = new Changes(after + 1, List.of(new Change("storm-" + after, Map.of(), Kind.CHANGED, null)), false);
                } else if (gate != null) {
                    gate.acquire();
                    answer = log.since(after, 0);
                    if (resetNext) {
                        resetNext = false;
                        answer = new Changes(answer.seq(), List.of(), true);
                    }
                } else {
                    answer = log.since(after, waitMillis);
                }
                answers.incrementAndGet();
                return answer;
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new PluginException("interrupted while waiting for changes");
            }
        }

        /** Starts or ends a storm; a storm starts at once, ending the wait of the call under way with a change. */
        void storm(boolean on) {
            storm = on;
            if (on) {
                changed(null);
            }
        }

        /** A member deleted behind the group's back, as the plugin notices it: gone from the listing, and reported. */
        void lose(String id) {
            Description gone = instances.instances.remove(id);
            log.record(new Change(id, gone == null ? Map.of() : gone.tags(), Kind.GONE, "deleted by hand"));
        }

        /** Records a change of an instance of a group ({@code null}: without tags). */
        void changed(String group) {
            log.record(new Change("inst-x", group == null ? Map.of() : Map.of("infrakit.group", group), Kind.CHANGED, null));
        }

        /** Lets one gated call answer, and waits until the watcher asks again: that answer has been acted on. */
        void answerOnce() throws InterruptedException {
            gate.release();
            if (!asked.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the watcher did not ask again");
            }
        }
    }

    final Memory instances = new Memory();
    final Flavor flavor = new Flavor();
    /** The instance plugin's reports of changes, when it makes them (else it is a plugin without, as a Go one). */
    volatile InstanceChanges changes;
    /** The reports made by this fixture, or {@code null}. */
    final Reports reports;
    /** Lookups of the instance plugin's changes, found or not. */
    final AtomicInteger changeLookups = new AtomicInteger();
    volatile boolean instancePluginMissing;
    /** Further instance plugins by name, without change reports. */
    final Map<String, InstancePlugin> otherInstances = new ConcurrentHashMap<>();
    /** Further flavor plugins by name (remote ones, say). */
    final Map<String, FlavorPlugin> flavors = new ConcurrentHashMap<>();
    /** Lookups of the instance plugin, found or not. */
    final java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
    final WireJsonCodec json = new WireJsonCodec();
    final PluginRegistry registry = new PluginRegistry() {
        @Override
        public <T> T lookup(String name, Class<T> spi) throws PluginNotFoundException {
            if (name.equals("instance-mem") && spi == InstancePlugin.class) {
                lookups.incrementAndGet();
            }
            if (name.equals("instance-mem") && spi == InstancePlugin.class && !instancePluginMissing) {
                return spi.cast(instances);
            }
            if (name.equals("instance-mem") && spi == InstanceChanges.class) {
                changeLookups.incrementAndGet();
                InstanceChanges c = changes;
                if (c != null && !instancePluginMissing) {
                    return spi.cast(c);
                }
                if (!instancePluginMissing) {
                    throw new PluginNotFoundException("Plugin instance-mem does not implement {InstanceChanges 0.1.0} (it implements [{Instance 0.3.0}])");
                }
            }
            if (name.equals("flavor-test") && spi == FlavorPlugin.class) {
                return spi.cast(flavor);
            }
            if (otherInstances.containsKey(name) && spi == InstancePlugin.class) {
                return spi.cast(otherInstances.get(name));
            }
            if (flavors.containsKey(name) && spi == FlavorPlugin.class) {
                return spi.cast(flavors.get(name));
            }
            throw new PluginNotFoundException("Plugin not found: " + name + " (looked up using a test registry)");
        }

        @Override
        public List<PluginInfo> plugins() {
            return List.of();
        }
    };
    final DefaultGroupPlugin plugin;

    Fixture(long pollMillis, long unhealthyGraceMillis) {
        reports = null;
        plugin = plugin(pollMillis, unhealthyGraceMillis);
    }

    /**
     * A fixture whose instance plugin reports its changes ({@link #reports}), the change watchers waiting as
     * {@code backoff} says.
     */
    Fixture(long pollMillis, boolean gated, ChangeBackoff backoff) {
        reports = new Reports(instances, gated);
        changes = reports;
        plugin = new DefaultGroupPlugin(config(pollMillis, 60_000, 1000), registry, json, backoff);
    }

    DefaultGroupPlugin plugin(long pollMillis, long unhealthyGraceMillis) {
        return new DefaultGroupPlugin(config(pollMillis, unhealthyGraceMillis, 1000), registry, json);
    }

    /** A plugin keeping its groups' state in {@code states}, as a restarted node finds it in the manager's store. */
    DefaultGroupPlugin plugin(long pollMillis, io.infrakit.spi.group.GroupStates states, io.infrakit.spi.group.Fence fence, long maxSize) {
        DefaultGroupPlugin p = new DefaultGroupPlugin(config(pollMillis, 60_000, 1000, maxSize), registry, json);
        p.setStates(states);
        p.setFence(fence);
        return p;
    }

    static GroupSpec cattle(int size, String version, String extra) throws PluginException {
        String text = String.format(CATTLE, size, version, extra == null ? "" : "," + extra);
        return new WireJsonCodec().decode(new RawJson(text), GroupSpec.class);
    }

    @Override
    public void close() {
        plugin.close();
    }

    static DefaultGroupPlugin.Config config(long pollMillis, long unhealthyGraceMillis, long pendingTimeoutMillis) {
        return config(pollMillis, unhealthyGraceMillis, pendingTimeoutMillis, 100_000);
    }

    static DefaultGroupPlugin.Config config(long pollMillis, long unhealthyGraceMillis, long pendingTimeoutMillis, long maxSize) {
        return new DefaultGroupPlugin.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DefaultGroupPlugin.Config.class;
            }

            @Override
            public String infrakit_plugin_name() {
                return "group";
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
                return maxSize;
            }

            @Override
            public long destroy_wait_ms() {
                return 2_000;
            }

            @Override
            public long unhealthy_grace_ms() {
                return unhealthyGraceMillis;
            }

            @Override
            public long pending_timeout_ms() {
                return pendingTimeoutMillis;
            }

            @Override
            public long call_timeout_ms() {
                return 2000;
            }
        };
    }
}
