package io.infrakit.bench;

import org.HdrHistogram.Histogram;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The client JVM of the benchmark: N threads make back-to-back calls on one shared client for a warm-up
 * period, then for a measured period in which every call's latency is recorded. Prints a human summary
 * on stderr and one Markdown table row, prefixed with {@code ROW }, on stdout.
 *
 * <p>Usage: {@code BenchClient <handshake|describe> <threads> <warmup-s> <measure-s> <socket|-> [rpc|raw|codec|floor] [server-pid]}
 * <ul>
 *   <li>{@code rpc} (default): the product's {@code RpcClient}, JSON encoded and decoded on every call;</li>
 *   <li>{@code raw}: the same Jetty HttpClient sending pre-encoded bytes (transport + server only);</li>
 *   <li>{@code codec}: no socket, only the JSON work of a round trip, both sides, in this JVM;</li>
 *   <li>{@code floor}: as many bytes each way over a blocking Unix socket to a plain echo server.</li>
 * </ul>
 * With a server pid, the server's CPU time per call in the measured period is reported too.
 */
public final class BenchClient {

    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private BenchClient() {
    }

    /** One client thread; index 0 of its arrays is the warm-up, 1 the measured period. */
    private static final class Worker extends Thread {
        final Histogram[] latencies = {new Histogram(MAX_LATENCY_NANOS, 3), new Histogram(MAX_LATENCY_NANOS, 3)};
        final long[] failures = new long[2];
        final long[] lastEnd = new long[2];
        final Calls.Call call;
        final CountDownLatch start;
        final long warmupEnd;
        final long measureEnd;
        Exception firstFailure;

        Worker(int index, Calls.Call call, CountDownLatch start, long warmupEnd, long measureEnd) {
            super("bench-client-" + index);
            this.call = call;
            this.start = start;
            this.warmupEnd = warmupEnd;
            this.measureEnd = measureEnd;
        }

        @Override
        public void run() {
            try {
                start.await();
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            while (now < measureEnd) {
                long t0 = now;
                // 0 before warmupEnd, 1 after, without a branch: a branch first taken when the measured
                // period starts would make the JIT deoptimise this loop right then
                int phase = (int) (~(t0 - warmupEnd) >>> 63);
                try {
                    call.run();
                    now = System.nanoTime();
                    latencies[phase].recordValue(Math.min(now - t0, MAX_LATENCY_NANOS));
                } catch (Exception e) {
                    now = System.nanoTime();
                    failures[phase]++;
                    if (firstFailure == null) {
                        firstFailure = e;
                    }
                }
                lastEnd[phase] = now;
            }
        }
    }

    /**
     * Runs one benchmark point.
     *
     * @param args see the class comment
     * @throws Exception if the client cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: BenchClient <handshake|describe> <threads> <warmup-s> <measure-s> <socket|-> [rpc|raw|codec|floor] [server-pid]");
            System.exit(2);
        }
        String op = args[0];
        int threads = Integer.parseInt(args[1]);
        long warmupNanos = TimeUnit.MILLISECONDS.toNanos((long) (Double.parseDouble(args[2]) * 1000));
        long measureNanos = TimeUnit.MILLISECONDS.toNanos((long) (Double.parseDouble(args[3]) * 1000));
        Path socket = Path.of(args[4]);
        String mode = args.length > 5 ? args[5] : "rpc";
        long serverPid = args.length > 6 ? Long.parseLong(args[6]) : -1;

        Calls calls = switch (mode) {
            case "rpc" -> Calls.rpc(op, socket);
            case "raw" -> Calls.raw(op, socket);
            case "codec" -> Calls.codec(op);
            case "floor" -> Calls.floor(op, socket);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };

        // run the sampling code once so that it is not compiled at the start of the measured period
        long selfPid = ProcessHandle.current().pid();
        ProcCpu.nanos(selfPid);
        ProcCpu.machineBusyNanos();
        gcCount();
        gcMillis();

        CountDownLatch start = new CountDownLatch(1);
        long t = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long warmupEnd = t + warmupNanos;
        long measureEnd = warmupEnd + measureNanos;
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker(i, calls.call(), start, warmupEnd, measureEnd);
            workers.add(w);
            w.start();
        }
        start.countDown();

        // sample CPU and GC at the edges of the measured period
        sleepUntil(warmupEnd);
        long clientCpu0 = ProcCpu.nanos(selfPid);
        long serverCpu0 = ProcCpu.nanos(serverPid);
        long busy0 = ProcCpu.machineBusyNanos();
        long gcCount0 = gcCount();
        long gcMillis0 = gcMillis();
        sleepUntil(measureEnd);
        long clientCpu1 = ProcCpu.nanos(selfPid);
        long serverCpu1 = ProcCpu.nanos(serverPid);
        long busy1 = ProcCpu.machineBusyNanos();
        long gcCount1 = gcCount();
        long gcMillis1 = gcMillis();
        for (Worker w : workers) {
            w.join();
        }
        calls.close();

        Histogram all = new Histogram(MAX_LATENCY_NANOS, 3);
        long failures = 0;
        long lastEnd = warmupEnd;
        Exception firstFailure = null;
        for (Worker w : workers) {
            all.add(w.latencies[1]);
            failures += w.failures[1];
            lastEnd = Math.max(lastEnd, w.lastEnd[1]);
            if (firstFailure == null) {
                firstFailure = w.firstFailure;
            }
        }
        long measured = all.getTotalCount();
        double seconds = (lastEnd - warmupEnd) / 1e9;
        double rate = seconds > 0 ? measured / seconds : 0;
        String clientCpuPerCall = perCall(clientCpu0, clientCpu1, measured);
        String serverCpuPerCall = perCall(serverCpu0, serverCpu1, measured);
        String others = othersLoad(busy1 - busy0, clientCpu1 - clientCpu0, serverPid > 0 ? serverCpu1 - serverCpu0 : 0, measureNanos);

        System.err.printf(Locale.ROOT, "%s %s threads=%d: %d calls in %.2f s = %.0f calls/s; p50 %s p90 %s p99 %s p99.9 %s max %s ms;"
                        + " failures %d; CPU/call client %s server %s us; other programs %s cores; client GC %d collections, %d ms%n",
                op, mode, threads, measured, seconds, rate, ms(all, 50), ms(all, 90), ms(all, 99), ms(all, 99.9),
                ms(all.getMaxValue()), failures, clientCpuPerCall, serverCpuPerCall, others, gcCount1 - gcCount0, gcMillis1 - gcMillis0);
        if (firstFailure != null) {
            System.err.println("first failure: " + firstFailure);
        }
        System.out.printf(Locale.ROOT, "ROW | %s | %s | %d | %,.0f | %s | %s | %s | %s | %s | %d | %s | %s | %s |%n",
                op, mode, threads, rate, ms(all, 50), ms(all, 90), ms(all, 99), ms(all, 99.9), ms(all.getMaxValue()),
                failures, clientCpuPerCall, serverCpuPerCall, others);
        System.exit(failures == 0 && measured > 0 ? 0 : 1);
    }

    private static String ms(Histogram h, double percentile) {
        return ms(h.getValueAtPercentile(percentile));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String perCall(long cpu0, long cpu1, long calls) {
        if (cpu0 < 0 || cpu1 < 0 || calls == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f", (cpu1 - cpu0) / 1e3 / calls);
    }

    /** CPU that neither benchmark JVM used during the measured period, in cores: noise from other programs. */
    private static String othersLoad(long machineBusy, long client, long server, long windowNanos) {
        if (machineBusy < 0 || client < 0 || server < 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", Math.max(0, machineBusy - client - server) / (double) windowNanos);
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }
}
