package io.infrakit.instance.file;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Figures of the file plugin on this machine: provisions per second from 10 threads, the time of a
 * filtered listing, and the CPU a process spends listing once per second while idle. Not a unit test
 * (surefire's default includes skip it, and it asserts no timing); run it with
 * {@code mvn -o -q test -pl bundles/instance-file -Dtest=FileInstanceBench -Dsurefire.failIfNoSpecifiedTests=false}.
 * Sizes: {@code -Dbench.instances=10000 -Dbench.threads=10 -Dbench.idle.seconds=10 -Dbench.warmup=20000}
 * (provisions, not measured); {@code -Dbench.provision.repeat=6} measures only provisioning, 6 times.
 */
class FileInstanceBench {

    private static final int INSTANCES = Integer.getInteger("bench.instances", 10_000);
    private static final int THREADS = Integer.getInteger("bench.threads", 10);
    private static final int IDLE_SECONDS = Integer.getInteger("bench.idle.seconds", 10);
    private static final int WARM_UP = Integer.getInteger("bench.warmup", 20_000);

    @TempDir
    Path dir;

    private final WireJsonCodec json = new WireJsonCodec();

    @Test
    void measure() throws Exception {
        warmUp();
        if (Integer.getInteger("bench.provision.repeat", 0) > 0) {
            provisionOnly(Integer.getInteger("bench.provision.repeat"));
            return;
        }

        // 1. Provision throughput: one group of INSTANCES, from THREADS threads as the group controller does.
        FileInstancePlugin big = new FileInstancePlugin(dir.resolve("big"), json);
        double seconds = provision(big, "big", INSTANCES);
        report("provision %,d instances from %d threads: %.2f s, %,.0f provisions/s", INSTANCES, THREADS, seconds, INSTANCES / seconds);
        assertEquals(INSTANCES, big.describeInstances(Map.of("infrakit.group", "big")).size());
        report("listing %,d files, filter = the group of %,d: %s", INSTANCES, INSTANCES,
                listing(big, Map.of("infrakit.group", "big"), INSTANCES));

        // 2. A group of 20 among INSTANCES files in 50 groups.
        FileInstancePlugin mixed = new FileInstancePlugin(dir.resolve("mixed"), json);
        provision(mixed, "small", 20);
        for (int g = 0; g < 50; g++) {
            provision(mixed, "other-" + g, (INSTANCES - 20) / 50);
        }
        report("listing %,d files, filter = a group of 20: %s", INSTANCES, listing(mixed, Map.of("infrakit.group", "small"), 20));
        long t0 = System.nanoTime();
        List<Description> all = mixed.describeInstances(Map.of());
        report("listing %,d files, no filter: %.2f ms", all.size(), (System.nanoTime() - t0) / 1e6);
        Files.delete(mixed.directory().resolve(mixed.describeInstances(Map.of("infrakit.group", "small")).get(0).id()));
        t0 = System.nanoTime();
        assertEquals(19, mixed.describeInstances(Map.of("infrakit.group", "small")).size());
        report("first listing after an outside rm: %.2f ms", (System.nanoTime() - t0) / 1e6);
        FileInstancePlugin unwatched = new FileInstancePlugin(mixed.directory(), json, false);
        report("without a watch service (every listing checks every file), filter = a group of 19: %s",
                listing(unwatched, Map.of("infrakit.group", "small"), 19));
        close(unwatched);

        // 3. Idle: one listing per second of the group of INSTANCES; 52 groups over 1,110 files, each listed once per second.
        report("idle, %,d instances, 1 listing/s: %.4f of a core", INSTANCES,
                idleCpu(() -> big.describeInstances(Map.of("infrakit.group", "big"))));
        FileInstancePlugin groups = new FileInstancePlugin(dir.resolve("groups"), json);
        for (int g = 0; g < 52; g++) {
            provision(groups, "g" + g, g < 18 ? 22 : 21);
        }
        assertEquals(1110, groups.describeInstances(null).size());
        report("idle, 52 groups over 1,110 instances, 52 listings/s: %.4f of a core", idleCpu(() -> {
            for (int g = 0; g < 52; g++) {
                groups.describeInstances(Map.of("infrakit.group", "g" + g));
            }
        }));
        close(big);
        close(mixed);
        close(groups);
    }

    /** Provision throughput only, {@code repeat} times, each into a new directory, watched every other time. */
    private void provisionOnly(int repeat) throws Exception {
        for (int r = 0; r < repeat; r++) {
            boolean watch = r % 2 == 0;
            FileInstancePlugin p = new FileInstancePlugin(dir.resolve("p" + r), json, watch);
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            long cpu = processCpuNanos();
            double seconds = provision(p, "big", INSTANCES);
            cpu = processCpuNanos() - cpu;
            report("provision %,d instances from %d threads%s: %.2f s, %,.0f provisions/s, %.0f µs of CPU each (load average before: %s)",
                    INSTANCES, THREADS, watch ? "" : " (directory not watched)", seconds, INSTANCES / seconds, cpu / 1e3 / INSTANCES, load);
            assertEquals(INSTANCES, p.describeInstances(Map.of("infrakit.group", "big")).size());
            close(p);
        }
    }

    /** Provisions and lists in a throw-away directory so that the JIT has compiled what is measured. */
    private void warmUp() throws Exception {
        for (int round = 0; round < 4; round++) {
            FileInstancePlugin p = new FileInstancePlugin(dir.resolve("warm-up-" + round), json, round % 2 == 0);
            provision(p, "w", Math.min(WARM_UP / 4, INSTANCES));
            for (int i = 0; i < 50; i++) {
                p.describeInstances(Map.of("infrakit.group", "w"));
            }
            close(p);
        }
    }

    private double provision(FileInstancePlugin plugin, String group, int count) throws Exception {
        InstanceSpec spec = new InstanceSpec(new RawJson("{\"Note\": \"Instance properties version 1.0\"}"),
                Map.of("infrakit.config_sha", "006438mMXW8gXeYtUxgf9Zbg94Y=", "infrakit.group", group, "project", "infrakit", "tier", "web"),
                "docker pull nginx:alpine\ndocker run -d -p 80:80 nginx-alpine", null, null);
        AtomicInteger left = new AtomicInteger(count);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    plugin.provision(spec);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        return seconds;
    }

    /**
     * The first listing after the directory changed, then median, p90 and max of 30 back-to-back listings
     * (after 10 unmeasured) once the directory has been still for a moment.
     */
    private static String listing(FileInstancePlugin plugin, Map<String, String> filter, int expected) throws Exception {
        long first = System.nanoTime();
        assertEquals(expected, plugin.describeInstances(filter).size());
        first = System.nanoTime() - first;
        TimeUnit.MILLISECONDS.sleep(200); // lets the directory's modification time age (see InstanceDirectory.RACY)
        long[] ns = new long[30];
        for (int i = -10; i < ns.length; i++) {
            long t0 = System.nanoTime();
            int n = plugin.describeInstances(filter).size();
            if (i >= 0) {
                ns[i] = System.nanoTime() - t0;
            }
            assertEquals(expected, n);
        }
        Arrays.sort(ns);
        return String.format("first after the changes %.2f ms; then median %.3f ms, p90 %.3f ms, max %.3f ms",
                first / 1e6, ns[15] / 1e6, ns[27] / 1e6, ns[29] / 1e6);
    }

    /** The process's CPU time over wall time while {@code work} runs once per second. */
    private static double idleCpu(Work work) throws Exception {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.gc();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int s = 0; s < IDLE_SECONDS; s++) {
            work.run();
            long next = t0 + (s + 1) * 1_000_000_000L;
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the pace of a poll loop, not synchronisation
        }
        return (double) (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void close(FileInstancePlugin plugin) {
        plugin.close();
    }

    private static void report(String format, Object... args) {
        System.out.println("[bench] " + String.format(format, args));
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }
}
