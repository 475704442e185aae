package io.infrakit.shell;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlavorCommandsTest {

    private static final String PROPS = "{\"Init\": [\"docker pull nginx\"], \"Tags\": {\"tier\": \"web\"}}";

    @TempDir
    Path dir;

    private final FakeFlavorPlugin plugin = new FakeFlavorPlugin();
    private final FakeRegistry registry = new FakeRegistry().with("flavor-vanilla", plugin);

    @Test
    void validatePassesASizeAllocation() throws Exception {
        FlavorValidateCommand validate = flavor(new FlavorValidateCommand());
        validate.properties = write("props.json", PROPS).toString();
        validate.size = 5;

        assertEquals("validate:ok\n", run(validate));
        assertEquals(List.of(new RawJson(PROPS), Allocation.ofSize(5)), plugin.received);
    }

    @Test
    void validatePassesLogicalIds() throws Exception {
        FlavorValidateCommand validate = flavor(new FlavorValidateCommand());
        validate.properties = write("props.json", PROPS).toString();
        validate.logicalIds = List.of("10.0.0.1,10.0.0.2", "10.0.0.3");

        assertEquals("validate:ok\n", run(validate));
        assertEquals(Allocation.ofLogicalIDs(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")), plugin.received.get(1));
    }

    @Test
    void validateReportsThePluginsRefusal() throws Exception {
        FlavorValidateCommand validate = flavor(new FlavorValidateCommand());
        validate.properties = write("props.json", PROPS).toString();
        validate.logicalIds = List.of("a,b");

        assertEquals("must have odd number for quorum", fail(validate));
    }

    @Test
    void sizeAndLogicalIdsExcludeEachOther() throws Exception {
        FlavorValidateCommand validate = flavor(new FlavorValidateCommand());
        validate.properties = write("props.json", PROPS).toString();
        validate.size = 3;
        validate.logicalIds = List.of("a");

        assertEquals("Give either --size or --logical-ids, not both", fail(validate));
        assertTrue(plugin.received.isEmpty());
    }

    @Test
    void jsonNullPropertiesArePassedAsNull() throws Exception {
        FlavorValidateCommand validate = flavor(new FlavorValidateCommand());
        validate.properties = write("props.json", " null\n").toString();

        assertEquals("validate:ok\n", run(validate));
        assertNull(plugin.received.get(0));
    }

    @Test
    void preparePrintsTheSpecTheFlavorMakes() throws Exception {
        FlavorPrepareCommand prepare = flavor(new FlavorPrepareCommand());
        prepare.properties = write("props.json", PROPS).toString();
        prepare.spec = write("spec.json", "{\"Properties\": {\"Note\": 1}, \"Tags\": {\"tier\": \"web\"}, \"Init\": \"echo hi\"}").toString();
        prepare.size = 2;

        String output = run(prepare);
        assertEquals("""
                {
                  "Properties": {
                    "Note": 1
                  },
                  "Tags": {
                    "flavor": "fake",
                    "tier": "web"
                  },
                  "Init": "echo hi\\necho prepared",
                  "LogicalID": null,
                  "Attachments": null
                }
                """, output);
        InstanceSpec parsed = Shell.CODEC.decode(new RawJson(output), InstanceSpec.class);
        assertEquals(Map.of("flavor", "fake", "tier", "web"), parsed.tags());
        assertEquals(Allocation.ofSize(2), plugin.received.get(2));
    }

    @Test
    void prepareRejectsASpecThatIsNotAnInstanceSpec() throws Exception {
        FlavorPrepareCommand prepare = flavor(new FlavorPrepareCommand());
        prepare.properties = write("props.json", PROPS).toString();
        Path spec = write("spec.json", "[\"not\", \"a spec\"]");
        prepare.spec = spec.toString();

        assertTrue(fail(prepare).startsWith(spec + " is not a valid instance spec: "));
        assertTrue(plugin.received.isEmpty());
    }

    @Test
    void healthyPrintsTheWireValueForTheDescribedInstance() throws Exception {
        plugin.health = Health.UNHEALTHY;
        FlavorHealthyCommand healthy = flavor(new FlavorHealthyCommand());
        healthy.properties = write("props.json", PROPS).toString();
        healthy.id = "instance-7";
        healthy.logicalId = "10.0.0.7";
        healthy.tags = List.of("infrakit-link=abc");

        assertEquals("2\n", run(healthy));
        assertEquals(new Description("instance-7", "10.0.0.7", Map.of("infrakit-link", "abc")), plugin.received.get(1));
    }

    @Test
    void healthyWithoutOptionsDescribesAnAnonymousInstance() throws Exception {
        FlavorHealthyCommand healthy = flavor(new FlavorHealthyCommand());
        healthy.properties = write("props.json", PROPS).toString();

        assertEquals("1\n", run(healthy));
        assertEquals(new Description("", null, Map.of()), plugin.received.get(1));
    }

    @Test
    void anUnknownFlavorIsOneLine() throws Exception {
        FlavorHealthyCommand healthy = wire(new FlavorHealthyCommand(), registry);
        healthy.name = "flavor-zookeeper";
        healthy.properties = write("props.json", PROPS).toString();

        assertTrue(fail(healthy).startsWith("Plugin not found: flavor-zookeeper"));
    }

    @Test
    void aNegativeSizeIsRefused() throws Exception {
        FlavorValidateCommand validate = flavor(new FlavorValidateCommand());
        validate.properties = write("props.json", PROPS).toString();
        validate.size = -1;

        assertEquals("--size must not be negative: -1", fail(validate));
    }

    private <C extends FlavorCommand> C flavor(C command) {
        wire(command, registry).name = "flavor-vanilla";
        return command;
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
