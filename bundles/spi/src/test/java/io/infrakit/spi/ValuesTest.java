package io.infrakit.spi;

import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {

    @Test
    void pluginNamesSplitAtTheFirstSlash() {
        assertEquals(new PluginName("flavor-swarm", "worker"), PluginName.parse("flavor-swarm/worker"));
        assertEquals(new PluginName("instance-file", ""), PluginName.parse("instance-file"));
        assertEquals("flavor-swarm/worker", PluginName.parse("flavor-swarm/worker").toString());
        assertEquals("group", PluginName.parse("group").toString());
    }

    @Test
    void pluginNamesCannotEscapeThePluginsDirectory() {
        for (String bad : List.of("", "..", ".", "../x", "a/b/c", "a b", "/abs", "-x", "x\u0000", "é", "a/", "n".repeat(101))) {
            if (bad.equals("a/")) {
                assertEquals(new PluginName("a", ""), PluginName.parse(bad), "an empty type is no type");
                continue;
            }
            assertThrows(IllegalArgumentException.class, () -> PluginName.parse(bad), bad);
        }
        assertFalse(PluginName.isValidName(".."));
        assertTrue(PluginName.isValidName("instance-file.v2_b"));
    }

    @Test
    void tagsAreCopiedSortedAndImmutable() {
        Map<String, String> source = new HashMap<>(Map.of("b", "2", "a", "1"));
        Description d = new Description("i", null, source);
        source.put("c", "3");
        assertEquals(List.of("a", "b"), new ArrayList<>(d.tags().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> d.tags().put("x", "y"));
        assertNull(new Description("i", null, null).tags());
    }

    @Test
    void tagFiltersAreAnAnd() {
        Map<String, String> tags = Map.of("infrakit.group", "cattle", "tier", "web");
        assertTrue(Tags.matches(tags, Map.of()));
        assertTrue(Tags.matches(tags, null));
        assertTrue(Tags.matches(tags, Map.of("tier", "web")));
        assertFalse(Tags.matches(tags, Map.of("tier", "web", "project", "x")));
        assertFalse(Tags.matches(null, Map.of("tier", "web")));
    }

    @Test
    void valueTypesNormaliseMissingParts() {
        InstanceSpec spec = new InstanceSpec(null, null, null, null, null);
        assertEquals("", spec.init());
        assertEquals("x", spec.withInit("x").init());
        assertEquals(Map.of("a", "b"), spec.withTags(Map.of("a", "b")).tags());
        assertThrows(IllegalArgumentException.class, () -> new Allocation(-1, null));
        assertThrows(IllegalArgumentException.class, () -> new RawJson(" "));
        assertNull(RawJson.of(null));
    }

    @Test
    void healthHasTheWireCodes() {
        assertEquals(Health.UNKNOWN, Health.fromCode(0));
        assertEquals(Health.HEALTHY, Health.fromCode(1));
        assertEquals(2, Health.UNHEALTHY.code());
        assertThrows(IllegalArgumentException.class, () -> Health.fromCode(3));
    }
}
