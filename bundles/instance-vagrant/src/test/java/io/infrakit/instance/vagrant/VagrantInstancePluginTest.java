package io.infrakit.instance.vagrant;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VagrantInstancePluginTest {

    private static final RawJson UBUNTU = new RawJson("{\"Box\":\"bento/ubuntu-16.04\"}");
    private static final String INIT = "sudo apt-get update -y\nsudo apt-get install -y nginx";

    @TempDir
    Path tmp;

    private Path dir;
    private StandInVagrant vagrant;

    @BeforeEach
    void standIn() throws Exception {
        dir = tmp.resolve("instances");
        vagrant = new StandInVagrant(tmp.resolve("bin"));
    }

    private VagrantInstancePlugin plugin() throws Exception {
        return plugin(Duration.ofSeconds(30));
    }

    private VagrantInstancePlugin plugin(Duration timeout) throws Exception {
        return new VagrantInstancePlugin(dir, new WireJsonCodec(), new VagrantCli("vagrant", vagrant.environment()),
                new VagrantfileTemplate(VagrantfileTemplate.DEFAULT, "built-in"), timeout, timeout);
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private List<String> machines() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void provisionWritesTheMachineDirectoryThenRunsVagrantUpThere() throws Exception {
        String id = plugin().provision(new InstanceSpec(UBUNTU, Map.of("infrakit.group", "cattle", "tier", "web"), INIT, null, null));

        assertTrue(id.matches("infrakit-\\d+"), id);
        Path machine = dir.resolve(id);
        assertEquals("rwx------", perms(dir));
        assertEquals("rwx------", perms(machine));
        assertEquals(INIT, Files.readString(machine.resolve("boot.sh")));
        assertEquals("rwxr-xr-x", perms(machine.resolve("boot.sh")));
        assertEquals("""

                Vagrant.configure("2") do |config|
                  config.vm.box = "bento/ubuntu-16.04"
                  config.vm.hostname = "infrakit.box"
                  config.vm.network "private_network", type: "dhcp"
                  config.vm.provision :shell, path: "boot.sh"
                  config.vm.provider :virtualbox do |vb|
                    vb.memory = 512
                    vb.cpus = 2
                  end
                end""", Files.readString(machine.resolve("Vagrantfile")));
        assertEquals("{\"infrakit.group\":\"cattle\",\"tier\":\"web\"}", Files.readString(machine.resolve("tags")));
        assertFalse(Files.exists(machine.resolve("ip")));
        // one call, an argument list, in the machine's directory, which already held every file
        assertEquals(List.of("argv=[up] cwd=" + machine + " VAGRANT_CWD=" + machine + " files=Vagrantfile,boot.sh,tags,vagrant-up.log,"),
                vagrant.calls());
        assertTrue(Files.readString(machine.resolve("vagrant-up.log")).contains("stand-in vagrant up: error line"));
    }

    @Test
    void aLogicalIdBecomesTheStaticAddressAndComesBackInDescribe() throws Exception {
        VagrantInstancePlugin p = plugin();
        String id = p.provision(new InstanceSpec(new RawJson("{\"Box\":\"bento/ubuntu-16.04\",\"CPUs\":4,\"Memory\":2048}"),
                Map.of("infrakit.group", "zk"), "", "192.168.1.200", null));
        String vagrantfile = Files.readString(dir.resolve(id).resolve("Vagrantfile"));
        assertTrue(vagrantfile.contains("config.vm.network \"private_network\", ip: \"192.168.1.200\"\n"), vagrantfile);
        assertTrue(vagrantfile.contains("vb.memory = 2048\n    vb.cpus = 4\n"), vagrantfile);
        assertEquals("192.168.1.200", Files.readString(dir.resolve(id).resolve("ip")));
        assertEquals(List.of(new Description(id, "192.168.1.200", Map.of("infrakit.group", "zk"))), p.describeInstances(Map.of()));
    }

    @Test
    void describeMatchesAllTagsAndReadsOnlyMachineDirectories() throws Exception {
        VagrantInstancePlugin p = plugin();
        String web = p.provision(new InstanceSpec(UBUNTU, Map.of("tier", "web", "g", "a"), "", null, null));
        String db = p.provision(new InstanceSpec(UBUNTU, Map.of("tier", "db", "g", "a"), "", "10.0.0.7", null));
        // a directory written by the Go plugin (compact tags, ip without newline), and things that are no instances
        Files.createDirectories(dir.resolve("infrakit-760192827"));
        Files.writeString(dir.resolve("infrakit-760192827/tags"), "{\"g\":\"b\",\"tier\":\"web\"}");
        Files.writeString(dir.resolve("infrakit-760192827/ip"), "192.168.0.1");
        Files.createDirectories(dir.resolve("no-tags"));
        Files.createDirectories(dir.resolve("bad-tags"));
        Files.writeString(dir.resolve("bad-tags/tags"), "{not json");
        Files.writeString(dir.resolve("a-file"), "{}");

        assertEquals(List.of(new Description(web, null, Map.of("tier", "web", "g", "a"))), p.describeInstances(Map.of("tier", "web", "g", "a")));
        assertEquals(Stream.of(web, db).sorted().toList(), p.describeInstances(Map.of("g", "a")).stream().map(Description::id).toList());
        assertEquals(List.of(new Description("infrakit-760192827", "192.168.0.1", Map.of("g", "b", "tier", "web"))),
                p.describeInstances(Map.of("g", "b")));
        assertEquals(3, p.describeInstances(null).size());
        assertEquals(List.of(), p.describeInstances(Map.of("tier", "web", "g", "c")));
    }

    @Test
    void labelMergesIntoTheTagsFile() throws Exception {
        VagrantInstancePlugin p = plugin();
        String id = p.provision(new InstanceSpec(UBUNTU, Map.of("a", "1", "b", "2"), "", null, null));
        p.label(id, Map.of("b", "3", "c", "4"));
        assertEquals("{\"a\":\"1\",\"b\":\"3\",\"c\":\"4\"}", Files.readString(dir.resolve(id).resolve("tags")));
        try (Stream<Path> files = Files.list(dir.resolve(id))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no temporary file left");
        }
    }

    @Test
    void destroyRunsVagrantDestroyThenRemovesTheDirectory() throws Exception {
        VagrantInstancePlugin p = plugin();
        String id = p.provision(new InstanceSpec(UBUNTU, Map.of(), "", null, null));
        Path machine = dir.resolve(id);
        p.destroy(id);
        assertFalse(Files.exists(machine));
        assertEquals("argv=[destroy][-f] cwd=" + machine + " VAGRANT_CWD=" + machine
                + " files=Vagrantfile,boot.sh,tags,vagrant-destroy.log,vagrant-up.log,", vagrant.calls().get(1));
        PluginException again = assertThrows(PluginException.class, () -> p.destroy(id));
        assertTrue(again.getMessage().startsWith("Instance " + id + " does not exist"), again.getMessage());
        assertEquals(2, vagrant.calls().size());
    }

    @Test
    void aFailingUpIsDestroyedRemovedAndReportedWithVagrantsOutput() throws Exception {
        vagrant.exitWith("up", 1);
        VagrantInstancePlugin p = plugin();
        PluginException e = assertThrows(PluginException.class, () -> p.provision(new InstanceSpec(UBUNTU, Map.of("g", "a"), "", null, null)));
        assertTrue(e.getMessage().matches("(?s)vagrant up failed for infrakit-\\d+ \\(exit code 1\\): .*"), e.getMessage());
        assertTrue(e.getMessage().contains("stand-in vagrant up: output line\nstand-in vagrant up: error line"), e.getMessage());
        List<String> calls = vagrant.calls();
        assertEquals(2, calls.size());
        assertTrue(calls.get(0).startsWith("argv=[up] "), calls.get(0));
        assertTrue(calls.get(1).startsWith("argv=[destroy][-f] "), calls.get(1));
        assertEquals(List.of(), machines());
        assertEquals(List.of(), p.describeInstances(Map.of()));
    }

    @Test
    void anUpThatHangsIsKilledAtItsTimeout() throws Exception {
        vagrant.sleep("up", 60);
        VagrantInstancePlugin p = plugin(Duration.ofMillis(500));
        long start = System.nanoTime();
        PluginException e = assertThrows(PluginException.class, () -> p.provision(new InstanceSpec(UBUNTU, Map.of(), "", null, null)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(20)) < 0);
        assertTrue(e.getMessage().contains("(timed out after 500 ms)"), e.getMessage());
        assertTrue(e.getMessage().contains("stand-in vagrant up: error line"), e.getMessage());
        assertTrue(vagrant.calls().get(1).startsWith("argv=[destroy][-f] "));
        assertEquals(List.of(), machines());
    }

    @Test
    void aProvisionWhoseCallerGivesUpKillsUpAndStillCleansUp() throws Exception {
        vagrant.sleep("up", 60);
        VagrantInstancePlugin p = plugin();
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                outcome.set(p.provision(new InstanceSpec(UBUNTU, Map.of(), "", null, null)));
            } catch (PluginException e) {
                outcome.set(e.getMessage() + " interrupted=" + Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        // the stand-in has written its output and sleeps: the run and its child, both to be killed
        List<ProcessHandle> up = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            up.clear();
            up.addAll(processesIn(dir));
            return up.stream().anyMatch(h -> h.info().command().orElse("").endsWith("/sleep"));
        });
        assertEquals(2, up.size(), up.toString());
        caller.interrupt();
        caller.join(20_000);
        assertFalse(caller.isAlive());
        String message = (String) outcome.get();
        // strict: vagrant's output as it was, ending with its last line (nothing, like a shell's "Killed", after it)
        assertTrue(message.matches("(?s)vagrant up failed for infrakit-\\d+ \\(interrupted\\): .*stand-in vagrant up: error line interrupted=true"), message);
        assertEquals(List.of(), up.stream().filter(VagrantInstancePluginTest::running).toList(), "the run and its child are gone");
        assertTrue(vagrant.calls().get(1).startsWith("argv=[destroy][-f] "), vagrant.calls().toString());
        assertEquals(List.of(), machines());
    }

    /** Alive and no zombie (a killed orphan stays a zombie under a PID 1 that does not reap). */
    private static boolean running(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            return h.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** This JVM's descendants whose working directory is under {@code root} (Linux). */
    private static List<ProcessHandle> processesIn(Path root) {
        return ProcessHandle.current().descendants().filter(h -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).startsWith(root);
            } catch (java.io.IOException | UnsupportedOperationException e) {
                return false;
            }
        }).toList();
    }

    @Test
    void aFailingDestroyIsReportedAndKeepsTheMachine() throws Exception {
        VagrantInstancePlugin p = plugin();
        String id = p.provision(new InstanceSpec(UBUNTU, Map.of("g", "a"), "", null, null));
        vagrant.exitWith("destroy", 3);
        PluginException e = assertThrows(PluginException.class, () -> p.destroy(id));
        assertTrue(e.getMessage().startsWith("vagrant destroy -f failed for " + id + " (exit code 3)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("stand-in vagrant destroy: output line\nstand-in vagrant destroy: error line"), e.getMessage());
        assertEquals(List.of(id), p.describeInstances(Map.of("g", "a")).stream().map(Description::id).toList());
    }

    @Test
    void aMissingVagrantFailsProvisionBeforeCreatingAnything() throws Exception {
        VagrantInstancePlugin p = new VagrantInstancePlugin(dir, new WireJsonCodec(),
                new VagrantCli("vagrant", Map.of("PATH", tmp.resolve("empty").toString())),
                new VagrantfileTemplate(VagrantfileTemplate.DEFAULT, "built-in"), Duration.ofSeconds(5), Duration.ofSeconds(5));
        PluginException e = assertThrows(PluginException.class, () -> p.provision(new InstanceSpec(UBUNTU, Map.of(), "", null, null)));
        assertTrue(e.getMessage().startsWith("Cannot find 'vagrant' on PATH (" + tmp.resolve("empty") + ")"), e.getMessage());
        assertEquals(List.of(), machines());
        PluginException notExecutable = assertThrows(PluginException.class, () -> new VagrantCli(tmp.resolve("nothing/vagrant").toString(), Map.of()).resolve());
        assertTrue(notExecutable.getMessage().contains("is not an executable file"), notExecutable.getMessage());
    }

    @Test
    void anExecutablePathIsUsedAsItIs() throws Exception {
        VagrantInstancePlugin p = new VagrantInstancePlugin(dir, new WireJsonCodec(),
                new VagrantCli(vagrant.bin.resolve("vagrant").toString(), Map.of("PATH", "/usr/bin:/bin")),
                new VagrantfileTemplate(VagrantfileTemplate.DEFAULT, "built-in"), Duration.ofSeconds(30), Duration.ofSeconds(30));
        String id = p.provision(new InstanceSpec(UBUNTU, Map.of(), "", null, null));
        assertEquals(1, vagrant.calls().size());
        assertTrue(vagrant.calls().get(0).contains("VAGRANT_CWD=" + dir.resolve(id)));
    }

    @Test
    void badLogicalIdsAreRefusedBeforeAnythingIsWritten() throws Exception {
        VagrantInstancePlugin p = plugin();
        for (String lid : List.of("lid-1", "256.1.1.1", "10.0.0", "10.0.0.1\"; system(\"id\"); \"", "10.0.0.1\n", "01.2.3.4", "::1")) {
            PluginException e = assertThrows(PluginException.class, () -> p.provision(new InstanceSpec(UBUNTU, Map.of(), "", lid, null)), lid);
            assertEquals("LogicalID '" + lid + "' is not an IPv4 address: the Vagrant plugin makes it the machine's private network address",
                    e.getMessage());
        }
        assertEquals(List.of(), machines());
        assertEquals(List.of(), vagrant.calls());
    }

    @Test
    void hostileIdsAreRefusedAndNothingOutsideIsTouched() throws Exception {
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        Files.writeString(victim.resolve("tags"), "{}");
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("infrakit-link"), victim);
        VagrantInstancePlugin p = plugin();
        for (String id : List.of("../victim", "..", ".", "", "/etc", "a/b", ".hidden", "infrakit-1/../../victim")) {
            PluginException e = assertThrows(PluginException.class, () -> p.destroy(id), id);
            assertTrue(e.getMessage().startsWith("Invalid instance ID '" + id + "'"), e.getMessage());
            assertThrows(PluginException.class, () -> p.label(id, Map.of("x", "y")), id);
        }
        assertThrows(PluginException.class, () -> p.destroy(null));
        for (String id : List.of("infrakit-link", "infrakit-404")) {
            PluginException e = assertThrows(PluginException.class, () -> p.destroy(id), id);
            assertTrue(e.getMessage().startsWith("Instance " + id + " does not exist"), e.getMessage());
            assertThrows(PluginException.class, () -> p.label(id, Map.of("x", "y")), id);
        }
        assertEquals(List.of(), p.describeInstances(Map.of()), "a symbolic link is not a machine directory");
        assertEquals("{}", Files.readString(victim.resolve("tags")));
        assertEquals(List.of(), vagrant.calls());
    }

    @Test
    void validateNamesTheField() throws Exception {
        VagrantInstancePlugin p = plugin();
        p.validate(UBUNTU);
        p.validate(new RawJson("{\"Box\":\"hashicorp/bionic64\",\"CPUs\":1,\"Memory\":4096}"));
        Map<String, String> bad = Map.ofEntries(
                Map.entry("null", "Property 'Box' must be set"),
                Map.entry("{}", "Property 'Box' must be set"),
                Map.entry("{\"Box\":\"\"}", "Property 'Box' must not be blank"),
                Map.entry("{\"Box\":42}", "Property 'Box' must be a string, not 42"),
                Map.entry("{\"Box\":\"a\\nb\"}", "Property 'Box' must not contain control characters (found U+000A at position 1)"),
                Map.entry("{\"Box\":\"b\",\"CPUs\":0}", "Property 'CPUs' must be a positive whole number (1 to 2147483647), not 0"),
                Map.entry("{\"Box\":\"b\",\"CPUs\":\"2\"}", "Property 'CPUs' must be a whole number, not the string \"2\""),
                Map.entry("{\"Box\":\"b\",\"Memory\":1.5}", "Property 'Memory' must be a whole number, not 1.5"),
                Map.entry("{\"Box\":\"b\",\"Memory\":-512}", "Property 'Memory' must be a positive whole number (1 to 2147483647), not -512"),
                Map.entry("{\"Box\":\"b\",\"Memory\":99999999999}", "Property 'Memory' must be a positive whole number (1 to 2147483647), not 99999999999"),
                Map.entry("{\"Box\":\"b\",\"cpus\":2}", "instance-vagrant: unknown key Properties.cpus: did you mean CPUs? (names are case-sensitive)"),
                Map.entry("{\"Box\":\"b\",\"CPU\":2}", "instance-vagrant: unknown key Properties.CPU: did you mean CPUs?"),
                Map.entry("{\"Box\":\"b\",\"Memroy\":2048}", "instance-vagrant: unknown key Properties.Memroy: did you mean Memory?"),
                Map.entry("{\"Bx\":\"b\"}", "instance-vagrant: unknown key Properties.Bx: did you mean Box?"),
                Map.entry("{\"Box\":\"b\",\"Disk\":20}", "instance-vagrant: unknown key Properties.Disk (the keys there are Box, CPUs, Memory)"),
                Map.entry("{\"Box\":\"b\",\"Box\":\"c\"}", "instance-vagrant: duplicate key Properties.Box"),
                Map.entry("[\"b\"]", "instance-vagrant: Properties: expected an object, got an array"));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            PluginException thrown = assertThrows(PluginException.class,
                    () -> p.validate(e.getKey().equals("null") ? null : new RawJson(e.getKey())), e.getKey());
            assertEquals(e.getValue(), thrown.getMessage(), e.getKey());
        }
        assertThrows(PluginException.class, () -> p.provision(new InstanceSpec(new RawJson("{\"Box\":\"b\",\"CPUs\":0}"), Map.of(), "", null, null)));
        assertEquals(List.of(), vagrant.calls());
    }

    @Test
    void aHostileBoxBecomesOneHarmlessRubyString() throws Exception {
        String box = "evil\"; system(\"touch /tmp/pwned\"); x = \"#{`id`}' \\";
        String id = plugin().provision(new InstanceSpec(new RawJson("{\"Box\":" + new WireJsonCodec().encode(box).json() + "}"), Map.of(), "", null, null));
        String line = Files.readAllLines(dir.resolve(id).resolve("Vagrantfile")).get(2);
        assertEquals("  config.vm.box = \"evil\\\"; system(\\\"touch /tmp/pwned\\\"); x = \\\"\\#{`id`}\\' \\\\\"", line);
    }
}
