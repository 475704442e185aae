package io.infrakit.itests;

import io.infrakit.rpc.wire.Spi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The operator's verbs end to end on the distribution, over the manager's socket as curl would call them
 * ({@code GroupControl} 0.1.0): status at a glance, a rollout that stalls and is paused, the pause surviving
 * {@code kill -9} and a start (with the journal of events), resume, a rollout stopped with its mix kept,
 * the revisions, and a rollback to revision 1 that is itself a revision. Instances are served by the test
 * ({@link MemoryInstancePlugin}); the flavor ({@link TagHealthFlavor}) makes the members of a configuration
 * tagged {@code health=bad} unhealthy, and with long {@code UnhealthySeconds} and {@code HealthTimeoutSeconds}
 * such a rollout replaces one member and waits. The distribution's {@code bin/infrakit} is run as a deploy
 * script would: {@code status --wait} exits 0 once converged, 1 when the rollout fails or the time is up.
 */
public class OperatorVerbsIT {

    private static final int SIZE = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GROUP_TAG = "infrakit.group";
    private static final String SHA_TAG = "infrakit.config_sha";

    private static final String SHELL_PASSWORD = "itest-" + Long.toHexString(System.nanoTime());

    private static KarafNode node;
    private static TestPluginHost plugins;
    private static final MemoryInstancePlugin INSTANCES = new MemoryInstancePlugin("ops-");

    @Rule
    public final TestWatcher dumpLogsOnFailure = KarafNode.logsOnFailure(() -> node);

    @BeforeClass
    public static void startKaraf() throws Exception {
        node = new KarafNode("operator-verbs", 200);
        node.configure("io.infrakit.manager.file.cfg", "poll.interval.ms", "200");
        plugins = new TestPluginHost(node.plugins());
        plugins.serve(Spi.INSTANCE, "instance-memory", INSTANCES);
        plugins.serve(Spi.FLAVOR, "flavor-tagged", new TagHealthFlavor());
        // the distribution ships no user: one for this test's console sessions (bin/client over ssh, on loopback)
        node.configure("users.properties", "tester", SHELL_PASSWORD + ",_g_:admingroup");
        node.configure("users.properties", "_g_\\:admingroup", "group,admin,manager,viewer,systembundles,ssh");
    }

    @Before
    public void running() throws Exception {
        if (!node.isAlive()) {
            node.start();
        }
    }

    @AfterClass
    public static void stopKaraf() throws Exception {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (plugins != null) {
                plugins.close();
            }
        }
    }

    private static String spec(String id, String health, String note) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + SIZE + "},"
                + "\"Instance\":{\"Plugin\":\"instance-memory\",\"Properties\":{\"Note\":\"" + note + "\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-tagged\",\"Properties\":{\"Tags\":{\"" + TagHealthFlavor.HEALTH_TAG + "\":\"" + health + "\"}}},"
                + "\"Update\":{\"UnhealthySeconds\":600,\"HealthTimeoutSeconds\":600}}}";
    }

    private static JsonNode status(String id) throws Exception {
        return node.call("GroupControl.Status", "{\"ID\":\"" + id + "\"}").path("Groups").get(0);
    }

    private static String verb(String method, String id) throws Exception {
        return node.call("GroupControl." + method, "{\"ID\":\"" + id + "\",\"Source\":\"cli\"}").path("Details").asText();
    }

    private static List<String> eventTypes(String id) throws Exception {
        List<String> types = new ArrayList<>();
        node.call("GroupControl.Events", "{\"ID\":\"" + id + "\",\"Limit\":1000}").path("Events").forEach(e -> types.add(e.path("Type").asText()));
        return types;
    }

    private static long at(String group, String health) {
        return INSTANCES.present(Map.of(GROUP_TAG, group, TagHealthFlavor.HEALTH_TAG, health)).size();
    }

    private static void awaitConverged(String id, int revision) throws Exception {
        Await.until(WAIT, id + " converged at revision " + revision, () -> {
            JsonNode s = status(id);
            return "Converged".equals(s.path("Status").asText()) && s.path("Revision").asInt() == revision && s.path("UpToDate").asInt() == SIZE
                    && s.path("Current").asInt() == SIZE;
        });
    }

    /** What a run of {@code bin/infrakit} printed, and its exit code. */
    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + err;
        }
    }

    /** Runs the distribution's {@code bin/infrakit} on the node's plugins directory. */
    private static Run infrakit(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(node.distribution().resolve("bin/infrakit").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(node.distribution().toFile());
        pb.environment().put("INFRAKIT_PLUGINS_DIR", node.plugins().toString());
        Path out = Files.createTempFile(node.home(), "cli", ".out");
        Path err = Files.createTempFile(node.home(), "cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/infrakit " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Runs Karaf shell commands through the distribution's {@code bin/client}, in batch mode; returns what it printed. */
    private static String shell(String... commands) throws Exception {
        String port = null;
        for (String line : Files.readAllLines(node.distribution().resolve("etc/org.apache.karaf.shell.cfg"))) {
            if (line.matches("\\s*sshPort\\s*=.*")) {
                port = line.substring(line.indexOf('=') + 1).trim();
            }
        }
        Path in = Files.createTempFile(node.home(), "shell", ".in");
        Files.writeString(in, String.join("\n", commands) + "\n");
        Path out = Files.createTempFile(node.home(), "shell", ".out");
        ProcessBuilder pb = new ProcessBuilder(node.distribution().resolve("bin/client").toString(), "-h", "127.0.0.1", "-a", port,
                "-u", "tester", "-p", SHELL_PASSWORD, "-r", "10", "-b").directory(node.distribution().toFile())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/client did not end within 120 s: " + Files.readString(out));
        }
        return Files.readString(out);
    }

    @Test
    public void theShellShowsStatusEventsAndHistoryAndPausesAndRollsBack() throws Exception {
        String group = "sh-web";
        Path good = node.home().resolve("sh-web.json");
        Path next = node.home().resolve("sh-web-next.json");
        Files.writeString(good, spec(group, "good", "v1"));
        Files.writeString(next, spec(group, "good", "v2"));

        String out = shell("infrakit:group-commit " + good, "infrakit:group-status --wait --timeout 60s " + group);
        assertTrue(out, out.contains("Committed " + group + ": Managing 3 instances"));
        assertTrue(out, out.contains("converged"));
        assertEquals(1, status(group).path("Revision").asInt());

        out = shell("infrakit:group-commit " + next, "infrakit:group-status --wait --timeout 60s " + group, "infrakit:group-list",
                "infrakit:group-history " + group, "infrakit:group-pause " + group, "infrakit:group-pause " + group);
        assertTrue(out, out.matches("(?s).*" + group + "\\s*\\|\\s*3\\s*\\|\\s*3\\s*\\|\\s*3\\s*\\|\\s*3\\s*\\|\\s*2\\s*\\|\\s*Converged.*"));
        assertTrue(out, out.contains("Paused: no member is replaced until the rollout is resumed"));
        assertTrue(out, out.contains("paused already"));
        assertEquals("Paused", status(group).path("Status").asText());
        JsonNode history = node.call("GroupControl.History", "{\"ID\":\"" + group + "\"}").path("Revisions");
        assertEquals("shell", history.get(0).path("Source").asText());
        assertEquals("shell", history.get(1).path("Source").asText());

        out = shell("infrakit:group-resume " + group, "infrakit:group-rollback --to-revision 1 " + group,
                "infrakit:group-status --wait --timeout 60s " + group, "infrakit:group-events " + group);
        assertTrue(out, out.contains("Resumed the rollout"));
        assertTrue(out, out.contains("RolloutPaused") && out.contains("RolloutResumed") && out.contains("RolloutCompleted"));
        assertEquals(3, status(group).path("Revision").asInt());
        assertEquals("rollback to revision 1", node.call("GroupControl.History", "{\"ID\":\"" + group + "\"}").path("Revisions")
                .get(2).path("Reason").asText());
        shell("infrakit:group-destroy " + group);
        Await.until(WAIT, group + " destroyed", () -> INSTANCES.present(Map.of(GROUP_TAG, group)).isEmpty());

        // local defaults: the password added in plain text is stored encrypted once used, and the files that
        // hold secrets (the users, the keys, the shutdown command and its port) are the owner's only
        String users = Files.readString(node.distribution().resolve("etc/users.properties"));
        assertTrue(users, users.lines().anyMatch(l -> l.startsWith("tester") && l.contains("{CRYPT}")));
        assertTrue("the plain password is gone", !users.contains(SHELL_PASSWORD));
        for (String file : List.of("etc/users.properties", "etc/keys.properties", "etc/config.properties", "data/port")) {
            assertEquals(file, "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(node.distribution().resolve(file))));
        }
        // and another local user (nobody) who runs bin/stop cannot stop it: the port and the command are not theirs to read
        assertEquals("running bin/stop as another user needs root (CI runs as root)", "0",
                new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
        for (String file : List.of("data/port", "etc/config.properties")) {
            Process read = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat",
                    node.distribution().resolve(file).toString()).redirectErrorStream(true).start();
            String denied = new String(read.getInputStream().readAllBytes());
            assertTrue(read.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(file + " readable by nobody: " + denied, read.exitValue() != 0 && denied.contains("Permission denied"));
        }
        Process stop = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                node.distribution().resolve("bin/stop").toString()).directory(node.distribution().toFile()).redirectErrorStream(true).start();
        String said = new String(stop.getInputStream().readAllBytes());
        assertTrue("bin/stop as nobody did not end", stop.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue("bin/stop as nobody: " + said, node.isAlive());
        assertTrue("the manager still answers", node.call("Manager.IsLeader", "{}").path("Leader").asBoolean());
    }

    @Test
    public void theCommandLineWaitsForRolloutsWithExitCodesAScriptCanUse() throws Exception {
        String group = "cli-web";
        Path good = node.home().resolve("cli-web.json");
        Path bad = node.home().resolve("cli-web-bad.json");
        Files.writeString(good, spec(group, "good", "v1"));
        Files.writeString(bad, spec(group, "bad", "v2").replace("\"UnhealthySeconds\":600", "\"UnhealthySeconds\":1"));

        Run watch = infrakit("watch", good.toString()); // the first README's verb: a commit
        assertEquals(watch.toString(), 0, watch.exit());
        Run converged = infrakit("group", "status", group, "--wait", "--timeout", "60s");
        assertEquals(converged.toString(), 0, converged.exit());
        assertTrue(converged.toString(), converged.out().contains("converged"));

        Run list = infrakit("group", "ls", "--json");
        assertEquals(list.toString(), 0, list.exit());
        JsonNode groups = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.out());
        boolean found = false;
        for (JsonNode g : groups) {
            found |= group.equals(g.path("ID").asText()) && "Converged".equals(g.path("Status").asText()) && g.path("Revision").asInt() == 1;
        }
        assertTrue(list.out(), found);

        Run plan = infrakit("update", bad.toString(), "--describe");
        assertEquals(plan.toString(), 0, plan.exit());
        assertTrue(plan.toString(), plan.out().contains("rolling update"));
        assertEquals("--describe commits nothing", 1, status(group).path("Revision").asInt());

        assertEquals(0, infrakit("update", bad.toString()).exit());
        Run failed = infrakit("group", "status", group, "--wait", "--timeout", "60s");
        assertEquals("a failed rollout exits 1: " + failed, 1, failed.exit());
        assertTrue(failed.toString(), (failed.out() + failed.err()).contains("stayed unhealthy"));

        Run events = infrakit("group", "events", group, "--json");
        assertEquals(events.toString(), 0, events.exit());
        List<String> eventTypes = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(events.out()).forEach(e -> {
            eventTypes.add(e.path("Type").asText());
            sources.add(e.path("Source").asText());
        });
        assertTrue(events.out(), eventTypes.contains("RolloutFailed") && sources.contains("cli"));

        Run history = infrakit("group", "history", group);
        assertEquals(history.toString(), 0, history.exit());
        assertTrue(history.out(), history.out().lines().filter(l -> l.matches("^[12]\\s.*")).count() == 2);

        assertEquals(0, infrakit("group", "rollback", group, "--to-revision", "1").exit());
        Run back = infrakit("group", "status", group, "--wait", "--timeout", "60s");
        assertEquals(back.toString(), 0, back.exit());
        assertEquals(3, status(group).path("Revision").asInt());
        assertEquals(SIZE, INSTANCES.present(Map.of(GROUP_TAG, group, TagHealthFlavor.HEALTH_TAG, "good")).size());

        Run pause = infrakit("group", "pause", group);
        assertEquals(pause.toString(), 0, pause.exit());
        Run again = infrakit("group", "pause", group);
        assertEquals("a refused verb exits 1: " + again, 1, again.exit());
        assertTrue(again.toString(), again.err().contains("paused already"));
        Run timeout = infrakit("group", "status", group, "--wait", "--timeout", "2s");
        assertEquals("a paused group does not converge: the wait times out: " + timeout, 1, timeout.exit());
        assertEquals(0, infrakit("group", "resume", group).exit());

        assertEquals(0, infrakit("destroy", group).exit());
        Await.until(WAIT, group + " destroyed", () -> INSTANCES.present(Map.of(GROUP_TAG, group)).isEmpty());
    }

    @Test
    public void pauseSurvivesKillMinus9ResumeStopHistoryAndRollbackToRevisionOne() throws Exception {
        String group = "web";
        node.call("GroupControl.Commit", "{\"Spec\":" + spec(group, "good", "v1") + ",\"Source\":\"cli\"}");
        awaitConverged(group, 1);
        JsonNode list = node.call("GroupControl.Status", "{}").path("Groups");
        assertTrue(list.toString(), list.size() >= 1);
        list.forEach(g -> assertTrue("no members in the list: " + list, g.path("Members").isMissingNode()));
        assertEquals(SIZE, status(group).path("Members").size());
        assertEquals("Healthy", status(group).path("Members").get(0).path("Health").asText());

        // a rollout whose new members stay unhealthy: one member replaced, then it waits
        node.commit(spec(group, "bad", "v2"));
        Await.until(WAIT, "one member replaced", () -> at(group, "bad") == 1 && "Rolling".equals(status(group).path("Status").asText()));
        assertEquals(2, status(group).path("Revision").asInt());
        assertEquals("Paused: no member is replaced until the rollout is resumed", verb("Pause", group));
        Await.until(WAIT, "paused", () -> "Paused".equals(status(group).path("Status").asText()));

        // kill -9 and start: still paused, the journal kept
        long seqBefore = node.call("GroupControl.Events", "{\"ID\":\"" + group + "\",\"Limit\":1000}").path("Events")
                .get(0).path("Seq").asLong();
        node.killHard();
        node.start();
        Await.until(WAIT, "the group runs again", () -> node.runningGroups().contains(group)
                && !"Starting".equals(status(group).path("Status").asText()));
        assertEquals("Paused", status(group).path("Status").asText());
        assertEquals(2, status(group).path("Revision").asInt());
        List<String> types = eventTypes(group);
        assertTrue(types.toString(), types.contains("RolloutPaused") && types.contains("RolloutStarted") && types.contains("Committed"));
        assertEquals(seqBefore, node.call("GroupControl.Events", "{\"ID\":\"" + group + "\",\"Limit\":1000}").path("Events")
                .get(0).path("Seq").asLong());
        Path journal = node.home().resolve("events").resolve("group-web.jsonl");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)));

        // a member of the new configuration is lost while paused: it comes back with that configuration
        String badOne = INSTANCES.present(Map.of(GROUP_TAG, group, TagHealthFlavor.HEALTH_TAG, "bad")).get(0).id();
        INSTANCES.vanish(badOne);
        Await.until(WAIT, "the lost member is replaced", () -> INSTANCES.present(Map.of(GROUP_TAG, group)).size() == SIZE
                && at(group, "bad") == 1 && eventTypes(group).contains("InstanceLost"));
        assertEquals("Paused", status(group).path("Status").asText());

        // stop keeps the mix; a good configuration rolls out; its revision is 3
        assertEquals("Stopped the rollout: the members keep the configurations they have", verb("Stop", group));
        Await.until(WAIT, "stopped", () -> "Stopped".equals(status(group).path("Status").asText()));
        assertEquals(1, at(group, "bad"));
        node.call("GroupControl.Commit", "{\"Spec\":" + spec(group, "good", "v3") + ",\"Source\":\"cli\"}");
        awaitConverged(group, 3);

        JsonNode history = node.call("GroupControl.History", "{\"ID\":\"" + group + "\"}").path("Revisions");
        assertEquals(3, history.size());
        assertEquals("cli", history.get(0).path("Source").asText());
        assertEquals("api", history.get(1).path("Source").asText());
        String sha1 = history.get(0).path("ConfigSHA").asText();

        String plan = node.call("GroupControl.Rollback", "{\"ID\":\"" + group + "\",\"Revision\":1,\"Source\":\"cli\"}").path("Details").asText();
        assertTrue(plan, plan.contains("rolling update"));
        awaitConverged(group, 4);
        history = node.call("GroupControl.History", "{\"ID\":\"" + group + "\"}").path("Revisions");
        assertEquals("rollback to revision 1", history.get(3).path("Reason").asText());
        assertEquals(sha1, history.get(3).path("ConfigSHA").asText());
        assertEquals(SIZE, INSTANCES.present(Map.of(GROUP_TAG, group, SHA_TAG, sha1)).size());
        types = eventTypes(group);
        for (String expected : List.of("RolloutStopped", "RolloutCompleted", "Converged", "InstanceCreated", "InstanceDestroyed")) {
            assertTrue(expected + " in " + types, types.contains(expected));
        }

        // resume of a group that is neither paused nor stopped is refused, clearly
        io.infrakit.spi.PluginException refused = org.junit.Assert.assertThrows(io.infrakit.spi.PluginException.class, () -> verb("Resume", group));
        assertEquals("Cannot resume group web: it is neither paused nor stopped", refused.getMessage());
    }
}
