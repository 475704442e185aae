package io.infrakit.instance.file;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileInstancePluginTest {

    /** A file written by the Go file plugin (v0.3.1) for the tutorial's cattle group. */
    private static final String GO_FILE = "{\n\"ID\": \"instance-1502937702852904022\",\n\"LogicalID\": null,\n\"Tags\": {\n"
            + "\"infrakit.config_sha\": \"006438mMXW8gXeYtUxgf9Zbg94Y=\",\n\"infrakit.group\": \"cattle\",\n\"project\": \"infrakit\",\n"
            + "\"tier\": \"web\"\n},\n\"Spec\": {\n\"Properties\": {\n\"Note\": \"Instance properties version 1.0\"\n},\n\"Tags\": {\n"
            + "\"infrakit.config_sha\": \"006438mMXW8gXeYtUxgf9Zbg94Y=\",\n\"infrakit.group\": \"cattle\",\n\"project\": \"infrakit\",\n"
            + "\"tier\": \"web\"\n},\n\"Init\": \"docker pull nginx:alpine\\ndocker run -d -p 80:80 nginx-alpine\",\n\"LogicalID\": null,\n"
            + "\"Attachments\": null\n}\n}";

    private static final Map<String, String> CATTLE_TAGS = Map.of("infrakit.config_sha", "006438mMXW8gXeYtUxgf9Zbg94Y=",
            "infrakit.group", "cattle", "project", "infrakit", "tier", "web");

    @TempDir
    Path dir;

    private final List<FileInstancePlugin> plugins = new ArrayList<>();

    @AfterEach
    void close() {
        plugins.forEach(FileInstancePlugin::close);
    }

    private FileInstancePlugin plugin() throws Exception {
        return keep(new FileInstancePlugin(dir, new WireJsonCodec()));
    }

    /** Closes the plugin (its directory watch) after the test. */
    private FileInstancePlugin keep(FileInstancePlugin plugin) {
        plugins.add(plugin);
        return plugin;
    }

    @Test
    void writesInstancesExactlyAsTheGoPluginDoes() throws Exception {
        InstanceSpec spec = new InstanceSpec(new RawJson("{\"Note\": \"Instance properties version 1.0\"}"), CATTLE_TAGS,
                "docker pull nginx:alpine\ndocker run -d -p 80:80 nginx-alpine", null, null);
        String id = plugin().provision(spec);
        assertTrue(id.matches("instance-\\d+"), id);
        assertEquals(GO_FILE.replace("instance-1502937702852904022", id), Files.readString(dir.resolve(id)));
    }

    @Test
    void readsFilesOfTheGoPlugin() throws Exception {
        Files.writeString(dir.resolve("instance-1502937702852904022"), GO_FILE);
        assertEquals(List.of(new Description("instance-1502937702852904022", null, CATTLE_TAGS)),
                plugin().describeInstances(Map.of("infrakit.group", "cattle")));
    }

    @Test
    void describeFiltersByAllTagsAndSkipsWhatIsNotAnInstance() throws Exception {
        FileInstancePlugin p = plugin();
        String web = p.provision(new InstanceSpec(null, Map.of("tier", "web", "g", "a"), null, "lid-1", null));
        String db = p.provision(new InstanceSpec(null, Map.of("tier", "db", "g", "a"), null, null, null));
        Files.writeString(dir.resolve("garbage"), "{not json");
        Files.writeString(dir.resolve("list"), "[1,2]");
        Files.writeString(dir.resolve("." + web + ".tmp-1"), "{\"ID\":\"half"); // left by a crash mid-write
        assertEquals(List.of(new Description(web, "lid-1", Map.of("tier", "web", "g", "a"))), p.describeInstances(Map.of("tier", "web", "g", "a")));
        assertEquals(2, p.describeInstances(Map.of("g", "a")).size());
        assertEquals(List.of(), p.describeInstances(Map.of("tier", "web", "g", "b")));
        assertEquals(Stream.of(web, db).sorted().toList(), p.describeInstances(null).stream().map(Description::id).toList());
    }

    @Test
    void labelMergesTagsAndLeavesNoTemporaryFile() throws Exception {
        FileInstancePlugin p = plugin();
        String id = p.provision(new InstanceSpec(null, Map.of("a", "1", "b", "2"), null, null, null));
        p.label(id, Map.of("b", "3", "c", "4"));
        assertEquals(Map.of("a", "1", "b", "3", "c", "4"), p.describeInstances(Map.of()).get(0).tags());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(id), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void destroyRemovesTheFileAndAMissingOneIsAnError() throws Exception {
        FileInstancePlugin p = plugin();
        String id = p.provision(new InstanceSpec(null, null, null, null, null));
        p.destroy(id);
        assertTrue(Files.notExists(dir.resolve(id)));
        PluginException e = assertThrows(PluginException.class, () -> p.destroy(id));
        assertEquals("remove " + dir.resolve(id) + ": no such file or directory", e.getMessage());
    }

    @Test
    void idsThatAreNotPlainFileNamesAreRefused() throws Exception {
        Path outside = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-victim"), "keep me");
        FileInstancePlugin p = plugin();
        for (String id : List.of("", ".", "..", "../" + outside.getFileName(), "/etc/passwd", ".hidden", "a/b")) {
            PluginException e = assertThrows(PluginException.class, () -> p.destroy(id), id);
            assertTrue(e.getMessage().startsWith("Invalid instance ID"), e.getMessage());
            assertThrows(PluginException.class, () -> p.label(id, Map.of("x", "y")), id);
        }
        assertEquals("keep me", Files.readString(outside));
        Files.delete(outside);
    }

    @Test
    void validateAcceptsOnlyAnObject() throws Exception {
        FileInstancePlugin p = plugin();
        p.validate(new RawJson("{\"Note\":\"x\"}"));
        p.validate(null);
        p.validate(new RawJson("{\"Anything\": {\"the user\": [\"likes\"]}}"));
        assertEquals("instance-file: Properties: expected an object, got an array",
                assertThrows(PluginException.class, () -> p.validate(new RawJson("[1]"))).getMessage());
        assertEquals("instance-file: Properties: expected an object, got \"x\"",
                assertThrows(PluginException.class, () -> p.validate(new RawJson("\"x\""))).getMessage());
        assertEquals("instance-file: duplicate key Properties.Note",
                assertThrows(PluginException.class, () -> p.validate(new RawJson("{\"Note\": 1, \"Note\": 2}"))).getMessage());
    }

    @Test
    void theDirectoryIsCreatedForTheOwnerOnly() throws Exception {
        Path nested = dir.resolve("a/b");
        keep(new FileInstancePlugin(nested, new WireJsonCodec()));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
    }

    @Test
    void withoutTheCodecServiceCallsFailClearlyAndLeaveTheInstancesAlone() throws Exception {
        Files.writeString(dir.resolve("instance-1502937702852904022"), GO_FILE);
        FileInstancePlugin plugin = keep(new FileInstancePlugin(dir, null));
        String expected = "The JSON codec service is not available (is the infrakit rpc bundle running?)";

        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.describeInstances(Map.of())).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.label("instance-1502937702852904022", Map.of("k", "v"))).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.validate(new RawJson("{}"))).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.provision(new InstanceSpec(null, Map.of(), "", null, null))).getMessage());
        assertEquals(GO_FILE, Files.readString(dir.resolve("instance-1502937702852904022")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("instance-1502937702852904022")), files.toList(), "no file made or removed");
        }

        JsonCodec old = new WireJsonCodec();
        JsonCodec updated = new WireJsonCodec();
        plugin.setJson(old);
        // an updated rpc bundle: greedy, so its codec is bound before the old one is unbound
        plugin.setJson(updated);
        plugin.unsetJson(old);
        assertEquals(List.of(new Description("instance-1502937702852904022", null, CATTLE_TAGS)), plugin.describeInstances(Map.of()));
        plugin.unsetJson(updated);
        assertThrows(PluginException.class, () -> plugin.describeInstances(Map.of()));
    }

    @Test
    void theRpcBundlesServicesAreDynamicOptionalReferencesSoUpdatingItLeavesThePluginActive() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + FileInstancePlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<reference name=\"Json\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.JsonCodec\""
                + " bind=\"setJson\" unbind=\"unsetJson\" policy-option=\"greedy\"/>"), xml);
        assertEquals(1, xml.split("<reference ", -1).length - 1, xml);
    }
}
