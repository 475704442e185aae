package io.infrakit.instance.vagrant;

import io.infrakit.rpc.wire.WireJsonCodec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
        VagrantInstancePlugin p = new VagrantInstancePlugin(config(Map.of("dir", dir.toString())), new WireJsonCodec());
        assertEquals(dir, p.directory());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void aTemplateFileIsCheckedWhenTheConfigurationIsActivated() throws Exception {
        Path good = Files.writeString(tmp.resolve("good.rb"), "Vagrant.configure(\"2\") { |c| c.vm.box = \"{{.Properties.Box}}\" }\n");
        new VagrantInstancePlugin(config(Map.of("dir", tmp.resolve("i").toString(), "template", good.toString())), new WireJsonCodec());

        Path bad = Files.writeString(tmp.resolve("bad.rb"), "Vagrant.configure(\"2\") { |c| c.vm.box = {{.Properties.Box}} }\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VagrantInstancePlugin(config(Map.of("dir", tmp.resolve("i").toString(), "template", bad.toString())), new WireJsonCodec()));
        assertTrue(e.getMessage().startsWith("template " + bad + ": {{.Properties.Box}} at line 1 must stand alone inside double quotes"), e.getMessage());
    }

    @Test
    void badSettingsAreRefused() {
        String dir = tmp.resolve("i").toString();
        assertThrows(IllegalArgumentException.class, () -> new VagrantInstancePlugin(config(Map.of("dir", dir, "up_timeout_ms", 0L)), new WireJsonCodec()));
        assertThrows(IllegalArgumentException.class, () -> new VagrantInstancePlugin(config(Map.of("dir", dir, "infrakit_plugin_name", "a/b")), new WireJsonCodec()));
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> new VagrantInstancePlugin(config(Map.of("dir", dir, "template", tmp.resolve("missing.rb").toString())), new WireJsonCodec()));
    }
}
