package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.EXAMPLES_DIR;
import static io.infrakit.itests.Lifecycle.REPLACEMENT_TIMEOUT_MS;
import static io.infrakit.itests.Lifecycle.awaitPluginSocket;
import static io.infrakit.itests.Lifecycle.required;
import static io.infrakit.itests.ProcessInstances.pidOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The plugins of the distribution and the groups of {@code examples/}, as a user meets them: with the
 * optional features installed every plugin is served under its name and answers the handshake with its
 * interface; every group of every example passes the Validate of its instance and flavor plugin over
 * their sockets; and the examples whose infrastructure this machine has (files, local processes,
 * Terraform's {@code terraform_data}, and Vagrant with a stand-in for the {@code vagrant} command, as no
 * VM can run here) are committed as they are through the {@code group} socket, converge, heal and are
 * destroyed without a trace.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExamplesIT {

    /** System property (test JVM and container): the directory of the Terraform instance plugin. */
    private static final String TERRAFORM_DIR = "infrakit.itest.terraform.dir";

    /** System property (test JVM and container): the directory of the Vagrant instance plugin. */
    private static final String VAGRANT_DIR = "infrakit.itest.vagrant.dir";

    /** System property (test JVM and container): the file where the stand-in {@code vagrant} records its calls. */
    private static final String VAGRANT_CALLS = "infrakit.itest.vagrant.calls";

    /** The features that are not booted, installed by the tests as a user would. */
    private static final List<String> OPTIONAL_FEATURES = List.of("infrakit-instance-terraform",
            "infrakit-instance-vagrant", "infrakit-instance-docker", "infrakit-flavor-zookeeper", "infrakit-flavor-swarm");

    /** Every plugin name the distribution serves once the optional features are in, with its interfaces. */
    private static final Map<String, Set<String>> PLUGINS = Map.ofEntries(
            Map.entry("group", Set.of("Group", "Manager", "GroupControl")),
            Map.entry("group-stateless", Set.of("Group", "GroupControl")),
            Map.entry("instance-file", Set.of("Instance", "InstanceChanges")),
            Map.entry("instance-process", Set.of("Instance", "InstanceChanges")),
            Map.entry("instance-terraform", Set.of("Instance")),
            Map.entry("instance-vagrant", Set.of("Instance")),
            Map.entry("instance-docker", Set.of("Instance", "InstanceChanges")),
            Map.entry("flavor-vanilla", Set.of("Flavor")),
            Map.entry("flavor-combo", Set.of("Flavor")),
            Map.entry("flavor-zookeeper", Set.of("Flavor")),
            Map.entry("flavor-swarm", Set.of("Flavor")));

    /** The longest wait for a group to converge, heal or go; Terraform applies one instance at a time. */
    private static final Duration GROUP_WAIT = Duration.ofSeconds(120);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private FeaturesService features;

    private RpcClient client;

    /**
     * The shipped assembly with the directories of this run, the process and Terraform plugins' among them.
     *
     * @return the options
     * @throws IOException if the directories cannot be created
     */
    @Configuration
    public Option[] configuration() throws IOException {
        Path terraform = Lifecycle.tempDirectory("ikit-terraform");
        Path vagrant = Lifecycle.tempDirectory("ikit-vagrant");
        Path calls = vagrant.resolve("calls.log");
        // A stand-in for vagrant (no VM here): it records its machine directory and arguments, and succeeds.
        Path standIn = Files.writeString(vagrant.resolve("vagrant"),
                "#!/bin/sh\nprintf '%s %s\\n' \"$VAGRANT_CWD\" \"$*\" >> '" + calls + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwx------"));
        Path machines = Files.createDirectory(vagrant.resolve("machines"));
        // the Docker engine .ci/run starts (examples/docker.json is validated there; DockerExampleIT runs it)
        String dockerHost = System.getenv(DockerExampleIT.ENV);
        Option[] plugins = dockerHost == null || dockerHost.isBlank() ? ProcessInstances.options()
                : OptionUtils.combine(ProcessInstances.options(), editConfigurationFilePut("etc/io.infrakit.instance.docker-default.cfg", "host", dockerHost));
        return Lifecycle.container(REPLACEMENT_TIMEOUT_MS, OptionUtils.combine(plugins,
                editConfigurationFilePut("etc/io.infrakit.instance.vagrant-default.cfg", "dir", machines.toString()),
                editConfigurationFilePut("etc/io.infrakit.instance.vagrant-default.cfg", "vagrant", standIn.toString()),
                systemProperty(VAGRANT_DIR).value(machines.toString()),
                systemProperty(VAGRANT_CALLS).value(calls.toString()),
                editConfigurationFilePut("etc/io.infrakit.instance.terraform-default.cfg", "dir", terraform.toString()),
                systemProperty(TERRAFORM_DIR).value(terraform.toString())));
    }

    @Before
    public void setUp() throws Exception {
        client = new RpcClient(Duration.ofSeconds(60));
        for (String feature : OPTIONAL_FEATURES) {
            features.installFeature(feature);
        }
    }

    @After
    public void tearDown() {
        client.close();
    }

    /** Every plugin name has a socket that answers the handshake with the plugin's interfaces. */
    @Test
    public void everyPluginIsServedUnderItsName() throws Exception {
        for (Map.Entry<String, Set<String>> plugin : new TreeMap<>(PLUGINS).entrySet()) {
            List<InterfaceSpec> apis = client.handshake(awaitPluginSocket(plugin.getKey()));
            Set<String> names = new TreeSet<>();
            apis.forEach(api -> names.add(api.name()));
            assertEquals("interfaces of " + plugin.getKey(), plugin.getValue(), names);
        }
    }

    /**
     * Every group of every file in {@code examples/} (a group, or a list of the manager's entries) is
     * accepted by its instance plugin's and its flavor plugin's Validate, called over their sockets.
     */
    @Test
    public void everyExampleGroupIsValidForItsPlugins() throws Exception {
        List<String> checked = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(required(EXAMPLES_DIR)), "*.json")) {
            for (Path file : files) {
                JsonNode json = JSON.readTree(file.toFile());
                List<JsonNode> groups = new ArrayList<>();
                if (json.isArray()) {
                    json.forEach(entry -> groups.add(entry.path("Properties")));
                } else {
                    groups.add(json);
                }
                for (JsonNode group : groups) {
                    String where = file.getFileName() + " group " + group.path("ID").asText();
                    JsonNode properties = group.path("Properties");
                    instancePlugin(properties.path("Instance").path("Plugin").asText())
                            .validate(RawJson.of(properties.path("Instance").path("Properties").toString()));
                    flavorPlugin(properties.path("Flavor").path("Plugin").asText())
                            .validate(RawJson.of(properties.path("Flavor").path("Properties").toString()),
                                    allocation(properties.path("Allocation"), where));
                    checked.add(where);
                }
            }
        }
        assertTrue("example groups checked: " + checked, checked.size() >= 10);
    }

    /**
     * {@code examples/combo.json}: two file instances, each prepared by both vanilla parts in order (Init
     * lines of both, tags of both); destroyed, none is left.
     */
    @Test
    public void comboExampleAppliesBothFlavors() throws Exception {
        GroupPlugin groups = groups();
        commit("combo.json");
        try {
            List<Description> instances = awaitSize(groups, "combo", 2);
            for (Description instance : instances) {
                assertEquals("tag v1 of " + instance, "tag one", instance.tags().get("v1"));
                assertEquals("tag v2 of " + instance, "tag two", instance.tags().get("v2"));
                String file = Files.readString(Path.of(required(Lifecycle.INSTANCES_DIR), instance.id()), StandardCharsets.UTF_8);
                assertTrue("Init of both parts, in order, in " + file,
                        file.contains("vanilla one\\nvanilla two"));
            }
        } finally {
            groups.destroyGroup("combo");
        }
        assertEquals(List.of(), instancePlugin("instance-file").describeInstances(Map.of("infrakit.group", "combo")));
    }

    /**
     * {@code examples/process.json}: three local processes; one killed with SIGKILL is replaced by a new
     * one and the other two are left alone; destroyed, no process is left.
     */
    @Test
    public void processExampleReplacesAKilledProcess() throws Exception {
        GroupPlugin groups = groups();
        Set<Long> pids = new TreeSet<>();
        commit("process.json");
        try {
            Set<String> before = ids(awaitSize(groups, "heartbeat", 3));
            before.forEach(id -> pids.add(pidOf(id)));
            String victim = before.iterator().next();
            ProcessHandle process = ProcessHandle.of(pidOf(victim)).orElseThrow(() -> new AssertionError(victim + " is not running"));
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);

            AtomicReference<Set<String>> after = new AtomicReference<>();
            Await.until(GROUP_WAIT, "a new process in place of " + victim, () -> {
                Set<String> now = ids(groups.describeGroup("heartbeat").instances());
                after.set(now);
                return now.size() == 3 && !now.contains(victim);
            });
            Set<String> kept = new TreeSet<>(before);
            kept.remove(victim);
            assertTrue("the other two are the same processes: " + after.get(), after.get().containsAll(kept));
            after.get().forEach(id -> pids.add(pidOf(id)));
            for (String id : after.get()) {
                assertTrue(id + " is running", ProcessHandle.of(pidOf(id)).map(ProcessHandle::isAlive).orElse(false));
            }
        } finally {
            groups.destroyGroup("heartbeat");
        }
        Await.until(GROUP_WAIT, "every process of the group " + pids + " stopped after DestroyGroup",
                () -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    /**
     * {@code examples/terraform.json}: two {@code terraform_data} resources applied by the real
     * {@code terraform} (one {@code <ID>.tf.json} each, in the state); destroyed, no file and no resource
     * is left.
     */
    @Test
    public void terraformExampleAppliesAndDestroys() throws Exception {
        GroupPlugin groups = groups();
        Path dir = Path.of(required(TERRAFORM_DIR));
        commit("terraform.json");
        try {
            Set<String> ids = ids(awaitSize(groups, "terraform", 2));
            for (String id : ids) {
                assertTrue(id + ".tf.json written", Files.isRegularFile(dir.resolve(id + ".tf.json")));
            }
            String state = Files.readString(dir.resolve("terraform.tfstate"), StandardCharsets.UTF_8);
            for (String id : ids) {
                assertTrue("resource " + id + " in the Terraform state", state.contains("\"" + id + "\""));
            }
            assertEquals(ids, ids(instancePlugin("instance-terraform").describeInstances(Map.of("infrakit.group", "terraform"))));
        } finally {
            groups.destroyGroup("terraform");
        }
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, "instance-*.tf.json")) {
            assertFalse("no instance .tf.json left after DestroyGroup", left.iterator().hasNext());
        }
        JsonNode state = JSON.readTree(dir.resolve("terraform.tfstate").toFile());
        assertEquals("resources in the state after DestroyGroup: " + state, 0, state.path("resources").size());
    }

    /**
     * {@code examples/vagrant.json} with a stand-in {@code vagrant}: two machine directories, each with a
     * Vagrantfile for the example's box and the example's Init as {@code boot.sh}, brought up by
     * {@code vagrant up} in that directory; destroyed, {@code vagrant destroy -f} ran in each and no
     * machine is left.
     */
    @Test
    public void vagrantExampleRunsVagrantPerMachine() throws Exception {
        GroupPlugin groups = groups();
        Path machines = Path.of(required(VAGRANT_DIR));
        commit("vagrant.json");
        Set<String> ids;
        try {
            ids = ids(awaitSize(groups, "vagrant-cattle", 2));
            for (String id : ids) {
                Path machine = machines.resolve(id);
                String vagrantfile = Files.readString(machine.resolve("Vagrantfile"), StandardCharsets.UTF_8);
                assertTrue("the example's box in " + vagrantfile, vagrantfile.contains("\"bento/ubuntu-16.04\""));
                String boot = Files.readString(machine.resolve("boot.sh"), StandardCharsets.UTF_8);
                assertTrue("the example's Init in " + boot, boot.contains("sudo apt-get install -y nginx\n"));
                assertTrue("vagrant up ran in " + machine, vagrantCalls().contains(machine + " up"));
            }
        } finally {
            groups.destroyGroup("vagrant-cattle");
        }
        List<String> calls = vagrantCalls();
        for (String id : ids) {
            assertTrue("vagrant destroy -f ran for " + id + ": " + calls, calls.contains(machines.resolve(id) + " destroy -f"));
            assertFalse(id + "'s directory is gone", Files.exists(machines.resolve(id)));
        }
        assertEquals(List.of(), instancePlugin("instance-vagrant").describeInstances(Map.of()));
    }

    private static List<String> vagrantCalls() throws IOException {
        return Files.readAllLines(Path.of(required(VAGRANT_CALLS)), StandardCharsets.UTF_8);
    }

    private GroupPlugin groups() throws IOException, InterruptedException {
        return client.connect(awaitPluginSocket("group"), "", GroupPlugin.class);
    }

    private void commit(String example) throws Exception {
        String spec = Files.readString(Path.of(required(EXAMPLES_DIR), example), StandardCharsets.UTF_8);
        client.call(awaitPluginSocket("group"), "Group.CommitGroup", "{\"Spec\":" + spec + ",\"Pretend\":false}");
    }

    private static List<Description> awaitSize(GroupPlugin groups, String id, int size) throws InterruptedException {
        AtomicReference<GroupDescription> seen = new AtomicReference<>();
        try {
            Await.until(GROUP_WAIT, "group " + id + " converged with " + size + " instances", () -> {
                GroupDescription group = groups.describeGroup(id);
                seen.set(group);
                return group.converged() && group.instances().size() == size;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + seen.get(), e);
        }
        return seen.get().instances();
    }

    private static Set<String> ids(List<Description> instances) {
        Set<String> ids = new TreeSet<>();
        instances.forEach(instance -> ids.add(instance.id()));
        return ids;
    }


    private InstancePlugin instancePlugin(String name) throws IOException, InterruptedException {
        return client.connect(awaitPluginSocket(name), "", InstancePlugin.class);
    }

    /** A flavor plugin by the name a group gives it: {@code name} or {@code name/type}. */
    private FlavorPlugin flavorPlugin(String name) throws IOException, InterruptedException {
        int slash = name.indexOf('/');
        String plugin = slash < 0 ? name : name.substring(0, slash);
        String type = slash < 0 ? "" : name.substring(slash + 1);
        return client.connect(awaitPluginSocket(plugin), type, FlavorPlugin.class);
    }

    private static Allocation allocation(JsonNode allocation, String where) {
        if (allocation.has("LogicalIDs")) {
            List<String> ids = new ArrayList<>();
            allocation.get("LogicalIDs").forEach(id -> ids.add(id.asText()));
            return Allocation.ofLogicalIDs(ids);
        }
        assertTrue(where + " has a Size or LogicalIDs", allocation.has("Size"));
        return Allocation.ofSize(allocation.get("Size").asLong());
    }
}
