package io.infrakit.itests;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The distribution's {@code /metrics} on 127.0.0.1, scraped while the tutorial's group converges, heals, rolls (held by
 * a pause, then resumed) and is destroyed: the gauges follow the group, the counters count what the controller did and
 * why, and every scrape passes {@code promtool check metrics} (Debian's {@code prometheus} package). Also
 * {@code /health}.
 */
public class MetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String G = "{group=\"metrics\"}";

    private static KarafNode node;
    private static URI base;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @BeforeClass
    public static void startKaraf() throws Exception {
        node = new KarafNode("metrics", 200);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        node.configure("io.infrakit.web.cfg", "port", Integer.toString(port));
        base = URI.create("http://127.0.0.1:" + port + "/");
        node.start();
    }

    @AfterClass
    public static void stopKaraf() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private static String spec(String note) {
        return "{\"ID\":\"metrics\",\"Properties\":{\"Allocation\":{\"Size\":3},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"" + note + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo " + note + "\"]}}}}";
    }

    @Test
    public void metricsFollowAGroupThroughConvergeHealRollAndDestroy() throws Exception {
        node.commit(spec("v1"));
        awaitValue("infrakit_group_converged" + G, 1);
        String m = scrape();
        assertEquals(3, value(m, "infrakit_group_desired_instances" + G), 0);
        assertEquals(3, value(m, "infrakit_group_instances" + G), 0);
        assertEquals(3, value(m, "infrakit_group_up_to_date_instances" + G), 0);
        assertEquals(1, value(m, "infrakit_group_revision" + G), 0);
        assertEquals(1, value(m, "infrakit_group_rollout_state{group=\"metrics\",state=\"none\"}"), 0);
        assertEquals(1, value(m, "infrakit_manager_leader"), 0);
        awaitValue("infrakit_instances_created_total{cause=\"missing\",group=\"metrics\"}", 3);
        m = scrape();
        assertTrue("three provisions, each a plugin call", value(m,
                "infrakit_plugin_call_duration_seconds_count{method=\"Instance.Provision\",outcome=\"ok\",plugin=\"instance-file\"}") >= 3);
        assertTrue(value(m, "infrakit_group_cycle_duration_seconds_count" + G) >= 1);

        // heal: a member deleted behind the controller's back is lost, then replaced
        Path victim;
        try (Stream<Path> files = Files.list(node.instances())) {
            victim = files.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        Files.delete(victim);
        awaitValue("infrakit_instances_lost_total" + G, 1);
        awaitValue("infrakit_instances_created_total{cause=\"missing\",group=\"metrics\"}", 4);
        awaitValue("infrakit_group_converged" + G, 1);

        // a rollout held by a pause shows as paused with every member left, then resumes and completes
        node.call("GroupControl.Pause", "{\"ID\":\"metrics\",\"Source\":\"api\"}");
        node.commit(spec("v2"));
        awaitValue("infrakit_group_rollout_state{group=\"metrics\",state=\"paused\"}", 1);
        m = scrape();
        assertEquals(3, value(m, "infrakit_group_rollout_instances_left" + G), 0);
        assertEquals(0, value(m, "infrakit_group_converged" + G), 0);
        assertEquals(0, value(m, "infrakit_group_up_to_date_instances" + G), 0);
        node.call("GroupControl.Resume", "{\"ID\":\"metrics\",\"Source\":\"api\"}");
        awaitValue("infrakit_instances_created_total{cause=\"rolling\",group=\"metrics\"}", 3);
        awaitValue("infrakit_instances_destroyed_total{cause=\"rolling\",group=\"metrics\"}", 3);
        awaitValue("infrakit_group_converged" + G, 1);
        m = scrape();
        assertEquals(2, value(m, "infrakit_group_revision" + G), 0);
        assertEquals(3, value(m, "infrakit_group_up_to_date_instances" + G), 0);
        assertEquals(0, value(m, "infrakit_group_rollout_instances_left" + G), 0);
        assertEquals(4, value(m, "infrakit_instances_created_total{cause=\"missing\",group=\"metrics\"}"), 0);

        HttpResponse<String> health = get("health");
        assertEquals(health.body(), 200, health.statusCode());
        assertTrue(health.body(), health.body().startsWith("{\"Status\":\"ok\""));

        node.call("Group.DestroyGroup", "{\"ID\":\"metrics\"}");
        awaitValue("infrakit_instances_destroyed_total{cause=\"destroy\",group=\"metrics\"}", 3);
        Await.until(WAIT, "the group's gauges are gone", () -> !scrape().contains("infrakit_group_desired_instances" + G));
    }

    @Test
    public void theEndpointIsLoopbackOnlyAndRefusesOtherHostNames() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("api/groups")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        // every socket listening on the port (IPv4, or IPv6 with an IPv4-mapped address, as Java binds) is on 127.0.0.1
        String hexPort = String.format("%04X", base.getPort());
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) {
                    listening.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        assertFalse("nothing listens on " + base.getPort(), listening.isEmpty());
        for (String address : listening) {
            assertTrue("listening on " + address + ", not 127.0.0.1", address.equals("0100007F") || address.equals("0000000000000000FFFF00000100007F"));
        }
    }

    // ---- helpers

    private static void awaitValue(String sample, double expected) throws InterruptedException {
        Await.until(WAIT, sample + " = " + expected, () -> {
            Double v = valueOrNull(scrape(), sample);
            return v != null && v == expected;
        });
    }

    /** Scrapes {@code /metrics} and checks the text with promtool. */
    private static String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = get("metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        promtool(r.body());
        return r.body();
    }

    private static void promtool(String metrics) throws IOException, InterruptedException {
        Path promtool = Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("promtool is needed to check the metrics: apt-get install prometheus (.ci/run does)"));
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("promtool hangs", p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("promtool check metrics: " + said, 0, p.exitValue());
        assertEquals("promtool's lint: " + said, "", said.trim());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Double valueOrNull(String metrics, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : null;
    }

    private static double value(String metrics, String sample) {
        Double v = valueOrNull(metrics, sample);
        assertTrue("no sample " + sample + " in\n" + metrics, v != null);
        return v;
    }
}
