package io.infrakit.shell;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.infrakit.shell.Shell.fail;
import static io.infrakit.shell.Shell.run;
import static io.infrakit.shell.Shell.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceCommandsTest {

    @TempDir
    Path dir;

    private final FakeInstancePlugin plugin = new FakeInstancePlugin();
    private final FakeRegistry registry = new FakeRegistry().with("instance-file", plugin).with("swarm/worker", plugin);

    @BeforeEach
    void instances() {
        plugin.instances.put("web-1", new Description("web-1", null, Map.of("tier", "web", "project", "infrakit")));
        plugin.instances.put("db-1", new Description("db-1", "10.0.0.9", Map.of("tier", "db", "project", "infrakit")));
    }

    @Test
    void validatePassesThePropertiesTextAndSaysOk() throws Exception {
        InstanceValidateCommand validate = instance(new InstanceValidateCommand());
        validate.properties = write("props.json", "{\"Note\": \"v1\"}\n").toString();

        assertEquals("validate:ok\n", run(validate));
        assertEquals(List.of(new RawJson("{\"Note\": \"v1\"}")), plugin.received);
    }

    @Test
    void validateReportsThePluginsRefusal() throws Exception {
        InstanceValidateCommand validate = instance(new InstanceValidateCommand());
        validate.properties = write("props.json", "[1, 2]").toString();

        assertEquals("Properties must be a JSON object", fail(validate));
    }

    @Test
    void validateRefusesTextThatIsNotJson() throws Exception {
        InstanceValidateCommand validate = instance(new InstanceValidateCommand());
        Path file = write("props.json", "{\"Note\": ");
        validate.properties = file.toString();

        assertEquals(file + " is not valid JSON at line 1, column 9: the text ends before the object is closed", fail(validate));
        assertTrue(plugin.received.isEmpty(), "the plugin is not called");
    }

    @Test
    void provisionPrintsTheNewId() throws Exception {
        InstanceProvisionCommand provision = instance(new InstanceProvisionCommand());
        provision.spec = write("spec.json", """
                {"Properties": {"Note": "x"}, "Tags": {"tier": "web"}, "Init": "echo hi", "LogicalID": "10.0.0.3"}
                """).toString();

        assertEquals("instance-3\n", run(provision));
        InstanceSpec spec = (InstanceSpec) plugin.received.get(0);
        assertEquals(new InstanceSpec(new RawJson("{\"Note\": \"x\"}"), Map.of("tier", "web"), "echo hi", "10.0.0.3", null), spec);
    }

    @Test
    void describeFiltersByTagsAndPrintsTheTable() throws Exception {
        InstanceDescribeCommand describe = instance(new InstanceDescribeCommand());
        describe.tags = List.of("tier=web,project=infrakit");
        describe.noFormat = true;

        String output = run(describe);
        assertEquals(List.of(Map.of("project", "infrakit", "tier", "web")), plugin.received);
        assertEquals(List.of("web-1", "-", "project=infrakit,tier=web"),
                List.of(output.strip().split("\t")).stream().map(String::strip).toList());
    }

    @Test
    void describeWithoutTagsListsAllAndShowsLogicalIds() throws Exception {
        InstanceDescribeCommand describe = instance(new InstanceDescribeCommand());
        describe.noFormat = true;

        String[] lines = run(describe).split("\n");
        assertEquals(Map.of(), plugin.received.get(0));
        assertEquals(2, lines.length);
        assertEquals("10.0.0.9", lines[1].split("\t")[1].strip());
    }

    @Test
    void describeAsJsonParsesBack() throws Exception {
        InstanceDescribeCommand describe = instance(new InstanceDescribeCommand());
        describe.json = true;

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> parsed = Shell.CODEC.decode(new RawJson(run(describe)), List.class);
        assertEquals(List.of("web-1", "db-1"), parsed.stream().map(m -> m.get("ID")).toList());
        assertEquals("10.0.0.9", parsed.get(1).get("LogicalID"));
        assertEquals(Map.of("tier", "db", "project", "infrakit"), parsed.get(1).get("Tags"));
    }

    @Test
    void describeRejectsATagWithoutValue() {
        InstanceDescribeCommand describe = instance(new InstanceDescribeCommand());
        describe.tags = List.of("tier=web,oops");

        assertEquals("Invalid tag 'oops': expected key=value (for example tier=web)", fail(describe));
        assertTrue(plugin.received.isEmpty(), "the plugin is not called");
    }

    @Test
    void labelParsesTheTags() throws Exception {
        InstanceLabelCommand label = instance(new InstanceLabelCommand());
        label.id = "web-1";
        label.tags = List.of("owner=ops", "cost=a=b");

        assertEquals("labelled web-1\n", run(label));
        assertEquals(List.of(Map.of("owner", "ops", "cost", "a=b")), plugin.received);
    }

    @Test
    void labelNeedsTags() {
        InstanceLabelCommand label = instance(new InstanceLabelCommand());
        label.id = "web-1";
        label.tags = List.of(",");

        assertEquals("No tags given: use --tags k=v,...", fail(label));
    }

    @Test
    void destroyPrintsDestroyed() throws Exception {
        InstanceDestroyCommand destroy = instance(new InstanceDestroyCommand());
        destroy.id = "db-1";

        assertEquals("destroyed db-1\n", run(destroy));
        assertFalse(plugin.instances.containsKey("db-1"));
        assertEquals("No such instance: db-1", fail(destroy));
    }

    @Test
    void aTypedPluginNameIsLookedUpAsGiven() throws Exception {
        InstanceDestroyCommand destroy = wire(new InstanceDestroyCommand(), registry);
        destroy.name = "swarm/worker";
        destroy.id = "web-1";

        assertEquals("destroyed web-1\n", run(destroy));
        assertEquals(List.of("swarm/worker"), registry.lookups);
    }

    @Test
    void aPluginOfAnotherKindIsOneLine() {
        registry.with("flavor-vanilla", new FakeFlavorPlugin());
        InstanceDestroyCommand destroy = wire(new InstanceDestroyCommand(), registry);
        destroy.name = "flavor-vanilla";
        destroy.id = "web-1";

        assertEquals("Plugin flavor-vanilla does not implement InstancePlugin", fail(destroy));
        assertTrue(plugin.instances.containsKey("web-1"));
    }

    private <C extends InstanceCommand> C instance(C command) {
        wire(command, registry).name = "instance-file";
        return command;
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
