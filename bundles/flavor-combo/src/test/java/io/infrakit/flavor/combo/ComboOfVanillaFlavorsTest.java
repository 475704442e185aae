package io.infrakit.flavor.combo;

import io.infrakit.flavor.vanilla.VanillaFlavorPlugin;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The combo with real vanilla flavors as its parts: the original's example ({@code examples/flavor/combo/example.json}). */
class ComboOfVanillaFlavorsTest {

    /** The flavor properties of the original's example, as in the wire-protocol notes (§8). */
    private static final RawJson EXAMPLE = new RawJson("{\"Flavors\":["
            + "{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"vanilla one\"],\"Tags\":{\"v1\":\"tag one\"}}},"
            + "{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"vanilla two\"],\"Tags\":{\"v2\":\"tag two\"}}}]}");

    record Group(String id, GroupProperties properties) {
    }

    record GroupProperties(Allocation allocation, PluginSpec instance, PluginSpec flavor) {
    }

    record PluginSpec(String plugin, RawJson properties) {
    }

    private final WireJsonCodec json = new WireJsonCodec();
    private final FakeFlavors registry = new FakeFlavors();
    private final ComboFlavorPlugin combo = new ComboFlavorPlugin("flavor-combo", registry, json);

    ComboOfVanillaFlavorsTest() {
        registry.plugins.put("flavor-vanilla", new VanillaFlavorPlugin(json));
    }

    /** The spec the group plugin hands to the flavor: its two tags and an empty init script. */
    private static InstanceSpec fromTheGroup(String init) {
        return new InstanceSpec(new RawJson("{}"), Map.of("infrakit.group", "combo", "infrakit.config_sha", "sha"), init, null, null);
    }

    @Test
    void theOriginalsExampleConcatenatesTheInitScriptsAndMergesTheTags() throws Exception {
        combo.validate(EXAMPLE, Allocation.ofSize(1));
        InstanceSpec out = combo.prepare(EXAMPLE, fromTheGroup(""), Allocation.ofSize(1));
        assertEquals("vanilla one\nvanilla two", out.init());
        assertEquals(Map.of("infrakit.group", "combo", "infrakit.config_sha", "sha", "v1", "tag one", "v2", "tag two"), out.tags());
        assertEquals(new RawJson("{}"), out.properties());
        assertEquals(Health.HEALTHY, combo.healthy(EXAMPLE, new Description("instance-1", null, out.tags())));
    }

    @Test
    void anInitScriptAlreadyThereComesFirstAndOnlyOnce() throws Exception {
        // vanilla appends to what it is given: chaining must not repeat the earlier lines
        InstanceSpec out = combo.prepare(EXAMPLE, fromTheGroup("#!/bin/sh"), Allocation.ofSize(1));
        assertEquals("#!/bin/sh\nvanilla one\nvanilla two", out.init());
    }

    @Test
    void laterVanillaTagsWin() throws Exception {
        RawJson both = new RawJson("{\"Flavors\":[{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Tags\":{\"tier\":\"web\",\"a\":\"1\"}}},"
                + "{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Tags\":{\"tier\":\"db\"}}}]}");
        assertEquals(Map.of("infrakit.group", "combo", "infrakit.config_sha", "sha", "tier", "db", "a", "1"),
                combo.prepare(both, fromTheGroup(""), Allocation.ofSize(1)).tags());
    }

    @Test
    void aVanillaPartsValidationErrorSaysWhichPartAndWhichField() {
        RawJson bad = new RawJson("{\"Flavors\":[{\"Plugin\":\"flavor-vanilla\",\"Properties\":{}},"
                + "{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":\"one line\"}}]}");
        PluginException e = assertThrows(PluginException.class, () -> combo.validate(bad, Allocation.ofSize(1)));
        assertEquals("Flavors[1] (flavor-vanilla): Properties.Init: expected an array, got \"one line\"", e.getMessage());
        RawJson typo = new RawJson("{\"Flavors\":[{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Inti\":[\"x\"]}}]}");
        assertEquals("Flavors[0] (flavor-vanilla): unknown key Properties.Inti: did you mean Init?",
                assertThrows(PluginException.class, () -> combo.validate(typo, Allocation.ofSize(1))).getMessage());
    }

    @Test
    void theExampleGroupInTheDistributionIsValidAndPreparesAsDocumented() throws Exception {
        Group group = json.decode(new RawJson(Files.readString(Path.of("../../examples/combo.json"), StandardCharsets.UTF_8)), Group.class);
        assertEquals("combo", group.id());
        assertEquals(Allocation.ofSize(2), group.properties().allocation());
        assertEquals("instance-file", group.properties().instance().plugin());
        assertEquals("flavor-combo", group.properties().flavor().plugin());
        RawJson flavor = group.properties().flavor().properties();
        combo.validate(flavor, group.properties().allocation());
        InstanceSpec out = combo.prepare(flavor, fromTheGroup(""), group.properties().allocation());
        assertEquals("vanilla one\nvanilla two", out.init());
        assertEquals("tag one", out.tags().get("v1"));
        assertEquals("tag two", out.tags().get("v2"));
        // same flavors as the original's example, formatting aside
        assertEquals(json.encodeStable(json.decode(EXAMPLE, Object.class), "", ""), json.encodeStable(json.decode(flavor, Object.class), "", ""));
        assertTrue(FlavorPlugin.class.isInstance(registry.plugins.get("flavor-vanilla")));
    }
}
