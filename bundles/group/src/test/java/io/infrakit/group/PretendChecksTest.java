package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A {@code Pretend} commit checks what a real one checks: the group's properties, then the flavor's and the
 * instance plugin's Validate, before any plan is made; a refused commit, pretended or not, changes nothing.
 */
class PretendChecksTest {

    private static final String GROUP = """
            {"Allocation": {"Size": 2},
             "Instance": {"Plugin": "instance-mem", "Properties": %s},
             "Flavor": {"Plugin": "%s", "Properties": {"Init": ["echo hello"]}}}""";

    private final Fixture fx = new Fixture(20, 60_000);

    @AfterEach
    void close() {
        fx.close();
    }

    private static GroupSpec spec(String instanceProperties, String flavor) {
        return new GroupSpec("web", new RawJson(String.format(GROUP, instanceProperties, flavor)));
    }

    private String refusal(GroupSpec spec, boolean pretend) {
        return assertThrows(PluginException.class, () -> fx.plugin.commitGroup(spec, pretend)).getMessage();
    }

    @Test
    void aPretendOfANewGroupWithPropertiesItsInstancePluginRefusesFailsWithThePluginsMessage() throws Exception {
        assertEquals("instance properties are invalid", refusal(spec("{\"invalid\": true}", "flavor-test"), true));
        assertEquals("Managing 2 instances", fx.plugin.commitGroup(spec("{\"valid\": true}", "flavor-test"), true));

        assertEquals(List.of(), fx.plugin.inspectGroups(), "a pretend, refused or not, manages nothing");
        assertEquals(0, fx.instances.provisions.get());
    }

    @Test
    void aPretendOrACommitOfARunningGroupThatAPluginRefusesLeavesTheGroupAsItWas() throws Exception {
        GroupSpec running = spec("{\"version\": 1}", "flavor-test");
        fx.plugin.commitGroup(running, false);

        assertEquals("instance properties are invalid", refusal(spec("{\"version\": 2, \"invalid\": true}", "flavor-test"), true));
        assertEquals("instance properties are invalid", refusal(spec("{\"version\": 2, \"invalid\": true}", "flavor-test"), false));

        assertEquals(List.of(running), fx.plugin.inspectGroups());
    }

    @Test
    void aPretendWithFlavorPropertiesTheFlavorRefusesFailsWithTheFlavorsMessage() throws Exception {
        fx.flavors.put("flavor-strict", new FlavorPlugin() {
            @Override
            public void validate(RawJson properties, Allocation allocation) throws PluginException {
                if (properties != null && properties.json().contains("Init")) {
                    throw new PluginException("flavor-strict: unknown key Properties.Init: did you mean Inits?");
                }
            }

            @Override
            public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
                return spec;
            }

            @Override
            public Health healthy(RawJson properties, Description instance) {
                return Health.HEALTHY;
            }

            @Override
            public void drain(RawJson properties, Description instance) {
            }
        });

        assertEquals("flavor-strict: unknown key Properties.Init: did you mean Inits?", refusal(spec("{}", "flavor-strict"), true));
        assertEquals(List.of(), fx.plugin.inspectGroups());
    }

    @Test
    void aPretendWithAMistypedGroupKeyFailsBeforeAnyPluginIsAsked() {
        GroupSpec typo = new GroupSpec("web", new RawJson("{\"Allocation\": {\"Size\": 2}, \"Updte\": {},"
                + " \"Instance\": {\"Plugin\": \"instance-mem\"}, \"Flavor\": {\"Plugin\": \"flavor-test\"}}"));

        assertEquals("unknown key Properties.Updte: did you mean Update?", refusal(typo, true));
        assertEquals(0, fx.lookups.get(), "the instance plugin was not even looked up");
    }
}
