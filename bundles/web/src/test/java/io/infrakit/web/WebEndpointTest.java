package io.infrakit.web;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.observe.ControllerObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint on a real port: metrics that move with what the controller reports, the token, the host check. */
class WebEndpointTest {

    @TempDir
    Path home;

    private final FakeGroups groups = new FakeGroups();
    private final HttpClient http = HttpClient.newHttpClient();
    private WebEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        endpoint = start("127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.stop();
        }
    }

    private WebEndpoint start(String address) throws Exception {
        WebEndpoint e = new WebEndpoint(config(address, freePort(), home.resolve("web/token").toString()));
        e.bindRegistry(groups);
        e.bindCodec(new WireJsonCodec());
        return e;
    }

    @Test
    void gaugesFollowTheGroupsStatusAtEachScrape() throws Exception {
        groups.statuses.put("workers", new GroupStatus("workers", 3, 3, 1, 1, GroupDescription.Status.ROLLING, 2, "new", "Rolling", null,
                List.of(FakeGroups.member("a", "Healthy", true), FakeGroups.member("b", "Unhealthy", false), FakeGroups.member("c", "Unknown", false))));
        String m = get("/metrics").body();
        assertEquals(3.0, value(m, "infrakit_group_desired_instances{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_group_healthy_instances{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_group_unhealthy_instances{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_group_unknown_health_instances{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_group_up_to_date_instances{group=\"workers\"}"));
        assertEquals(2.0, value(m, "infrakit_group_rollout_instances_left{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_group_rollout_state{group=\"workers\",state=\"rolling\"}"));
        assertEquals(0.0, value(m, "infrakit_group_rollout_state{group=\"workers\",state=\"none\"}"));
        assertEquals(0.0, value(m, "infrakit_group_converged{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_manager_leader"));

        groups.statuses.put("workers", new GroupStatus("workers", 3, 3, 3, 3, GroupDescription.Status.CONVERGED, 2, "new", null, null,
                List.of(FakeGroups.member("a", "Healthy", true), FakeGroups.member("d", "Healthy", true), FakeGroups.member("e", "Healthy", true))));
        groups.leader = io.infrakit.spi.manager.LeaderStatus.follower("node-2");
        m = get("/metrics").body();
        assertEquals(1.0, value(m, "infrakit_group_converged{group=\"workers\"}"));
        assertEquals(0.0, value(m, "infrakit_group_rollout_instances_left{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_group_rollout_state{group=\"workers\",state=\"none\"}"));
        assertEquals(3.0, value(m, "infrakit_group_healthy_instances{group=\"workers\"}"));
        assertEquals(0.0, value(m, "infrakit_manager_leader"));
        assertEquals(1.0, value(m, "infrakit_manager_leadership_known"));

        groups.statuses.clear();
        m = get("/metrics").body();
        assertFalse(m.contains("group=\"workers\"} "), "a destroyed group's gauges are gone");
    }

    @Test
    void countersAndHistogramsMoveWithWhatTheControllerReports() throws Exception {
        endpoint.handleEvent(event(GroupEvent.Type.INSTANCE_CREATED, "workers", 3, GroupEvent.Cause.MISSING));
        endpoint.handleEvent(event(GroupEvent.Type.INSTANCE_CREATED, "workers", 1, GroupEvent.Cause.UNHEALTHY));
        endpoint.handleEvent(event(GroupEvent.Type.INSTANCE_DESTROYED, "workers", 2, GroupEvent.Cause.ROLLING));
        endpoint.handleEvent(event(GroupEvent.Type.INSTANCE_LOST, "workers", 0, null));
        endpoint.pluginCalled("instance-file", "Instance.Provision", ControllerObserver.OK, 2_000_000);
        endpoint.pluginCalled("instance-file", "Instance.Provision", ControllerObserver.ERROR, 40_000_000);
        endpoint.cycleEnded("workers", 3_000_000, false);
        endpoint.cycleEnded("workers", 3_000_000, true);
        endpoint.storeFailed("save", "disk full");
        String m = get("/metrics").body();
        assertEquals(3.0, value(m, "infrakit_instances_created_total{cause=\"missing\",group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_instances_created_total{cause=\"unhealthy\",group=\"workers\"}"));
        assertEquals(2.0, value(m, "infrakit_instances_destroyed_total{cause=\"rolling\",group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_instances_lost_total{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_plugin_call_duration_seconds_count{method=\"Instance.Provision\",outcome=\"ok\",plugin=\"instance-file\"}"));
        assertEquals(1.0, value(m, "infrakit_plugin_call_duration_seconds_bucket{method=\"Instance.Provision\",outcome=\"ok\",plugin=\"instance-file\",le=\"0.0025\"}"));
        assertEquals(0.0, value(m, "infrakit_plugin_call_duration_seconds_bucket{method=\"Instance.Provision\",outcome=\"error\",plugin=\"instance-file\",le=\"0.025\"}"));
        assertEquals(0.04, value(m, "infrakit_plugin_call_duration_seconds_sum{method=\"Instance.Provision\",outcome=\"error\",plugin=\"instance-file\"}"), 1e-9);
        assertEquals(2.0, value(m, "infrakit_group_cycle_duration_seconds_count{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_group_cycle_errors_total{group=\"workers\"}"));
        assertEquals(1.0, value(m, "infrakit_manager_store_errors_total{operation=\"save\"}"));
        assertTrue(m.contains("# TYPE infrakit_instances_created_total counter"), m);
        assertTrue(m.contains("jvm_memory_used_bytes{area=\"heap\"}"), "JVM basics");
        assertTrue(m.contains("process_cpu_seconds_total"), "process basics");
    }

    @Test
    void actionsNeedTheTokenAndChangeNothingWithoutIt() throws Exception {
        groups.statuses.put("workers", new GroupStatus("workers", 1, 1, 1, 1, GroupDescription.Status.CONVERGED, 1, "sha", null, null, List.of()));
        HttpResponse<String> refused = post("/api/groups/workers/pause", null);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("needs the console's token"), refused.body());
        assertEquals(403, post("/api/groups/workers/rollback?revision=1", "not-the-token").statusCode());
        assertEquals(List.of(), groups.actions);

        String token = Files.readString(home.resolve("web/token")).trim();
        assertEquals(endpoint.token(), token);
        HttpResponse<String> paused = post("/api/groups/workers/pause", token);
        assertEquals(200, paused.statusCode(), paused.body());
        assertEquals("{\"message\":\"Done: pause workers console\"}", paused.body());
        assertEquals(200, post("/api/groups/workers/rollback?revision=1", token).statusCode());
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/groups/workers/destroy")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(List.of("pause workers console", "rollback workers 1 console", "destroy workers"), groups.actions);

        HttpResponse<String> notPaused = post("/api/groups/workers/resume", token);
        assertEquals(409, notPaused.statusCode());
        assertEquals("{\"error\":\"Group workers is not paused\"}", notPaused.body());
        assertEquals(404, post("/api/groups/workers/reboot", token).statusCode());
        assertEquals(400, post("/api/groups/workers/rollback?revision=two", token).statusCode());
    }

    @Test
    void theTokenFileIsOwnerOnlyNewAtEachStartAndGoneAfterTheStop() throws Exception {
        Path file = home.resolve("web/token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(endpoint.tokenFile(), file);
        String first = endpoint.token();
        assertEquals(64, first.length());
        endpoint.stop();
        assertFalse(Files.exists(file));
        endpoint = start("127.0.0.1");
        assertNotEquals(first, endpoint.token());
        assertEquals(endpoint.token(), Files.readString(file).trim());
    }

    @Test
    void readsAreOpenOnLoopbackAndAnswerInTheWireNames() throws Exception {
        groups.statuses.put("workers", new GroupStatus("workers", 2, 1, 1, 1, GroupDescription.Status.CONVERGING, 1, "sha", null, "boom",
                List.of(FakeGroups.member("a", "Healthy", true))));
        HttpResponse<String> list = get("/api/groups");
        assertEquals(200, list.statusCode());
        assertEquals("[{\"ID\":\"workers\",\"Desired\":2,\"Current\":1,\"Ready\":1,\"UpToDate\":1,\"Status\":\"Converging\",\"Revision\":1,"
                + "\"ConfigSHA\":\"sha\",\"Error\":\"boom\"}]", list.body());
        assertTrue(get("/api/groups/workers").body().contains("\"Members\":[{\"ID\":\"a\""));
        assertEquals(404, get("/api/groups/nope").statusCode());
        assertTrue(get("/api/groups/workers/events?after=2").body().contains("\"Seq\":3"));
        assertFalse(get("/api/groups/workers/events?after=2").body().contains("\"Seq\":2"));
        assertEquals(400, get("/api/groups/workers/events?after=-1").statusCode());
        HttpResponse<String> history = get("/api/groups/workers/history");
        assertEquals(409, history.statusCode());
        assertEquals("{\"error\":\"Revisions are kept by the manager, not by group-stateless\"}", history.body());
        assertEquals("{\"Role\":\"LEADER\",\"Leader\":\"node-1\",\"Detail\":null}", get("/api/manager").body());
        assertTrue(get("/api/plugins").body().contains("\"Bundle\":\"io.infrakit.manager/1.2.3\""));
        groups.manager = false;
        assertEquals(404, get("/api/manager").statusCode());
    }

    @Test
    void theConsoleIsServedWithAStrictPolicyAndNothingOutsideItsFolder() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals(200, get("/console/console.js").statusCode());
        for (String hostile : List.of("/console/..%2f..%2fWebEndpoint.class", "/console/%2e%2e/Routes.class", "/console/../WebEndpoint.class",
                "/console/index.html%00.js", "/console/Routes.class")) {
            int status = get(hostile).statusCode();
            assertTrue(status == 400 || status == 404, hostile + " answered " + status);
        }
        assertEquals(404, get("/nothing-here").statusCode());
        assertEquals(405, send(HttpRequest.newBuilder(uri("/api/groups")).method("PUT", HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
    }

    @Test
    void anotherHostNameIsRefusedSoAPageElsewhereCannotReadThroughDnsRebinding() throws Exception {
        assertEquals("HTTP/1.1 421 Misdirected Request", rawStatusLine("evil.example:" + endpoint.address().getPort()));
        assertEquals("HTTP/1.1 200 OK", rawStatusLine("localhost:" + endpoint.address().getPort()));
    }

    @Test
    void boundBeyondLoopbackEveryReadNeedsTheTokenButHealth() throws Exception {
        endpoint.stop();
        endpoint = start("0.0.0.0");
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/metrics")));
        assertEquals(403, metrics.statusCode());
        assertEquals(403, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/api/groups"))).statusCode());
        assertEquals(200, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/api/groups"))
                .header(Routes.TOKEN_HEADER, endpoint.token())).statusCode());
        assertEquals(200, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/health"))).statusCode());
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        int taken = endpoint.address().getPort();
        Exception e = assertThrows(java.io.IOException.class, () -> new WebEndpoint(config("127.0.0.1", taken, home.resolve("other/token").toString())));
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken), e.getMessage());
        assertFalse(Files.exists(home.resolve("other/token")), "no token left behind");
    }

    // ---- helpers

    private String rawStatusLine(String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", endpoint.address().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/groups HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static Event event(String type, String group, int count, String cause) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("group", group);
        if (count > 0) {
            p.put("count", count);
        }
        if (cause != null) {
            p.put("cause", cause);
        }
        return new Event("io/infrakit/group/" + type, p);
    }

    /** The value of one sample of the text format, by its name and labels as written. */
    static double value(String metrics, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), "no sample " + sample + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private URI uri(String path) {
        return endpoint.address().resolve(path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header(Routes.TOKEN_HEADER, token);
        }
        return send(b);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static WebEndpoint.Config config(String address, int port, String tokenFile) {
        return new WebEndpoint.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WebEndpoint.Config.class;
            }

            @Override
            public String address() {
                return address;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String group_plugin() {
                return "group";
            }

            @Override
            public String token_file() {
                return tokenFile;
            }

            @Override
            public long health_stale_seconds() {
                return 60;
            }
        };
    }
}
