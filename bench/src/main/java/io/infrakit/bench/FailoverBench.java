package io.infrakit.bench;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Manager failover with ZooKeeper: how long from the leader's process being killed ({@code kill -9}) to a
 * new leader's group plugin running every group again.
 *
 * <p>A three-server ensemble runs in this JVM (curator-test), with the {@code tickTime} and
 * {@code minSessionTimeout} given; per repetition three {@link FailoverNode} processes (a manager each, at the
 * backend's default settings, connected to the whole ensemble) join under a fresh root znode, the leader
 * commits N groups, and is killed. Prints a Markdown table: per N the median and worst of the total, and
 * its two parts: until a new manager reports itself leader, then until its group plugin runs all N groups.
 *
 * <p>Arguments: {@code <results dir> <tickTime ms> <minSessionTimeout ms> <repetitions> <N>...}.
 */
public final class FailoverBench {

    private static final long WAIT_MILLIS = 60_000;

    private FailoverBench() {
    }

    /** A line a node printed, and when the harness read it. */
    private record Line(Node node, String text) {
    }

    /** One manager process. */
    private static final class Node {
        final String name;
        final Process process;
        final Writer stdin;

        Node(String name, Process process) {
            this.name = name;
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        void send(String line) throws IOException {
            stdin.write(line + "\n");
            stdin.flush();
        }

        void stop() {
            try {
                stdin.close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    /** One repetition's timings, in milliseconds from the kill. */
    private record Result(long elected, long holding) {
    }

    /**
     * Runs the benchmark.
     *
     * @param args results directory, tickTime, minSessionTimeout, repetitions, group counts
     * @throws Exception if the ensemble or a manager fails
     */
    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        int tick = Integer.parseInt(args[1]);
        int minSession = Integer.parseInt(args[2]);
        int repetitions = Integer.parseInt(args[3]);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }

        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, id, tick, -1,
                    Map.of("minSessionTimeout", Integer.toString(minSession), "maxSessionTimeout", Integer.toString(Math.max(20 * tick, minSession)))));
        }
        List<String> rows = new ArrayList<>();
        try (TestingCluster cluster = new TestingCluster(specs)) {
            cluster.start();
            System.err.println("ensemble " + cluster.getConnectString() + " (tickTime " + tick + " ms, minSessionTimeout " + minSession + " ms)");
            for (int n : sizes) {
                List<Result> runs = new ArrayList<>();
                for (int rep = 1; rep <= repetitions; rep++) {
                    Result r = once(cluster.getConnectString(), "/bench-failover-" + n + "-" + rep, n, results.resolve("node-" + n + "-" + rep));
                    System.err.printf("N=%d run %d/%d: new leader after %d ms, all %d groups running after %d ms%n",
                            n, rep, repetitions, r.elected(), n, r.holding());
                    runs.add(r);
                }
                rows.add(row(n, runs));
            }
        }
        System.out.println("| groups | runs | failover median (ms) | failover worst (ms) | new leader, median (ms) | re-commit, median (ms) | all runs (ms) |");
        System.out.println("|--:|--:|--:|--:|--:|--:|---|");
        rows.forEach(System.out::println);
    }

    private static String row(int n, List<Result> runs) {
        List<Long> total = runs.stream().map(Result::holding).sorted().toList();
        List<Long> elected = runs.stream().map(Result::elected).sorted().toList();
        List<Long> recommit = runs.stream().map(r -> r.holding() - r.elected()).sorted().toList();
        return "| " + n + " | " + runs.size() + " | " + median(total) + " | " + Collections.max(total) + " | " + median(elected)
                + " | " + median(recommit) + " | " + runs.stream().map(r -> Long.toString(r.holding())).toList() + " |";
    }

    private static long median(List<Long> sorted) {
        int k = sorted.size();
        return k % 2 == 1 ? sorted.get(k / 2) : (sorted.get(k / 2 - 1) + sorted.get(k / 2)) / 2;
    }

    /** One repetition: three managers, N groups through the leader, the leader killed. */
    private static Result once(String connect, String path, int groups, Path logs) throws Exception {
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                nodes.add(start("manager-" + i, connect, path, groups, logs, lines));
            }
            Node leader = awaitLine(lines, l -> l.text().startsWith("STATUS LEADER ")).node();
            leader.send("commit");
            // both lines, in either order: the plugin may report holding the groups before the last commit returns
            boolean[] seen = new boolean[2];
            awaitLine(lines, l -> {
                if (l.node() == leader) {
                    seen[0] |= l.text().startsWith("COMMITTED ");
                    seen[1] |= l.text().startsWith("HOLDS ");
                }
                return seen[0] && seen[1];
            });
            lines.clear();

            long killed = System.currentTimeMillis();
            leader.process.destroyForcibly(); // SIGKILL: no goodbye to ZooKeeper, the session must expire
            Line elected = awaitLine(lines, l -> l.node() != leader && l.text().startsWith("STATUS LEADER "));
            Line holding = awaitLine(lines, l -> l.node() == elected.node() && l.text().startsWith("HOLDS "));
            return new Result(stamp(elected) - killed, stamp(holding) - killed);
        } finally {
            nodes.forEach(Node::stop);
        }
    }

    private static long stamp(Line line) {
        String[] words = line.text().split(" ");
        return Long.parseLong(words[words.length - 1]);
    }

    private static Node start(String name, String connect, String path, int groups, Path logs, BlockingQueue<Line> lines)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), FailoverNode.class.getName(), connect, path, name, Integer.toString(groups));
        logs.toFile().mkdirs();
        Process process = new ProcessBuilder(command).redirectError(logs.resolve(name + ".log").toFile()).start();
        Node node = new Node(name, process);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(new Line(node, line));
                    System.err.println("  " + name + ": " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "read-" + name);
        reader.setDaemon(true);
        reader.start();
        return node;
    }

    private static Line awaitLine(BlockingQueue<Line> lines, Predicate<Line> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (true) {
            Line line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("no expected line within " + WAIT_MILLIS + " ms");
            }
            if (line.text().startsWith("ERROR ")) {
                throw new IllegalStateException(line.node().name + ": " + line.text());
            }
            if (wanted.test(line)) {
                return line;
            }
        }
    }
}
