package io.infrakit.flavor.vanilla;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VanillaFlavorPluginTest {

    private final VanillaFlavorPlugin vanilla = new VanillaFlavorPlugin(new WireJsonCodec());

    @Test
    void prepareAppendsInitLinesAndMergesTagsAsObservedFromGo() throws Exception {
        InstanceSpec in = new InstanceSpec(new RawJson("{\"Note\":\"x\"}"), Map.of("infrakit.group", "g"), "first", null, null);
        InstanceSpec out = vanilla.prepare(new RawJson("{\"Init\":[\"line1\",\"line2\"],\"Tags\":{\"tier\":\"web\"}}"), in, Allocation.ofSize(1));
        assertEquals(new InstanceSpec(new RawJson("{\"Note\":\"x\"}"), Map.of("infrakit.group", "g", "tier", "web"), "first\nline1\nline2", null, null), out);
    }

    @Test
    void anEmptyInitIsNotALine() throws Exception {
        InstanceSpec out = vanilla.prepare(new RawJson("{\"Init\":[\"a\",\"b\"]}"), new InstanceSpec(null, null, "", "lid", null), Allocation.ofSize(1));
        assertEquals("a\nb", out.init());
        assertEquals(Map.of(), out.tags());
        assertEquals("lid", out.logicalID());
        assertEquals("", vanilla.prepare(null, new InstanceSpec(null, null, "", null, null), Allocation.ofSize(1)).init());
    }

    @Test
    void flavorTagsWinOverTheInstancesTags() throws Exception {
        InstanceSpec out = vanilla.prepare(new RawJson("{\"Tags\":{\"tier\":\"db\"}}"),
                new InstanceSpec(null, Map.of("tier", "web"), "", null, null), Allocation.ofSize(1));
        assertEquals(Map.of("tier", "db"), out.tags());
    }

    @Test
    void validateRejectsPropertiesOfTheWrongShape() throws Exception {
        vanilla.validate(new RawJson("{\"Init\":[],\"Tags\":{}}"), Allocation.ofSize(1));
        vanilla.validate(new RawJson("{\"init\":[\"a\"],\"tags\":{\"any key\":\"v\"}}"), Allocation.ofSize(1));
        vanilla.validate(null, Allocation.ofSize(1));
        Map<String, String> bad = Map.of(
                "{\"Init\":\"one line\"}", "flavor-vanilla: Properties.Init: expected an array, got \"one line\"",
                "{\"Init\":[\"a\", 2]}", "flavor-vanilla: Properties.Init[1]: expected a string, got 2",
                "{\"Tags\":{\"n\":1}}", "flavor-vanilla: Properties.Tags.n: expected a string, got 1",
                "{\"Tags\":[\"tier=web\"]}", "flavor-vanilla: Properties.Tags: expected an object, got an array",
                "{\"Inti\":[\"a\"]}", "flavor-vanilla: unknown key Properties.Inti: did you mean Init?",
                "{\"Init\":[],\"tag\":{}}", "flavor-vanilla: unknown key Properties.tag: did you mean tags?",
                "{\"Labels\":{}}", "flavor-vanilla: unknown key Properties.Labels (the keys there are Init, Tags)",
                "[\"echo\"]", "flavor-vanilla: Properties: expected an object, got an array");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            PluginException e = assertThrows(PluginException.class, () -> vanilla.validate(new RawJson(c.getKey()), Allocation.ofSize(1)), c.getKey());
            assertEquals(c.getValue(), e.getMessage());
        }
    }

    @Test
    void prepareStillReadsPropertiesWithKeysItDoesNotKnow() throws Exception {
        // a group committed before Validate refused unknown keys keeps converging
        InstanceSpec out = vanilla.prepare(new RawJson("{\"Init\":[\"a\"],\"Inti\":[\"b\"]}"), new InstanceSpec(null, null, "", null, null),
                Allocation.ofSize(1));
        assertEquals("a", out.init());
    }

    @Test
    void alwaysHealthy() {
        assertEquals(Health.HEALTHY, vanilla.healthy(null, new Description("i", null, null)));
    }

    @Test
    void withoutTheCodecServiceCallsFailClearlyAndTheNextCodecIsPickedUp() throws Exception {
        VanillaFlavorPlugin plugin = new VanillaFlavorPlugin((JsonCodec) null);
        RawJson properties = new RawJson("{\"Init\":[\"a\"]}");
        InstanceSpec spec = new InstanceSpec(null, null, "", null, null);
        PluginException e = assertThrows(PluginException.class, () -> plugin.prepare(properties, spec, Allocation.ofSize(1)));
        assertEquals("The JSON codec service is not available (is the infrakit rpc bundle running?)", e.getMessage());

        JsonCodec old = new WireJsonCodec();
        JsonCodec updated = new WireJsonCodec();
        plugin.setJson(old);
        // an updated rpc bundle: greedy, so its codec is bound before the old one is unbound
        plugin.setJson(updated);
        plugin.unsetJson(old);
        assertEquals("a", plugin.prepare(properties, spec, Allocation.ofSize(1)).init());
        plugin.unsetJson(updated);
        assertThrows(PluginException.class, () -> plugin.validate(properties, Allocation.ofSize(1)));
    }

    @Test
    void theRpcBundlesServicesAreDynamicOptionalReferencesSoUpdatingItLeavesThePluginActive() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + VanillaFlavorPlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<reference name=\"Json\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.JsonCodec\""
                + " bind=\"setJson\" unbind=\"unsetJson\" policy-option=\"greedy\"/>"), xml);
        assertEquals(1, xml.split("<reference ", -1).length - 1, xml);
    }
}
