package io.infrakit.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;

import java.io.File;
import java.io.IOException;
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
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The web console in a real browser: the distribution runs as a user runs it ({@link KarafNode}, its endpoint on a
 * free loopback port), the tutorial's group ({@code examples/cattle.json}: the file instance plugin and the vanilla
 * flavor) is committed twice (revision 1, then revision 2 with one more {@code Init} line) and converges at revision
 * 2; then {@code itests/browser/console.test.mjs} drives headless Chromium through playwright-core against it: the
 * group is listed and Converged, an instance file deleted is healed and shown in the events, a rollback without the
 * token is refused with the 403 shown, and a rollback to revision 1 with the token typed in is carried out. Last,
 * the manager's socket confirms what the page showed: the group's configuration is revision 1's and it has exactly
 * its size of instances.
 *
 * <p>Needs Node.js 20 or later ({@code node} on the PATH), Chromium ({@code /usr/bin/chromium}, or {@code CHROMIUM}
 * in the environment) and {@code npm ci --prefix itests/browser} (playwright-core from the npm registry, no browser
 * download); without them the test fails and says what to install.
 */
public class WebConsoleBrowserIT {

    private static final String GROUP = "cattle";
    private static final int SIZE = 5;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration BROWSER_TEST_TIMEOUT = Duration.ofMinutes(4);
    private static final String SHA_TAG = "infrakit.config_sha";
    private static final String GROUP_TAG = "infrakit.group";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static KarafNode node;
    private static int port;

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @BeforeClass
    public static void startKaraf() throws Exception {
        prerequisites(); // before minutes of booting: say at once what is missing
        node = new KarafNode("web-console", 200);
        port = KarafProcess.freePorts(1)[0];
        node.configure("io.infrakit.web.cfg", "port", Integer.toString(port));
        node.start();
    }

    @AfterClass
    public static void stopKaraf() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    /** @return {@code itests/} (failsafe runs in the module's directory and says so in {@code basedir}) */
    private static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    private static Path browserDir() {
        return moduleDir().resolve("browser");
    }

    private static Path chromium() {
        String configured = System.getenv("CHROMIUM");
        return Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
    }

    /** Fails (not skips) with what to install when Node.js, Chromium or playwright-core is missing. */
    private static void prerequisites() throws InterruptedException {
        List<String> missing = new ArrayList<>();
        String nodeVersion = null;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                nodeVersion = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            } else {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // not on the PATH
        }
        if (nodeVersion == null) {
            missing.add("Node.js 20 or later: `node` is not on the PATH (apt-get install nodejs npm)");
        } else if (!nodeVersion.matches("v(2\\d|[3-9]\\d|\\d{3,})\\..*")) {
            missing.add("Node.js 20 or later (playwright-core needs it): `node --version` says " + nodeVersion);
        }
        if (!Files.isExecutable(chromium())) {
            missing.add("Chromium at " + chromium() + " (apt-get install chromium, or set CHROMIUM to its executable)");
        }
        if (!Files.isRegularFile(browserDir().resolve("node_modules/playwright-core/package.json"))) {
            missing.add("playwright-core in " + browserDir().resolve("node_modules")
                    + " (npm ci --prefix itests/browser, from the top of the repository)");
        }
        if (!missing.isEmpty()) {
            fail("The browser test cannot run; install:\n  - " + String.join("\n  - ", missing));
        }
    }

    private static JsonNode status() throws Exception {
        return node.call("GroupControl.Status", "{\"ID\":\"" + GROUP + "\"}").path("Groups").get(0);
    }

    private static JsonNode history() throws Exception {
        return node.call("GroupControl.History", "{\"ID\":\"" + GROUP + "\"}").path("Revisions");
    }

    private static void awaitConverged(int revision) throws Exception {
        Await.until(WAIT, GROUP + " converged at revision " + revision, () -> {
            JsonNode s = status();
            return "Converged".equals(s.path("Status").asText()) && s.path("Revision").asInt() == revision
                    && s.path("UpToDate").asInt() == SIZE && s.path("Current").asInt() == SIZE;
        });
    }

    /** GET on the endpoint; the status and the body. */
    private static HttpResponse<String> get(HttpClient http, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void theConsoleInChromiumShowsAHealAndRollsBackWithTheTokenOnly() throws Exception {
        // the tutorial's group, revision 1, then revision 2 (one more Init line): the rollback target is revision 1
        String tutorial = Files.readString(node.distribution().resolve("examples/cattle.json"));
        ObjectNode spec = (ObjectNode) JSON.readTree(tutorial);
        assertEquals(GROUP, spec.path("ID").asText());
        assertEquals(SIZE, spec.path("Properties").path("Allocation").path("Size").asInt());
        node.commit(tutorial);
        awaitConverged(1);
        ((ArrayNode) spec.path("Properties").path("Flavor").path("Properties").path("Init")).add("echo revision 2 of the web console test");
        node.commit(JSON.writeValueAsString(spec));
        awaitConverged(2);
        JsonNode revisions = history();
        assertEquals(revisions.toString(), 2, revisions.size());
        String sha1 = revisions.get(0).path("ConfigSHA").asText();
        String sha2 = revisions.get(1).path("ConfigSHA").asText();
        assertTrue(revisions.toString(), !sha1.isEmpty() && !sha1.equals(sha2));

        // the endpoint answers, and its token is in $INFRAKIT_HOME/web/token
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Await.until(WAIT, "the web endpoint on 127.0.0.1:" + port + " lists " + GROUP,
                () -> {
                    HttpResponse<String> groups = get(http, "/api/groups");
                    return groups.statusCode() == 200 && groups.body().contains("\"" + GROUP + "\"");
                });
        Path tokenFile = node.home().resolve("web/token");
        Await.until(WAIT, tokenFile + " is written", () -> Files.isRegularFile(tokenFile) && !Files.readString(tokenFile).isBlank());
        String token = Files.readString(tokenFile).trim();

        // the browser test
        Path target = moduleDir().resolve("target");
        Files.createDirectories(target);
        Path screenshot = target.resolve("web-console.png");
        Files.deleteIfExists(screenshot);
        Path output = target.resolve("web-console-browser.log");
        ProcessBuilder builder = new ProcessBuilder("node", browserDir().resolve("console.test.mjs").toString())
                .directory(browserDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("BASE_URL", "http://127.0.0.1:" + port + "/");
        builder.environment().put("GROUP", GROUP);
        builder.environment().put("SIZE", Integer.toString(SIZE));
        builder.environment().put("INSTANCES_DIR", node.instances().toString());
        builder.environment().put("TOKEN", token);
        builder.environment().put("SCREENSHOT", screenshot.toString());
        builder.environment().put("CHROMIUM", chromium().toString());
        Process browser = builder.start();
        boolean ended;
        try {
            ended = browser.waitFor(BROWSER_TEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            // node and the Chromium it started: nothing outlives the test
            Stream.concat(browser.descendants(), Stream.of(browser.toHandle())).forEach(ProcessHandle::destroyForcibly);
        }
        String printed = Files.readString(output);
        System.out.println("===== " + output + " =====\n" + printed);
        if (!ended) {
            fail("node console.test.mjs did not end within " + BROWSER_TEST_TIMEOUT.toSeconds() + " s:\n" + printed);
        }
        assertEquals("node console.test.mjs failed:\n" + printed, 0, browser.exitValue());
        assertTrue("no screenshot at " + screenshot + ":\n" + printed, Files.isRegularFile(screenshot) && Files.size(screenshot) > 0);

        // what the page showed, from the manager's socket: revision 1's configuration on exactly SIZE instances
        JsonNode s = status();
        assertEquals(s.toString(), "Converged", s.path("Status").asText());
        assertEquals(s.toString(), sha1, s.path("ConfigSHA").asText());
        JsonNode after = history();
        assertEquals(after.toString(), 3, after.size());
        assertEquals(after.toString(), sha1, after.get(2).path("ConfigSHA").asText());
        assertEquals(after.toString(), s.path("Revision").asInt(), after.get(2).path("Revision").asInt());
        JsonNode instances = node.describe(GROUP).path("Instances");
        assertEquals(instances.toString(), SIZE, instances.size());
        for (JsonNode instance : instances) {
            assertEquals(instance.toString(), GROUP, instance.path("Tags").path(GROUP_TAG).asText());
            assertEquals(instance.toString(), sha1, instance.path("Tags").path(SHA_TAG).asText());
        }
        assertEquals(SIZE, InstanceFiles.ofGroup(node.instances(), GROUP).size());
    }
}
