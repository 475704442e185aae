package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.EXAMPLE_BSN;
import static io.infrakit.itests.Lifecycle.EXAMPLE_PLUGIN_JAR;
import static io.infrakit.itests.Lifecycle.INSTANCE_FILE_BSN;
import static io.infrakit.itests.Lifecycle.PLUGINS_DIR;
import static io.infrakit.itests.Lifecycle.REPLACEMENT_TIMEOUT_MS;
import static io.infrakit.itests.Lifecycle.bumped;
import static io.infrakit.itests.Lifecycle.bundle;
import static io.infrakit.itests.Lifecycle.bundles;
import static io.infrakit.itests.Lifecycle.jarOf;
import static io.infrakit.itests.Lifecycle.required;
import static io.infrakit.itests.Lifecycle.withVersion;
import static org.junit.Assert.assertEquals;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;

/**
 * Benchmark, not a test (left out of the build unless {@code -Dinfrakit.bench=true}; see
 * docs/benchmarks.md): what a client calling a plugin continuously sees across 20 upgrades of that
 * plugin's bundle ({@code bundle:update} of the file instance plugin to a copy of its jar with a bumped
 * version), and how long a plugin jar dropped into {@code deploy/} takes to answer on its socket. The
 * figures are printed and written to {@code target/lifecycle/upgrade-bench.txt}. It fails only on
 * wrong behaviour (a failed call or a wrong answer), never on a time.
 *
 * <pre>mvn -o verify -pl itests -Dit.test=UpgradeBenchIT -Dinfrakit.bench=true</pre>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeBenchIT {

    private static final int UPGRADES = 20;
    private static final int INSTANCES = 5;
    private static final int DEPLOYS = 5;
    /** Calls that must answer after each upgrade before the next one. */
    private static final int CALLS_BETWEEN_UPGRADES = 200;
    private static final int BASELINE_CALLS = 5000;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REPORT = "upgrade-bench.txt";

    @Inject
    private BundleContext context;

    /**
     * The shipped assembly with the directories of this run.
     *
     * @return the options
     * @throws IOException if the directories cannot be created
     */
    @Configuration
    public Option[] configuration() throws IOException {
        return Lifecycle.container(Lifecycle.REPLACEMENT_TIMEOUT_MS);
    }

    /** Calls across 20 bundle updates of the plugin being called, then 5 hot deploys. */
    @Test
    public void callsAcrossUpgradesAndHotDeployTime() throws Exception {
        Path pluginsDir = Path.of(required(PLUGINS_DIR));
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of(required("karaf.data"), "tmp")), "bench");
        List<String> report = new ArrayList<>();
        report.add("# UpgradeBenchIT " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, Java "
                + System.getProperty("java.version"));

        try (RpcClient client = new RpcClient(Duration.ofSeconds(10))) {
            Path socket = pluginsDir.resolve("instance-file");
            SocketFiles.awaitPresent(socket, WAIT);
            InstancePlugin plugin = client.connect(socket, "", InstancePlugin.class);
            for (int i = 0; i < INSTANCES; i++) {
                plugin.provision(new InstanceSpec(null, Map.of("bench", "upgrade"), "", null, null));
            }
            Map<String, String> filter = Map.of("bench", "upgrade");

            // The same client, no upgrade: what the latencies are without one (after a warm-up, as the
            // container has just booted).
            try (CallLoop warmUp = new CallLoop("warm-up client", () -> plugin.describeInstances(filter).size(), INSTANCES)) {
                warmUp.awaitMore(BASELINE_CALLS, WAIT);
            }
            long[] baseline;
            try (CallLoop steady = new CallLoop("baseline client", () -> plugin.describeInstances(filter).size(), INSTANCES)) {
                steady.awaitMore(BASELINE_CALLS, WAIT);
                baseline = steady.sortedLatencies();
            }
            report.add(String.format("baseline (no upgrade): %d calls, p50 %.2f ms, p99 %.2f ms, worst %.2f ms",
                    baseline.length, CallLoop.percentileMillis(baseline, 50), CallLoop.percentileMillis(baseline, 99),
                    CallLoop.percentileMillis(baseline, 100)));

            Bundle bundle = bundle(context, INSTANCE_FILE_BSN);
            Version original = bundle.getVersion();
            List<Path> jars = new ArrayList<>();
            for (int i = 1; i <= UPGRADES; i++) {
                try (InputStream jar = jarOf(bundle)) {
                    Version v = bumped(original, i);
                    jars.add(withVersion(jar, v, work.resolve("infrakit-instance-file-" + v + ".jar")));
                }
            }
            long[] updateMillis = new long[UPGRADES];
            long[] latencies;
            CallLoop calls = new CallLoop("upgrade client", () -> plugin.describeInstances(filter).size(), INSTANCES);
            try (calls) {
                calls.awaitMore(CALLS_BETWEEN_UPGRADES, WAIT);
                for (int i = 1; i <= UPGRADES; i++) {
                    Version v = bumped(original, i);
                    long start = System.nanoTime();
                    try (InputStream jar = Files.newInputStream(jars.get(i - 1))) {
                        bundle.update(jar); // what bundle:update <id> <jar> does
                    }
                    awaitServedBy(v);
                    updateMillis[i - 1] = Math.round((System.nanoTime() - start) / 1e6);
                    calls.awaitMore(CALLS_BETWEEN_UPGRADES, WAIT);
                }
            }
            latencies = calls.sortedLatencies();
            Arrays.sort(updateMillis);
            report.add(String.format("%d bundle updates of %s (%s -> %s) under continuous DescribeInstances: %d calls, "
                            + "%d failed, %d wrong answers; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, worst %.2f ms",
                    UPGRADES, INSTANCE_FILE_BSN, original, bumped(original, UPGRADES), calls.calls(), calls.failed(),
                    calls.wrong(), CallLoop.percentileMillis(latencies, 50), CallLoop.percentileMillis(latencies, 99),
                    CallLoop.percentileMillis(latencies, 99.9), CallLoop.percentileMillis(latencies, 100)));
            report.add(String.format("  update() to the new version's service registered: median %d ms, worst %d ms",
                    updateMillis[UPGRADES / 2], updateMillis[UPGRADES - 1]));
            if (!calls.problems().isEmpty()) {
                report.add("  problems: " + calls.problems());
            }

            // Hot deploy: jar renamed into deploy/ -> handshake answered on its socket.
            Path deploy = Path.of(required("karaf.base"), "deploy");
            Path exampleSocket = pluginsDir.resolve("instance-example");
            long[] deployMillis = new long[DEPLOYS];
            for (int i = 0; i < DEPLOYS; i++) {
                Path staged = Files.copy(Path.of(required(EXAMPLE_PLUGIN_JAR)), work.resolve("example.jar"),
                        StandardCopyOption.REPLACE_EXISTING);
                Path deployed = deploy.resolve("infrakit-example-plugin.jar");
                long landed = System.nanoTime();
                Files.move(staged, deployed, StandardCopyOption.ATOMIC_MOVE);
                try {
                    SocketFiles.awaitPresent(exampleSocket, WAIT);
                    client.handshake(exampleSocket);
                    deployMillis[i] = Math.round((System.nanoTime() - landed) / 1e6);
                } finally {
                    Files.delete(deployed);
                }
                Await.until(WAIT, "example bundle uninstalled", () -> bundles(context, EXAMPLE_BSN).isEmpty());
                SocketFiles.awaitAbsent(exampleSocket, WAIT.plusMillis(REPLACEMENT_TIMEOUT_MS));
            }
            report.add(String.format("hot deploy (FileInstall polls deploy/ every 1000 ms): jar in deploy/ -> handshake "
                    + "answered, %d rounds: %s ms", DEPLOYS, Arrays.toString(deployMillis)));

            Lifecycle.report(REPORT, report);
            assertEquals("failed calls: " + calls.summary(), 0, calls.failed());
            assertEquals("wrong answers: " + calls.summary(), 0, calls.wrong());
        }
    }

    private void awaitServedBy(Version version) throws InterruptedException {
        Await.until(WAIT, "instance-file served by " + version, () -> {
            List<ServiceReference<InstancePlugin>> found = List.copyOf(context.getServiceReferences(InstancePlugin.class,
                    "(" + PluginName.SERVICE_PROPERTY + "=instance-file)"));
            return found.size() == 1 && found.get(0).getBundle() != null && version.equals(found.get(0).getBundle().getVersion());
        });
    }
}
