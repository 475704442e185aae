package io.infrakit.flavor.combo;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Attachment;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComboFlavorPluginTest {

    private static final Allocation SIZE_2 = Allocation.ofSize(2);
    private static final Description INSTANCE = new Description("i-1", null, Map.of("infrakit.group", "combo"));

    private final FakeFlavors fakes = new FakeFlavors();
    private final ComboFlavorPlugin combo = new ComboFlavorPlugin("flavor-combo", fakes, new WireJsonCodec());

    private static RawJson parts(String... plugins) {
        StringBuilder json = new StringBuilder("{\"Flavors\":[");
        for (int i = 0; i < plugins.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"Plugin\":\"").append(plugins[i]).append("\",\"Properties\":{\"n\":").append(i).append("}}");
        }
        return new RawJson(json.append("]}").toString());
    }

    private String validationError(String properties) {
        return assertThrows(PluginException.class, () -> combo.validate(RawJson.of(properties), SIZE_2)).getMessage();
    }

    private static InstanceSpec appending(InstanceSpec spec, String lines, Map<String, String> tags) {
        Map<String, String> merged = new TreeMap<>(spec.tags() == null ? Map.of() : spec.tags());
        merged.putAll(tags);
        return spec.withInit(spec.init().isEmpty() ? lines : spec.init() + "\n" + lines).withTags(merged);
    }

    // --- Validate ---------------------------------------------------------------------------------

    @Test
    void validateRequiresANonEmptyListOfFlavors() {
        assertTrue(validationError(null).startsWith("Flavors must be present"), validationError(null));
        assertTrue(validationError("{}").startsWith("Flavors must be present"));
        assertTrue(validationError("{\"Flavors\":[]}").startsWith("Flavors must not be empty"));
        assertEquals("flavor-combo: Properties.Flavors: expected an array, got \"flavor-vanilla\"", validationError("{\"Flavors\":\"flavor-vanilla\"}"));
        assertTrue(validationError("{\"Flavors\":[null]}").startsWith("Flavors[0] must be an object"));
        assertEquals(List.of(), fakes.lookups, "nothing is looked up for properties of the wrong shape");
    }

    @Test
    void validateRefusesUnknownKeysWithTheKeyMostLikelyMeant() {
        fakes.add("a", null, null, null, null);
        assertEquals("flavor-combo: unknown key Properties.Flavours: did you mean Flavors?", validationError("{\"Flavours\":[{\"Plugin\":\"a\"}]}"));
        assertEquals("flavor-combo: unknown key Properties.Flavors[0].Plugn: did you mean Plugin?", validationError("{\"Flavors\":[{\"Plugn\":\"a\"}]}"));
        assertEquals("flavor-combo: unknown key Properties.Flavors[0].Propreties: did you mean Properties?",
                validationError("{\"Flavors\":[{\"Plugin\":\"a\",\"Propreties\":{}}]}"));
        assertEquals("flavor-combo: Properties.Flavors[0]: expected an object, got \"a\"", validationError("{\"Flavors\":[\"a\"]}"));
        assertEquals(List.of(), fakes.lookups, "nothing is looked up for properties with a mistake");
    }

    @Test
    void prepareReadsPropertiesWithUnknownKeysAsBefore() throws Exception {
        // a group committed before Validate refused unknown keys keeps converging
        fakes.add("a", null, null, null, null);
        assertEquals("", combo.prepare(new RawJson("{\"Flavors\":[{\"Plugin\":\"a\"}],\"Note\":1}"),
                new InstanceSpec(null, null, "", null, null), SIZE_2).init());
    }

    @Test
    void validateNamesTheBadPluginField() {
        fakes.add("a", null, null, null, null);
        assertEquals("Flavors[1].Plugin must not be blank", validationError("{\"Flavors\":[{\"Plugin\":\"a\"},{\"Plugin\":\" \"}]}"));
        assertEquals("Flavors[1].Plugin must not be blank", validationError("{\"Flavors\":[{\"Plugin\":\"a\"},{\"Properties\":{}}]}"));
        assertTrue(validationError("{\"Flavors\":[{\"Plugin\":\"no good!\"}]}").startsWith("Flavors[0].Plugin is not a valid plugin name: Invalid plugin name 'no good!'"));
        assertTrue(validationError("{\"Flavors\":[{\"Plugin\":\"a/bad type\"}]}").startsWith("Flavors[0].Plugin is not a valid plugin name"));
    }

    @Test
    void validateRejectsTheComboItselfAsAPart() throws Exception {
        fakes.add("a", null, null, null, null);
        assertEquals("Flavors[1].Plugin must not be the combo flavor itself ('flavor-combo')", validationError("{\"Flavors\":[{\"Plugin\":\"a\"},{\"Plugin\":\"flavor-combo\"}]}"));
        assertEquals("Flavors[0].Plugin must not be the combo flavor itself ('flavor-combo')", validationError("{\"Flavors\":[{\"Plugin\":\"flavor-combo/x\"}]}"));
        // another combo is a part like any other; the check is by the configured name
        fakes.add("flavor-combo", null, null, null, null);
        new ComboFlavorPlugin("combo-two", fakes, new WireJsonCodec()).validate(parts("a", "flavor-combo"), SIZE_2);
        assertEquals("Flavors[0].Plugin must not be the combo flavor itself ('combo-two')",
                assertThrows(PluginException.class, () -> new ComboFlavorPlugin("combo-two", fakes, new WireJsonCodec()).validate(parts("combo-two"), SIZE_2)).getMessage());
    }

    @Test
    void validateAsksEachPartWithItsOwnPropertiesAndTheSameAllocation() throws Exception {
        fakes.add("a", null, null, null, null).add("b", null, null, null, null);
        combo.validate(parts("a", "b"), SIZE_2);
        assertEquals(List.of("a.validate {\"n\":0} 2", "b.validate {\"n\":1} 2"), fakes.calls);
    }

    @Test
    void aPartsValidationErrorSaysWhichPart() {
        fakes.add("a", null, null, null, null).add("b", p -> {
            throw new PluginException("Init must be a list");
        }, null, null, null);
        assertEquals("Flavors[1] (b): Init must be a list", validationError(parts("a", "b").json()));
        fakes.add("c", p -> {
            throw new IllegalStateException("boom");
        }, null, null, null);
        assertEquals("Flavors[0] (c): boom", validationError(parts("c").json()));
    }

    // --- Prepare ----------------------------------------------------------------------------------

    @Test
    void prepareChainsThePartsInOrderAndAddsEachInitOnce() throws Exception {
        fakes.add("appends", null, (p, s) -> appending(s, "a1", Map.of("tier", "a", "x", "1")), null, null)
                .add("appends-two", null, (p, s) -> appending(s, "b1\nb2", Map.of("tier", "b")), null, null)
                // written for the original combo: answers only its own lines and tags
                .add("own-lines", null, (p, s) -> new InstanceSpec(null, Map.of("c", "1"), "c1", null, null), null, null)
                .add("prepends", null, (p, s) -> s.withInit("d1\n" + s.init()), null, null)
                .add("unchanged", null, (p, s) -> s, null, null);
        InstanceSpec in = new InstanceSpec(new RawJson("{\"Note\":\"n\"}"), Map.of("infrakit.group", "g"), "#!/bin/sh", "lid", null);

        InstanceSpec out = combo.prepare(parts("appends", "appends-two", "own-lines", "prepends", "unchanged"), in, SIZE_2);

        assertEquals("#!/bin/sh\na1\nb1\nb2\nc1\nd1", out.init());
        assertEquals(Map.of("infrakit.group", "g", "tier", "b", "x", "1", "c", "1"), out.tags());
        assertEquals(new RawJson("{\"Note\":\"n\"}"), out.properties());
        assertEquals("lid", out.logicalID());
        // each part saw the previous part's result
        assertEquals(List.of("appends.prepare #!/bin/sh", "appends-two.prepare #!/bin/sh|a1", "own-lines.prepare #!/bin/sh|a1|b1|b2",
                "prepends.prepare #!/bin/sh|a1|b1|b2|c1", "unchanged.prepare #!/bin/sh|a1|b1|b2|c1|d1"), fakes.calls);
    }

    @Test
    void laterPartsWinTagsAndAttachmentsAreTheUnion() throws Exception {
        Attachment vol = new Attachment("vol-1", "ebs");
        Attachment net = new Attachment("net-1", "eni");
        fakes.add("a", null, (p, s) -> new InstanceSpec(s.properties(), Map.of("tier", "a"), s.init(), s.logicalID(), List.of(vol)), null, null)
                .add("b", null, (p, s) -> new InstanceSpec(null, Map.of("tier", "b"), s.init(), null, List.of(net, vol)), null, null);
        InstanceSpec out = combo.prepare(parts("a", "b"), new InstanceSpec(null, null, "", null, null), SIZE_2);
        assertEquals(Map.of("tier", "b"), out.tags());
        assertEquals(List.of(vol, net), out.attachments());
        assertEquals("", out.init());
    }

    @Test
    void aFailingPrepareNamesThePartAndStopsTheChain() {
        fakes.add("a", null, (p, s) -> {
            throw new PluginException("no image");
        }, null, null).add("b", null, null, null, null);
        PluginException e = assertThrows(PluginException.class, () -> combo.prepare(parts("a", "b"), new InstanceSpec(null, null, "", null, null), SIZE_2));
        assertEquals("Flavors[0] (a): Prepare failed: no image", e.getMessage());
        assertEquals(List.of("a.prepare "), fakes.calls);
    }

    @Test
    void prepareRejectsBadPropertiesLikeValidate() {
        PluginException e = assertThrows(PluginException.class, () -> combo.prepare(RawJson.of("{\"Flavors\":[]}"), new InstanceSpec(null, null, "", null, null), SIZE_2));
        assertTrue(e.getMessage().startsWith("Flavors must not be empty"));
    }

    // --- Healthy ----------------------------------------------------------------------------------

    @Test
    void twoHealthyPartsMakeAHealthyInstance() throws Exception {
        // the original decoded into a non-pointer and always answered Unknown, so rolling updates never finished
        fakes.health("a", Health.HEALTHY).health("b", Health.HEALTHY);
        assertEquals(Health.HEALTHY, combo.healthy(parts("a", "b"), INSTANCE));
        assertEquals(List.of("a.healthy i-1", "b.healthy i-1"), fakes.calls);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
        "HEALTHY, UNKNOWN, UNKNOWN", "UNKNOWN, HEALTHY, UNKNOWN",
        "HEALTHY, UNHEALTHY, UNHEALTHY", "UNHEALTHY, HEALTHY, UNHEALTHY",
        "UNKNOWN, UNHEALTHY, UNHEALTHY", "UNHEALTHY, UNKNOWN, UNHEALTHY",
        "UNKNOWN, UNKNOWN, UNKNOWN"})
    void healthIsTheWorstOfTheParts(Health first, Health second, Health expected) throws Exception {
        fakes.health("a", first).health("b", second).health("c", Health.HEALTHY);
        assertEquals(expected, combo.healthy(parts("a", "b", "c"), INSTANCE));
    }

    @Test
    void aFailingHealthCheckIsAnErrorNamingThePartUnlessAnotherPartSaysUnhealthy() throws Exception {
        fakes.health("a", Health.HEALTHY).add("b", null, null, i -> {
            throw new PluginException("agent not reachable");
        }, null).health("c", Health.UNKNOWN).add("d", null, null, i -> null, null).health("sick", Health.UNHEALTHY);
        PluginException e = assertThrows(PluginException.class, () -> combo.healthy(parts("a", "b", "c", "d"), INSTANCE));
        assertEquals("Health of i-1 could not be determined: Flavors[1] (b): agent not reachable; Flavors[3] (d): Healthy returned no health", e.getMessage());
        assertEquals(Health.UNHEALTHY, combo.healthy(parts("b", "sick"), INSTANCE));
    }

    // --- Drain ------------------------------------------------------------------------------------

    @Test
    void drainAsksEveryPartInOrder() throws Exception {
        fakes.add("a", null, null, null, null).add("b", null, null, null, null);
        combo.drain(parts("a", "b"), INSTANCE);
        assertEquals(List.of("a.drain i-1 {\"n\":0}", "b.drain i-1 {\"n\":1}"), fakes.calls);
    }

    @Test
    void drainTriesEveryPartAndReportsAllFailuresTogether() {
        fakes.add("a", null, null, null, p -> {
            throw new PluginException("swarm leave failed");
        }).add("b", null, null, null, null).add("c", null, null, null, p -> {
            throw new IllegalStateException("lost connection");
        });
        PluginException e = assertThrows(PluginException.class, () -> combo.drain(parts("a", "b", "c", "ghost"), INSTANCE));
        assertEquals(List.of("a.drain i-1 {\"n\":0}", "b.drain i-1 {\"n\":1}", "c.drain i-1 {\"n\":2}"), fakes.calls);
        assertTrue(e.getMessage().startsWith("Drain of i-1 failed for 3 of 4 flavors: Flavors[0] (a): swarm leave failed; Flavors[2] (c): lost connection; "
                + "Flavors[3]: flavor plugin 'ghost' not found"), e.getMessage());
    }

    // --- Looking parts up -------------------------------------------------------------------------

    @Test
    void aMissingPartIsAClearErrorNamingIt() {
        fakes.add("a", null, null, null, null);
        String expected = "Flavors[1]: flavor plugin 'ghost/web' not found: No plugin named ghost/web (no service, no socket)";
        assertEquals(expected, validationError(parts("a", "ghost/web").json()));
        assertEquals(expected, assertThrows(PluginException.class, () -> combo.prepare(parts("a", "ghost/web"), new InstanceSpec(null, null, "", null, null), SIZE_2)).getMessage());
        assertEquals("Health of i-1 could not be determined: " + expected, assertThrows(PluginException.class, () -> combo.healthy(parts("a", "ghost/web"), INSTANCE)).getMessage());
    }

    @Test
    void withoutARegistryNoPartCanBeFound() {
        ComboFlavorPlugin alone = new ComboFlavorPlugin(null, null, new WireJsonCodec());
        PluginException e = assertThrows(PluginException.class, () -> alone.validate(parts("a"), SIZE_2));
        assertEquals("No plugin registry is available to find flavor plugin 'a' (Flavors[0])", e.getMessage());
        alone.setRegistry(fakes.health("a", Health.HEALTHY));
        assertTrue(assertThrows(PluginException.class, () -> alone.validate(parts("flavor-combo"), SIZE_2)).getMessage().contains("itself ('flavor-combo')"),
                "a blank name means the default name");
    }

    @Test
    void partsAreLookedUpAtEachCallSoAReplacedPluginIsUsedAtOnce() throws Exception {
        fakes.health("a", Health.UNKNOWN);
        assertEquals(Health.UNKNOWN, combo.healthy(parts("a"), INSTANCE));
        FlavorPlugin upgraded = new FakeFlavors().health("a", Health.HEALTHY).plugins.get("a");
        fakes.plugins.put("a", upgraded);
        assertEquals(Health.HEALTHY, combo.healthy(parts("a"), INSTANCE));
        assertEquals(List.of("a", "a"), fakes.lookups);
    }

    @Test
    void withoutTheCodecServiceCallsFailClearlyAndTheNextCodecIsPickedUp() throws Exception {
        fakes.health("a", Health.HEALTHY);
        ComboFlavorPlugin plugin = new ComboFlavorPlugin("flavor-combo", fakes, null);
        String expected = "The JSON codec service is not available (is the infrakit rpc bundle running?)";
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.validate(parts("a"), SIZE_2)).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.drain(parts("a"), INSTANCE)).getMessage());

        JsonCodec old = new WireJsonCodec();
        JsonCodec updated = new WireJsonCodec();
        plugin.setJson(old);
        // an updated rpc bundle: greedy, so its codec is bound before the old one is unbound
        plugin.setJson(updated);
        plugin.unsetJson(old);
        assertEquals(Health.HEALTHY, plugin.healthy(parts("a"), INSTANCE));
        plugin.unsetJson(updated);
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.healthy(parts("a"), INSTANCE)).getMessage());
    }

    @Test
    void theRpcBundlesServicesAreDynamicOptionalReferencesSoUpdatingItLeavesThePluginActive() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + ComboFlavorPlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<reference name=\"Json\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.JsonCodec\""
                + " bind=\"setJson\" unbind=\"unsetJson\" policy-option=\"greedy\"/>"), xml);
        assertTrue(xml.contains("<reference name=\"Registry\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.registry.PluginRegistry\""
                + " bind=\"setRegistry\" unbind=\"unsetRegistry\" policy-option=\"greedy\"/>"), xml);
        assertEquals(2, xml.split("<reference ", -1).length - 1, xml);
    }
}
