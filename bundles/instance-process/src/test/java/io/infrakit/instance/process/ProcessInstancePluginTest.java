package io.infrakit.instance.process;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs real processes ({@code /bin/sh} scripts) and waits for them by polling, never by sleeping. */
class ProcessInstancePluginTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String FOREVER = "exec sleep 600";

    @TempDir
    Path dir;

    private final List<Process> unrelated = new ArrayList<>();

    private ProcessInstancePlugin plugin(Duration grace) throws IOException {
        return new ProcessInstancePlugin(dir, new WireJsonCodec(), grace, 5);
    }

    private ProcessInstancePlugin plugin() throws IOException {
        return plugin(Duration.ofSeconds(5));
    }

    private static InstanceSpec spec(String init, Map<String, String> tags, String logicalID, String properties) {
        return new InstanceSpec(RawJson.of(properties), tags, init, logicalID, null);
    }

    private ProcessInstancePlugin.InstanceState state(String id) throws Exception {
        return new WireJsonCodec().decode(new RawJson(Files.readString(dir.resolve(id).resolve("instance.json"))),
                ProcessInstancePlugin.InstanceState.class);
    }

    private String log(String id) {
        try {
            return Files.readString(dir.resolve(id).resolve("output.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean running(long pid) {
        return ProcessIdentity.of(pid).isPresent();
    }

    @AfterEach
    void stopEverything() throws Exception {
        ProcessInstancePlugin p = plugin(Duration.ZERO);
        for (Description d : p.describeInstances(null)) {
            p.destroy(d.id());
        }
        unrelated.forEach(Process::destroyForcibly);
    }

    @Test
    void provisionRunsTheInitScriptInItsOwnDirectoryWithItsEnvironmentAndLogsItsOutput() throws Exception {
        ProcessInstancePlugin p = plugin();
        Map<String, String> tags = Map.of("infrakit.group", "g", "tier", "web");
        String id = p.provision(spec("echo \"pid=$$ id=$INFRAKIT_INSTANCE_ID lid=$INFRAKIT_LOGICAL_ID greeting=$GREETING cwd=$(pwd)\"\n"
                + "echo oops >&2\n" + FOREVER, tags, "lid-1", "{\"Env\": {\"GREETING\": \"hello world\"}}"));

        assertTrue(id.matches("process-[0-9a-z]+"), id);
        assertEquals(List.of(new Description(id, "lid-1", tags)), p.describeInstances(Map.of()));
        Path home = dir.resolve(id);
        long pid = state(id).pid();
        // $$ is the recorded pid: the script runs in the very process the plugin watches
        await().atMost(WAIT).until(() -> log(id).contains("oops"));
        assertTrue(log(id).contains("pid=" + pid + " id=" + id + " lid=lid-1 greeting=hello world cwd=" + home.toRealPath()), log(id));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        assertEquals(state(id).spec().init(), Files.readString(home.resolve("init.sh")));
        assertEquals(tags, state(id).tags());
    }

    @Test
    void theProcessRunsInItsOwnSession() throws Exception {
        ProcessInstancePlugin p = plugin();
        String id = p.provision(spec(FOREVER, null, null, null));
        long pid = state(id).pid();
        // setsid(1) runs as the recorded process, calls setsid(2), then becomes /bin/sh: wait until it has
        await().atMost(WAIT).until(() -> !stat(pid).contains("(setsid)"));
        String stat = stat(pid);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(pid), fields[3], "session ID of " + stat); // field 6: session
    }

    private static String stat(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    }

    @Test
    void describeFiltersByAllTags() throws Exception {
        ProcessInstancePlugin p = plugin();
        String web = p.provision(spec(FOREVER, Map.of("tier", "web", "g", "a"), null, null));
        String db = p.provision(spec(FOREVER, Map.of("tier", "db", "g", "a"), null, null));
        assertEquals(List.of(web), p.describeInstances(Map.of("tier", "web", "g", "a")).stream().map(Description::id).toList());
        assertEquals(Stream.of(web, db).sorted().toList(), p.describeInstances(Map.of("g", "a")).stream().map(Description::id).toList());
        assertEquals(List.of(), p.describeInstances(Map.of("tier", "web", "g", "b")));
    }

    @Test
    void aProcessKilledFromOutsideIsMissingAndItsOutputIsKept() throws Exception {
        ProcessInstancePlugin p = plugin();
        String id = p.provision(spec("echo started\n" + FOREVER, Map.of("g", "a"), null, null));
        await().atMost(WAIT).until(() -> log(id).contains("started"));
        ProcessHandle.of(state(id).pid()).orElseThrow().destroyForcibly();

        await().atMost(WAIT).until(() -> p.describeInstances(Map.of("g", "a")).isEmpty());
        assertFalse(Files.exists(dir.resolve(id)));
        assertEquals("started\n", Files.readString(dir.resolve(".exited").resolve(id).resolve("output.log")));
    }

    @Test
    void aProcessThatExitsAtOnceIsStillProvisionedThenMissing() throws Exception {
        ProcessInstancePlugin p = plugin();
        String id = p.provision(spec("echo bye\nexit 3", null, null, null));
        assertTrue(id.startsWith("process-"));
        await().atMost(WAIT).until(() -> p.describeInstances(null).isEmpty() && !Files.exists(dir.resolve(id)));
        assertEquals("bye\n", Files.readString(dir.resolve(".exited").resolve(id).resolve("output.log")));
    }

    @Test
    void onlyTheLatestExitedInstancesAreKept() throws Exception {
        ProcessInstancePlugin p = new ProcessInstancePlugin(dir, new WireJsonCodec(), Duration.ZERO, 1);
        for (int i = 0; i < 3; i++) {
            String id = p.provision(spec("exit 0", null, null, null));
            await().atMost(WAIT).until(() -> p.describeInstances(null).isEmpty() && !Files.exists(dir.resolve(id)));
        }
        try (Stream<Path> kept = Files.list(dir.resolve(".exited"))) {
            assertEquals(1, kept.count());
        }
    }

    @Test
    void destroyStopsACooperativeProcessWithSigtermWithoutWaitingForTheGracePeriod() throws Exception {
        ProcessInstancePlugin p = plugin(Duration.ofSeconds(60));
        String id = p.provision(spec("while :; do sleep 1; done", null, null, null));
        long pid = state(id).pid();
        long start = System.nanoTime();
        p.destroy(id);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
        assertFalse(running(pid));
        assertFalse(Files.exists(dir.resolve(id)));
        assertEquals(List.of(), p.describeInstances(null));
    }

    @Test
    void destroyKillsAProcessTreeThatTrapsSigtermOnceTheGracePeriodIsOver() throws Exception {
        Duration grace = Duration.ofMillis(700);
        ProcessInstancePlugin p = plugin(grace);
        Path marker = dir.resolveSibling(dir.getFileName() + "-term");
        String id = p.provision(spec("trap 'echo TERM >> \"$MARKER\"' TERM\necho ready\nwhile :; do sleep 1; done",
                null, null, "{\"Env\": {\"MARKER\": \"" + marker + "\"}}"));
        await().atMost(WAIT).until(() -> log(id).contains("ready"));
        long pid = state(id).pid();
        List<Long> tree = new ArrayList<>(List.of(pid));
        await().atMost(WAIT).until(() -> ProcessHandle.of(pid).orElseThrow().children().findAny().isPresent()); // its sleep
        ProcessHandle.of(pid).orElseThrow().descendants().forEach(h -> tree.add(h.pid()));

        long start = System.nanoTime();
        p.destroy(id);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(grace) >= 0, "killed before the grace period: " + took);
        await().atMost(WAIT).until(() -> Files.exists(marker) && Files.readString(marker).contains("TERM")); // SIGTERM came first
        await().atMost(WAIT).until(() -> tree.stream().noneMatch(ProcessInstancePluginTest::running));
        assertFalse(Files.exists(dir.resolve(id)));
        Files.deleteIfExists(marker);
    }

    @Test
    void aNewPluginOnTheSameDirectoryAdoptsTheRunningProcesses() throws Exception {
        ProcessInstancePlugin first = plugin();
        String id = first.provision(spec(FOREVER, Map.of("g", "a"), "lid-7", null));
        first.label(id, Map.of("extra", "1", "g", "b"));
        long pid = state(id).pid();

        ProcessInstancePlugin second = plugin(); // as after a restart of Karaf
        assertEquals(List.of(new Description(id, "lid-7", Map.of("extra", "1", "g", "b"))), second.describeInstances(Map.of("g", "b")));
        second.destroy(id);
        assertFalse(running(pid));
        assertEquals(List.of(), first.describeInstances(null));
    }

    @Test
    void aReusedPidIsNeitherAdoptedNorKilled() throws Exception {
        Process other = new ProcessBuilder("sleep", "600").start();
        unrelated.add(other);
        String realStart = ProcessIdentity.of(other.pid()).orElseThrow().start();
        ProcessInstancePlugin p = plugin();
        writeState("process-reused1", other.pid(), realStart + "0");
        p.destroy("process-reused1");
        assertTrue(other.isAlive());
        assertFalse(Files.exists(dir.resolve("process-reused1")));

        writeState("process-reused2", other.pid(), realStart + "0");
        assertEquals(List.of(), p.describeInstances(Map.of("g", "a")));
        assertTrue(other.isAlive());
        // and the same state with the right start time is an instance: the start time is what told them apart
        writeState("process-real", other.pid(), realStart);
        assertEquals(List.of("process-real"), p.describeInstances(Map.of("g", "a")).stream().map(Description::id).toList());
    }

    private void writeState(String id, long pid, String start) throws IOException {
        Path home = Files.createDirectory(dir.resolve(id));
        Files.writeString(home.resolve("instance.json"), new WireJsonCodec().encodeIndented(
                new ProcessInstancePlugin.InstanceState(id, null, Map.of("g", "a"), null, pid, start), "", "  "));
    }

    @Test
    void labelMergesTagsIntoTheStateFile() throws Exception {
        ProcessInstancePlugin p = plugin();
        String id = p.provision(spec(FOREVER, Map.of("a", "1", "b", "2"), null, null));
        p.label(id, Map.of("b", "3", "c", "4"));
        assertEquals(Map.of("a", "1", "b", "3", "c", "4"), p.describeInstances(Map.of()).get(0).tags());
        assertEquals(Map.of("a", "1", "b", "3", "c", "4"), state(id).tags());
    }

    @Test
    void validateNamesTheBadField() throws Exception {
        ProcessInstancePlugin p = plugin();
        p.validate(null);
        p.validate(new RawJson("{}"));
        p.validate(new RawJson("{\"Env\": {\"A_1\": \"x y; $(rm -rf /)\", \"_b\": \"\"}}"));
        Map<String, String> bad = Map.of(
                "{\"Env\": {\"1BAD\": \"x\"}}", "'1BAD'",
                "{\"Env\": {\"A-B\": \"x\"}}", "'A-B'",
                "{\"Env\": {\"A=B\": \"x\"}}", "'A=B'",
                "{\"Env\": {\"N\": null}}", "Env.N",
                "{\"Env\": {\"INFRAKIT_INSTANCE_ID\": \"x\"}}", "Env.INFRAKIT_INSTANCE_ID");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            PluginException ex = assertThrows(PluginException.class, () -> p.validate(new RawJson(e.getKey())), e.getKey());
            assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage());
        }
        // mistakes in the shape: the plugin's name, the JSON path from its Properties, the key it most likely meant
        Map<String, String> shape = Map.of(
                "{\"Envv\": {}}", "instance-process: unknown key Properties.Envv: did you mean Env?",
                "{\"env\": {}, \"Enviroment\": {}}", "instance-process: unknown key Properties.Enviroment (the keys there are Env)",
                "{\"Env\": {\"N\": 1}}", "instance-process: Properties.Env.N: expected a string, got 1",
                "{\"Env\": {\"N\": [\"x\"]}}", "instance-process: Properties.Env.N: expected a string, got an array",
                "{\"Env\": [\"A=B\"]}", "instance-process: Properties.Env: expected an object, got an array",
                "{\"Env\": \"A=B\"}", "instance-process: Properties.Env: expected an object, got \"A=B\"",
                "[1]", "instance-process: Properties: expected an object, got an array",
                "\"x\"", "instance-process: Properties: expected an object, got \"x\"");
        for (Map.Entry<String, String> e : shape.entrySet()) {
            assertEquals(e.getValue(), assertThrows(PluginException.class, () -> p.validate(new RawJson(e.getKey())), e.getKey()).getMessage());
        }
    }

    @Test
    void provisionWithBadPropertiesStartsNothing() throws Exception {
        ProcessInstancePlugin p = plugin();
        assertThrows(PluginException.class, () -> p.provision(spec(FOREVER, null, null, "{\"Env\": {\"a b\": \"x\"}}")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void theInitIsAScriptAndNothingElseFromTheWireReachesAShell() throws Exception {
        ProcessInstancePlugin p = plugin();
        String hostile = "'; touch pwned; echo \"$(touch pwned2)\" #";
        String id = p.provision(spec("printf '%s\\n' 'a;b|c&&d $(x)' > literal.txt\necho $((1+2)) > arith.txt\n"
                + "printf '%s\\n' \"$INFRAKIT_LOGICAL_ID\" > lid.txt\nprintf '%s\\n' \"$V\" > v.txt\n" + FOREVER,
                Map.of("t", hostile), hostile, "{\"Env\": {\"V\": \"" + hostile.replace("\"", "\\\"") + "\"}}"));
        Path home = dir.resolve(id);
        await().atMost(WAIT).until(() -> Files.exists(home.resolve("v.txt")) && Files.readString(home.resolve("v.txt")).endsWith("\n"));
        assertEquals("a;b|c&&d $(x)\n", Files.readString(home.resolve("literal.txt")));
        assertEquals("3\n", Files.readString(home.resolve("arith.txt")));
        assertEquals(hostile + "\n", Files.readString(home.resolve("lid.txt")));
        assertEquals(hostile + "\n", Files.readString(home.resolve("v.txt")));
        assertFalse(Files.exists(home.resolve("pwned")) || Files.exists(home.resolve("pwned2")));
        assertEquals(Map.of("t", hostile), p.describeInstances(null).get(0).tags());
    }

    @Test
    void idsFromTheWireThatAreNotInstancesAreRefused() throws Exception {
        Path victim = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-victim"));
        Files.writeString(victim.resolve("keep"), "keep me");
        ProcessInstancePlugin p = plugin();
        Files.createDirectories(dir.resolve(".exited").resolve("process-old"));
        for (String id : List.of("", ".", "..", "../" + victim.getFileName(), "/etc", ".exited", "a/b", "x\0y")) {
            PluginException e = assertThrows(PluginException.class, () -> p.destroy(id), id);
            assertTrue(e.getMessage().startsWith("Invalid instance ID"), e.getMessage());
            assertThrows(PluginException.class, () -> p.label(id, Map.of("x", "y")), id);
        }
        PluginException unknown = assertThrows(PluginException.class, () -> p.destroy("process-nope"));
        assertTrue(unknown.getMessage().startsWith("Unknown instance process-nope"), unknown.getMessage());
        assertEquals("keep me", Files.readString(victim.resolve("keep")));
        assertTrue(Files.isDirectory(dir.resolve(".exited").resolve("process-old")));
        Files.delete(victim.resolve("keep"));
        Files.delete(victim);
    }

    @Test
    void destroyRemovesALinkTheScriptLeftButNotWhatItPointsTo() throws Exception {
        Path outside = Files.writeString(dir.resolveSibling(dir.getFileName() + "-outside"), "keep me");
        ProcessInstancePlugin p = plugin();
        String id = p.provision(spec("ln -s \"$TARGET\" link\nmkdir sub && ln -s \"$TARGET\" sub/link\n" + FOREVER, null, null,
                "{\"Env\": {\"TARGET\": \"" + outside + "\"}}"));
        await().atMost(WAIT).until(() -> Files.isSymbolicLink(dir.resolve(id).resolve("sub/link")));
        p.destroy(id);
        assertFalse(Files.exists(dir.resolve(id)));
        assertEquals("keep me", Files.readString(outside));
        Files.delete(outside);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theExampleGroupRunsAsTheVanillaFlavorWouldPrepareIt() throws Exception {
        WireJsonCodec codec = new WireJsonCodec();
        Map<String, Object> group = codec.decode(new RawJson(Files.readString(Path.of("../../examples/process.json"))), Map.class);
        Map<String, Object> props = (Map<String, Object>) group.get("Properties");
        Map<String, Object> instance = (Map<String, Object>) props.get("Instance");
        Map<String, Object> flavor = (Map<String, Object>) ((Map<String, Object>) props.get("Flavor")).get("Properties");
        assertEquals("instance-process", instance.get("Plugin"));
        RawJson properties = codec.encode(instance.get("Properties"));
        ProcessInstancePlugin p = plugin();
        p.validate(properties);
        String id = p.provision(new InstanceSpec(properties, Map.of("infrakit.group", "heartbeat"),
                String.join("\n", (List<String>) flavor.get("Init")), null, null)); // what flavor-vanilla's Prepare makes
        Path beat = dir.resolve(id).resolve("heartbeat");
        await().atMost(WAIT).until(() -> Files.exists(beat) && Files.readString(beat).contains(id + " alive"));
        assertTrue(log(id).contains(id + " started in "), log(id));
        assertEquals(1, p.describeInstances(Map.of("infrakit.group", "heartbeat")).size());
    }

    @Test
    void withoutTheCodecServiceCallsFailClearlyAndLeaveTheInstancesAlone() throws Exception {
        ProcessInstancePlugin p = plugin();
        String id = p.provision(spec(FOREVER, Map.of("g", "a"), null, null));
        long pid = state(id).pid();
        ProcessInstancePlugin plugin = new ProcessInstancePlugin(dir, null, Duration.ZERO, 5);
        String expected = "The JSON codec service is not available (is the infrakit rpc bundle running?)";

        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.describeInstances(Map.of())).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.destroy(id)).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.label(id, Map.of("k", "v"))).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.provision(spec(FOREVER, Map.of(), null, null))).getMessage());
        assertTrue(running(pid), "the instance's process still runs");
        assertTrue(Files.isDirectory(dir.resolve(id)), "its directory is neither retired nor removed");

        JsonCodec old = new WireJsonCodec();
        JsonCodec updated = new WireJsonCodec();
        plugin.setJson(old);
        // an updated rpc bundle: greedy, so its codec is bound before the old one is unbound
        plugin.setJson(updated);
        plugin.unsetJson(old);
        assertEquals(List.of(new Description(id, null, Map.of("g", "a"))), plugin.describeInstances(Map.of()));
        plugin.unsetJson(updated);
        assertThrows(PluginException.class, () -> plugin.describeInstances(Map.of()));
    }

    @Test
    void theRpcBundlesServicesAreDynamicOptionalReferencesSoUpdatingItLeavesThePluginActive() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + ProcessInstancePlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<reference name=\"Json\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.JsonCodec\""
                + " bind=\"setJson\" unbind=\"unsetJson\" policy-option=\"greedy\"/>"), xml);
        assertEquals(1, xml.split("<reference ", -1).length - 1, xml);
    }
}
