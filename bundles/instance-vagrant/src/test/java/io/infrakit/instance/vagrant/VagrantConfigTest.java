package io.infrakit.instance.vagrant;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DS constructor: what a factory configuration turns into. */
class VagrantConfigTest {

    @TempDir
    Path tmp;

    /** A configuration as DS would hand it over: the defaults, with some keys replaced. */
    private static VagrantInstancePlugin.Config config(Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>(Map.of("infrakit_plugin_name", "instance-vagrant", "dir", "", "vagrant", "vagrant",
                "template", "", "up_timeout_ms", 1_800_000L, "destroy_timeout_ms", 600_000L));
        all.putAll(values);
        return (VagrantInstancePlugin.Config) Proxy.newProxyInstance(VagrantConfigTest.class.getClassLoader(),
                new Class<?>[] {VagrantInstancePlugin.Config.class}, (proxy, method, args) -> all.get(method.getName()));
    }

    @Test
    void theDirectoryIsCreatedForTheOwnerOnly() throws Exception {
        Path dir = tmp.resolve("a/b");
        VagrantInstancePlugin p = new VagrantInstancePlugin(config(Map.of("dir", dir.toString())));
        assertEquals(dir, p.directory());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void aTemplateFileIsCheckedWhenTheConfigurationIsActivated() throws Exception {
        Path good = Files.writeString(tmp.resolve("good.rb"), "Vagrant.configure(\"2\") { |c| c.vm.box = \"{{.Properties.Box}}\" }\n");
        new VagrantInstancePlugin(config(Map.of("dir", tmp.resolve("i").toString(), "template", good.toString())));

        Path bad = Files.writeString(tmp.resolve("bad.rb"), "Vagrant.configure(\"2\") { |c| c.vm.box = {{.Properties.Box}} }\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VagrantInstancePlugin(config(Map.of("dir", tmp.resolve("i").toString(), "template", bad.toString()))));
        assertTrue(e.getMessage().startsWith("template " + bad + ": {{.Properties.Box}} at line 1 must stand alone inside double quotes"), e.getMessage());
    }

    @Test
    void badSettingsAreRefused() {
        String dir = tmp.resolve("i").toString();
        assertThrows(IllegalArgumentException.class, () -> new VagrantInstancePlugin(config(Map.of("dir", dir, "up_timeout_ms", 0L))));
        assertThrows(IllegalArgumentException.class, () -> new VagrantInstancePlugin(config(Map.of("dir", dir, "infrakit_plugin_name", "a/b"))));
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> new VagrantInstancePlugin(config(Map.of("dir", dir, "template", tmp.resolve("missing.rb").toString()))));
    }

    @Test
    void withoutTheCodecServiceCallsFailClearlyAndLeaveTheMachinesAlone() throws Exception {
        Path dir = tmp.resolve("i");
        Path machine = Files.createDirectories(dir.resolve("infrakit-1"));
        Files.writeString(machine.resolve(MachineDirectories.TAGS), "{\"g\":\"a\"}");
        VagrantInstancePlugin p = new VagrantInstancePlugin(config(Map.of("dir", dir.toString())));
        String expected = "The JSON codec service is not available (is the infrakit rpc bundle running?)";

        assertEquals(expected, assertThrows(PluginException.class, () -> p.describeInstances(Map.of())).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> p.label("infrakit-1", Map.of("k", "v"))).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> p.validate(null)).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> p.provision(new InstanceSpec(null, Map.of(), "", null, null))).getMessage());
        assertEquals("{\"g\":\"a\"}", Files.readString(machine.resolve(MachineDirectories.TAGS)));
        assertEquals(List.of(machine), Files.list(dir).toList(), "no machine directory made or removed");

        JsonCodec old = new WireJsonCodec();
        JsonCodec updated = new WireJsonCodec();
        p.setJson(old);
        // an updated rpc bundle: greedy, so its codec is bound before the old one is unbound
        p.setJson(updated);
        p.unsetJson(old);
        assertEquals(List.of(new Description("infrakit-1", null, Map.of("g", "a"))), p.describeInstances(Map.of()));
        p.unsetJson(updated);
        assertThrows(PluginException.class, () -> p.describeInstances(Map.of()));
    }

    @Test
    void theRpcBundlesServicesAreDynamicOptionalReferencesSoUpdatingItLeavesThePluginActive() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + VagrantInstancePlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<reference name=\"Json\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.JsonCodec\""
                + " bind=\"setJson\" unbind=\"unsetJson\" policy-option=\"greedy\"/>"), xml);
        assertEquals(1, xml.split("<reference ", -1).length - 1, xml);
    }
}
