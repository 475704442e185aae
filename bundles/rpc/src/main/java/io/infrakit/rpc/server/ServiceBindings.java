package io.infrakit.rpc.server;

import io.infrakit.rpc.wire.CommonMessages.Vendor;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The services registered under one plugin name, by interface and sub-type. When a service goes away
 * its slot is remembered for the replacement timeout, and whoever asks for it in that gap waits for the
 * replacement instead of failing: that is what lets a plugin bundle be updated behind an open socket.
 */
public final class ServiceBindings {

    /**
     * One registered service. The object is fetched at the first use, not when the service is registered:
     * fetching it activates the plugin's component, which must not happen while the whiteboard itself is
     * being bound (a plugin that looks other plugins up would need the whiteboard: a cycle).
     *
     * @param object gives the service object
     * @param serviceId the framework's service id
     * @param ranking the service ranking
     * @param vendor the bundle that registered it, {@code null} when unknown
     */
    public record Binding(Supplier<Object> object, long serviceId, int ranking, Vendor vendor) {

        /**
         * A binding that fetches its object once, at the first call.
         *
         * @param fetch how to get the object
         * @param serviceId the framework's service id
         * @param ranking the service ranking
         * @param vendor the bundle that registered it, {@code null} when unknown
         * @return the binding
         */
        public static Binding lazy(Supplier<Object> fetch, long serviceId, int ranking, Vendor vendor) {
            return new Binding(new Supplier<>() {
                private volatile Object object;

                @Override
                public Object get() {
                    Object o = object;
                    if (o == null) {
                        synchronized (this) {
                            o = object;
                            if (o == null) {
                                o = fetch.get();
                                object = o;
                            }
                        }
                    }
                    return o;
                }
            }, serviceId, ranking, vendor);
        }

        Object service() {
            return object.get();
        }
    }

    private record Key(Spi spi, String type) {
    }

    private static final Comparator<Binding> BEST_FIRST =
            Comparator.comparingInt(Binding::ranking).reversed().thenComparingLong(Binding::serviceId);

    private final String name;
    private final long graceNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Key, List<Binding>> live = new HashMap<>();
    private final Map<Key, Long> goneUntil = new HashMap<>();
    /** What requests read without locking: the best service per slot, rebuilt under the lock at each change. */
    private volatile Map<Key, Binding> best = Map.of();
    private volatile Set<Spi> served = Set.of();
    private volatile List<InterfaceSpec> servedInterfaces = List.of();
    private volatile Vendor vendor;

    /**
     * Creates an empty set.
     *
     * @param name the plugin name
     * @param graceMillis how long a removed slot is waited for
     */
    public ServiceBindings(String name, long graceMillis) {
        this.name = name;
        this.graceNanos = TimeUnit.MILLISECONDS.toNanos(graceMillis);
    }

    /**
     * The plugin name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    void add(Spi spi, String type, Binding binding) {
        lock.lock();
        try {
            Key key = new Key(spi, type);
            List<Binding> list = live.computeIfAbsent(key, k -> new ArrayList<>());
            list.add(binding);
            list.sort(BEST_FIRST);
            goneUntil.remove(key);
            publish();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes a service; returns {@code true} when no service is left under this name. */
    boolean remove(Spi spi, String type, long serviceId) {
        lock.lock();
        try {
            Key key = new Key(spi, type);
            List<Binding> list = live.get(key);
            if (list != null && list.removeIf(b -> b.serviceId() == serviceId) && list.isEmpty()) {
                live.remove(key);
                goneUntil.put(key, System.nanoTime() + graceNanos);
            }
            publish();
            return live.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells whether no service is registered under this name now.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        lock.lock();
        try {
            return live.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The best service for an interface and sub-type, waiting until {@code deadlineNanos} if one was
     * removed recently and may be replaced.
     *
     * @param spi the interface
     * @param type the sub-type, {@code ""} for none
     * @param deadlineNanos the latest {@link System#nanoTime()} to wait until
     * @return the service, or {@code null}
     * @throws InterruptedException if interrupted while waiting
     */
    public Object await(Spi spi, String type, long deadlineNanos) throws InterruptedException {
        Key key = new Key(spi, type);
        Binding now = best.get(key);
        if (now != null) {
            return now.service();
        }
        lock.lock();
        try {
            while (true) {
                List<Binding> list = live.get(key);
                if (list != null) {
                    return list.get(0).service();
                }
                Long gone = goneUntil.get(key);
                if (gone == null || !waitUntil(Math.min(deadlineNanos, gone))) {
                    return null;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The interfaces served now, waiting until {@code deadlineNanos} while every service is gone but
     * may be replaced.
     *
     * @param deadlineNanos the latest {@link System#nanoTime()} to wait until
     * @return the interfaces in handshake order, without duplicates
     * @throws InterruptedException if interrupted while waiting
     */
    public List<InterfaceSpec> awaitInterfaces(long deadlineNanos) throws InterruptedException {
        List<InterfaceSpec> now = servedInterfaces;
        if (!now.isEmpty()) {
            return now;
        }
        lock.lock();
        try {
            while (live.isEmpty() && !goneUntil.isEmpty()) {
                long lastGone = goneUntil.values().stream().max(Long::compare).orElseThrow();
                if (!waitUntil(Math.min(deadlineNanos, lastGone))) {
                    break;
                }
            }
            return interfaces();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a change until a deadline; {@code false} when the deadline has passed. Holds the lock. */
    private boolean waitUntil(long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        if (wait <= 0) {
            return false;
        }
        changed.awaitNanos(wait);
        return true;
    }

    /**
     * The interfaces served now.
     *
     * @return the interfaces in handshake order
     */
    public List<InterfaceSpec> interfaces() {
        return servedInterfaces;
    }

    /**
     * Tells whether an interface is served, or was until recently and may come back.
     *
     * @param spi the interface
     * @return {@code true} if requests for it should be accepted
     */
    public boolean knows(Spi spi) {
        if (served.contains(spi)) {
            return true;
        }
        lock.lock();
        try {
            return spis(true).contains(spi);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sub-types served now.
     *
     * @return the non-empty types, sorted
     */
    public List<String> types() {
        lock.lock();
        try {
            Set<String> types = new TreeSet<>();
            live.keySet().forEach(k -> {
                if (!k.type().isEmpty()) {
                    types.add(k.type());
                }
            });
            return List.copyOf(types);
        } finally {
            lock.unlock();
        }
    }

    /** Rebuilds the lock-free view. Holds the lock. */
    private void publish() {
        Map<Key, Binding> view = new HashMap<>();
        live.forEach((k, list) -> view.put(k, list.get(0)));
        best = Map.copyOf(view);
        Set<Spi> spis = spis(false);
        served = Set.copyOf(spis);
        servedInterfaces = spis.stream().map(Spi::spec).toList();
        vendor = live.entrySet().stream()
                .min(Comparator.comparing((Map.Entry<Key, List<Binding>> e) -> e.getKey().spi()).thenComparing(e -> e.getKey().type()))
                .map(e -> e.getValue().get(0).vendor()).orElse(null);
    }

    /**
     * The bundle serving the plugin: that of the best service of its first interface.
     *
     * @return the vendor, {@code null} when unknown or when nothing is served
     */
    public Vendor vendor() {
        return vendor;
    }

    private Set<Spi> spis(boolean withRecent) {
        Set<Spi> spis = EnumSet.noneOf(Spi.class);
        live.keySet().forEach(k -> spis.add(k.spi()));
        if (withRecent) {
            long now = System.nanoTime();
            goneUntil.forEach((k, until) -> {
                if (until - now > 0) {
                    spis.add(k.spi());
                }
            });
        }
        return spis;
    }
}
