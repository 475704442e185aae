package io.infrakit.instance.terraform;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin against the real {@code terraform} on the {@code PATH}, with the built-in {@code terraform_data}
 * resource (no provider to download). These tests need terraform installed: they fail, not skip, without it.
 */
class TerraformInstancePluginTest {

    private static final long NOW = 1_700_000_000L;
    private static final WireJsonCodec JSON = new WireJsonCodec();

    @TempDir
    Path dir;

    private TerraformInstancePlugin plugin() throws Exception {
        return plugin(dir, "terraform", System.getenv());
    }

    private static TerraformInstancePlugin plugin(Path dir, String executable, Map<String, String> env) throws Exception {
        return new TerraformInstancePlugin(dir, JSON, executable, Duration.ofSeconds(60), env, () -> NOW);
    }

    private static InstanceSpec spec(String properties, Map<String, String> tags, String init, String logicalID) {
        return new InstanceSpec(new RawJson(properties), tags, init, logicalID, null);
    }

    private static final String DATA = "{\"type\": \"terraform_data\", \"value\": {\"input\": {\"size\": \"small\"}}}";

    private String state() throws Exception {
        return JSON.encode(JSON.decode(new RawJson(Files.readString(dir.resolve("terraform.tfstate"))), Map.class)).json();
    }

    @Test
    void provisionDescribeLabelAndDestroyWithTheRealTerraform() throws Exception {
        TerraformInstancePlugin p = plugin();
        String web = p.provision(spec(DATA, Map.of("infrakit.group", "g", "tier", "web"), "echo web", "lid-1"));
        String db = p.provision(spec(DATA, Map.of("infrakit.group", "g", "tier", "db"), "", null));
        assertEquals("instance-" + NOW, web);
        assertEquals("instance-" + (NOW + 1), db, "an ID already taken is made unique");

        assertEquals(List.of("terraform_data." + web, "terraform_data." + db), p.stateList());
        assertTrue(state().contains("\"tags\":{\"Name\":\"" + web + "\",\"infrakit.group\":\"g\",\"tier\":\"web\"}"), state());
        assertTrue(state().contains("\"init\":\"echo web\"") && state().contains("\"logical_id\":\"lid-1\""), state());
        assertTrue(state().contains("\"size\":\"small\""), "the user's input is kept: " + state());

        assertEquals(List.of(new Description(web, "lid-1", Map.of("Name", web, "infrakit.group", "g", "tier", "web")),
                new Description(db, null, Map.of("Name", db, "infrakit.group", "g", "tier", "db"))), p.describeInstances(Map.of("infrakit.group", "g")));
        assertEquals(List.of(db), p.describeInstances(Map.of("infrakit.group", "g", "tier", "db")).stream().map(Description::id).toList());
        assertEquals(List.of(), p.describeInstances(Map.of("infrakit.group", "other")));

        p.label(db, Map.of("tier", "cache", "color", "blue"));
        assertEquals(Map.of("Name", db, "infrakit.group", "g", "tier", "cache", "color", "blue"),
                p.describeInstances(Map.of("color", "blue")).get(0).tags());
        assertTrue(state().contains("\"color\":\"blue\""), "label is applied: " + state());

        p.destroy(web);
        assertFalse(Files.exists(dir.resolve(web + ".tf.json")));
        assertEquals(List.of("terraform_data." + db), p.stateList());
        assertEquals(List.of(db), p.describeInstances(null).stream().map(Description::id).toList());
        PluginException e = assertThrows(PluginException.class, () -> p.destroy(web));
        assertEquals("remove " + dir.resolve(web + ".tf.json") + ": no such file or directory", e.getMessage());
        assertThrows(PluginException.class, () -> p.label(web, Map.of("a", "b")));

        // a second plugin on the same directory (after a Karaf restart, say) reads the same instances
        assertEquals(List.of(new Description(db, null, Map.of("Name", db, "infrakit.group", "g", "tier", "cache", "color", "blue"))),
                plugin().describeInstances(Map.of()));

        p.destroy(db); // the last one: terraform still applies, and destroys it
        assertEquals(List.of(), p.stateList());
        assertEquals(List.of(), p.describeInstances(null));
    }

    @Test
    void aFailingApplySurfacesTerraformsErrorAndLeavesNoInstance() throws Exception {
        TerraformInstancePlugin p = plugin();
        PluginException e = assertThrows(PluginException.class,
                () -> p.provision(spec("{\"type\": \"terraform_data\", \"value\": {\"no_such_argument\": 1}}", Map.of(), "", null)));
        assertTrue(e.getMessage().startsWith("Cannot provision instance-" + NOW + ": terraform apply in " + dir + " failed (exit 1): "), e.getMessage());
        assertTrue(e.getMessage().contains("Error: Extraneous JSON object property") && e.getMessage().contains("no_such_argument"), e.getMessage());
        assertEquals(List.of(), p.describeInstances(null));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("instance-")).toList());
        }
        // the failed instance is not in the way of the next one
        String next = p.provision(spec(DATA, Map.of(), "", null));
        assertEquals(List.of("terraform_data." + next), p.stateList());
    }

    @Test
    void aMissingTerraformIsAClearErrorAtValidateAndProvisionNotAtStart() throws Exception {
        TerraformInstancePlugin p = plugin(dir, "terraform", Map.of("PATH", "/nonexistent/bin:/also/missing"));
        PluginException v = assertThrows(PluginException.class, () -> p.validate(new RawJson(DATA)));
        assertTrue(v.getMessage().startsWith("Terraform executable 'terraform' not found on PATH (/nonexistent/bin:/also/missing)"), v.getMessage());
        PluginException prov = assertThrows(PluginException.class, () -> p.provision(spec(DATA, null, "", null)));
        assertEquals(v.getMessage(), prov.getMessage());
        assertEquals(List.of(), p.describeInstances(null), "describe needs no terraform");

        TerraformInstancePlugin byPath = plugin(dir, "/opt/no/terraform", System.getenv());
        PluginException path = assertThrows(PluginException.class, () -> byPath.validate(new RawJson(DATA)));
        assertTrue(path.getMessage().startsWith("Terraform executable '/opt/no/terraform' does not exist or is not executable"), path.getMessage());
    }

    @Test
    void validateRejectsBadPropertiesNamingTheField() throws Exception {
        TerraformInstancePlugin p = plugin();
        p.validate(new RawJson(DATA));
        p.validate(new RawJson("{\"Type\": \"aws_instance\", \"Value\": {\"ami\": \"ami-1\", \"tags\": {\"a\": \"b\"}, \"user_data\": \"x\"}}"));
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("null", "'type' and 'value' are required");
        bad.put("{\"value\": {}}", "'type' is required");
        bad.put("{\"type\": 5, \"value\": {}}", "'type' must be a Terraform resource type name");
        bad.put("{\"type\": \"../x\", \"value\": {}}", "'type' must be a Terraform resource type name");
        bad.put("{\"type\": \"terraform_data\"}", "'value' is required");
        bad.put("{\"type\": \"terraform_data\", \"value\": \"x\"}", "'value' must be an object");
        bad.put("{\"type\": \"terraform_data\", \"value\": {\"input\": \"x\"}}", "'value.input' must be an object for terraform_data");
        bad.put("{\"type\": \"terraform_data\", \"value\": {\"input\": {\"tags\": [1]}}}", "'value.input.tags' must be an object");
        bad.put("{\"type\": \"aws_instance\", \"value\": {\"tags\": [\"a\"]}}", "'value.tags' must be an object for aws_instance");
        bad.put("{\"type\": \"aws_instance\", \"value\": {\"user_data\": 1}}", "'value.user_data' must be a string");
        bad.put("{\"type\": \"softlayer_virtual_guest\", \"value\": {\"tags\": {}}}", "'value.tags' must be a list");
        bad.put("{\"type\": \"azurerm_virtual_machine\", \"value\": {\"os_profile\": {\"custom_data\": true}}}", "'value.os_profile.custom_data' must be a string");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            PluginException e = assertThrows(PluginException.class, () -> p.validate(new RawJson(c.getKey())), c.getKey());
            assertTrue(e.getMessage().startsWith("Invalid properties: ") && e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
        // the shape: the plugin's name, the JSON path from its Properties, the key most likely meant
        Map<String, String> shape = Map.of(
                "[1]", "instance-terraform: Properties: expected an object, got an array",
                "{\"tpye\": \"terraform_data\", \"value\": {}}", "instance-terraform: unknown key Properties.tpye: did you mean type?",
                "{\"type\": \"terraform_data\", \"Vaule\": {}}", "instance-terraform: unknown key Properties.Vaule: did you mean Value?",
                "{\"type\": \"terraform_data\", \"value\": {}, \"count\": 2}", "instance-terraform: unknown key Properties.count (the keys there are Type, Value)",
                "{\"type\": \"terraform_data\", \"type\": \"aws_instance\", \"value\": {}}", "instance-terraform: duplicate key Properties.type");
        for (Map.Entry<String, String> c : shape.entrySet()) {
            assertEquals(c.getValue(), assertThrows(PluginException.class, () -> p.validate(new RawJson(c.getKey())), c.getKey()).getMessage());
        }
        PluginException none = assertThrows(PluginException.class, () -> p.validate(null));
        assertTrue(none.getMessage().contains("'type' and 'value' are required"), none.getMessage());
        assertTrue(Files.notExists(dir.resolve("tf-apply.log")), "validate runs nothing");
    }

    @Test
    void idsThatAreNotInstanceIdsAreRefused() throws Exception {
        Path outside = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-victim.tf.json"), "keep me");
        TerraformInstancePlugin p = plugin();
        for (String id : List.of("", "..", "../" + dir.getFileName() + "-victim", "/etc/passwd", "instance-", "instance-1/../../x",
                "instance-1.tf", "x-1", "instance-1\n")) {
            PluginException e = assertThrows(PluginException.class, () -> p.destroy(id), id);
            assertTrue(e.getMessage().startsWith("Invalid instance ID"), e.getMessage());
            assertThrows(PluginException.class, () -> p.label(id, Map.of("x", "y")), id);
        }
        assertThrows(PluginException.class, () -> p.destroy(null));
        assertEquals("keep me", Files.readString(outside));
        Files.delete(outside);
    }

    @Test
    void readsFilesOfTheGoPluginAndSkipsWhatIsNotAnInstance() throws Exception {
        Files.writeString(dir.resolve("instance-1500000000.tf.json"), "{\n  \"resource\": {\n    \"aws_instance\": {\n      \"instance-1500000000\": {\n"
                + "        \"ami\": \"ami-1\",\n        \"tags\": {\n          \"Name\": \"instance-1500000000\",\n          \"infrakit.group\": \"g\"\n        }\n      }\n    }\n  }\n}");
        Files.writeString(dir.resolve("instance-1500000001.tf.json"), "{\"resource\":{\"softlayer_virtual_guest\":{\"instance-1500000001\":"
                + "{\"tags\":[\"Name:instance-1500000001\",\"infrakit.group:g\"]}}}}");
        Files.writeString(dir.resolve("instance-2.tf.json"), "{not json");
        Files.writeString(dir.resolve("instance-3.tf.json"), "{\"resource\":{\"terraform_data\":{\"other-name\":{}}}}");
        Files.writeString(dir.resolve("main.tf.json"), "{\"resource\":{}}");
        assertEquals(List.of(new Description("instance-1500000000", null, Map.of("Name", "instance-1500000000", "infrakit.group", "g")),
                        new Description("instance-1500000001", null, Map.of("Name", "instance-1500000001", "infrakit.group", "g"))),
                plugin().describeInstances(Map.of("infrakit.group", "g")));
    }

    @Test
    void labelOfAFileTheGoPluginWroteMergesIntoItsTags() throws Exception {
        Path fake = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-ok-terraform"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        try {
            Files.writeString(dir.resolve("instance-1500000001.tf.json"), "{\"resource\":{\"softlayer_virtual_guest\":{\"instance-1500000001\":"
                    + "{\"image\":\"ubuntu\",\"tags\":[\"Name:instance-1500000001\",\"tier:web\"]}}}}");
            TerraformInstancePlugin p = new TerraformInstancePlugin(dir, JSON, fake.toString(), Duration.ofSeconds(10), Map.of(), () -> NOW);
            p.label("instance-1500000001", Map.of("tier", "db", "color", "blue"));
            Map<String, String> tags = Map.of("Name", "instance-1500000001", "tier", "db", "color", "blue");
            assertEquals(List.of(new Description("instance-1500000001", null, tags)), p.describeInstances(null));
            String file = JSON.encode(JSON.decode(new RawJson(Files.readString(dir.resolve("instance-1500000001.tf.json"))), Map.class)).json();
            assertTrue(file.contains("\"image\":\"ubuntu\"") && file.contains("\"tags\":[\"Name:instance-1500000001\",\"color:blue\",\"tier:db\"]"), file);
        } finally {
            Files.delete(fake);
        }
    }

    @Test
    void theExampleGroupsPropertiesProvisionAsTheyAre() throws Exception {
        Map<?, ?> group = JSON.decode(new RawJson(Files.readString(Path.of("../../examples/terraform.json"))), Map.class);
        Map<?, ?> instance = (Map<?, ?>) ((Map<?, ?>) group.get("Properties")).get("Instance");
        assertEquals("instance-terraform", instance.get("Plugin"));
        RawJson properties = JSON.encode(instance.get("Properties"));
        TerraformInstancePlugin p = plugin();
        p.validate(properties);
        String id = p.provision(new InstanceSpec(properties, Map.of("infrakit.group", "terraform"), "echo hello from terraform", null, null));
        assertEquals(List.of("terraform_data." + id), p.stateList());
        assertTrue(state().contains("\"init\":\"echo hello from terraform\""), state());
    }

    @Test
    void tagsAndInitArePlacedAsTheGoPluginDidForTheTypesItKnew() {
        Map<String, String> tags = new java.util.TreeMap<>(Map.of("Name", "instance-1", "g", "x"));
        assertEquals(Map.of("ami", "a", "tags", Map.of("Name", "instance-1", "g", "x", "own", "1"), "user_data", "mine\nboot"),
                Placement.body("aws_instance", Map.of("ami", "a", "tags", Map.of("own", "1", "g", "old"), "user_data", "mine"), "instance-1", tags, "boot", null));
        assertEquals(Map.of("tags", Map.of("Name", "instance-1", "g", "x"), "user_data", "boot"),
                Placement.body("digitalocean_droplet", Map.of(), "instance-1", tags, "boot", null));
        assertEquals(Map.of("tags", Map.of("Name", "instance-1", "g", "x"), "metadata_startup_script", "boot"),
                Placement.body("google_compute_instance", Map.of(), "instance-1", tags, "boot", "lid"));
        assertEquals(Map.of("tags", Map.of("Name", "instance-1", "g", "x"), "os_profile", Map.of("admin_username", "u", "custom_data", "boot")),
                Placement.body("azurerm_virtual_machine", Map.of("os_profile", Map.of("admin_username", "u")), "instance-1", tags, "boot", null));
        assertEquals(Map.of("tags", List.of("own:1", "Name:instance-1", "g:x"), "hostname", "instance-1", "user_metadata", "boot"),
                Placement.body("softlayer_virtual_guest", Map.of("tags", List.of("own:1", "g:old")), "instance-1", tags, "boot", null));
        assertEquals(Map.of("input", Map.of("tags", Map.of("Name", "instance-1", "g", "x"), "init", "boot", "logical_id", "lid")),
                Placement.body("terraform_data", Map.of(), "instance-1", tags, "boot", "lid"));
        assertEquals(Map.of("content", "c"), Placement.body("local_file", Map.of("content", "c"), "instance-1", tags, "boot", "lid"),
                "an unknown type's body is left alone (its provider would refuse other attributes)");
    }

    @Test
    void appliesNeverRunTwoAtOnceEvenFromTwoPluginsOnOneDirectory() throws Exception {
        // a stand-in terraform that notices when another copy of it is running
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path fake = Files.writeString(bin.resolve("terraform"), "#!/bin/sh\n"
                + "mkdir ../running 2>/dev/null || echo \"$1\" >> ../overlaps\nsleep 0.05\nrmdir ../running\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path work = Files.createDirectory(dir.resolve("work"));
        List<TerraformInstancePlugin> plugins = List.of(plugin(work, fake.toString(), Map.of()), plugin(work, fake.toString(), Map.of()));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                TerraformInstancePlugin p = plugins.get(i % 2);
                ids.add(pool.submit((Callable<String>) () -> p.provision(spec(DATA, Map.of(), "", null))));
            }
            List<String> got = new ArrayList<>();
            for (Future<String> f : ids) {
                got.add(f.get());
            }
            assertEquals(6, got.stream().distinct().count(), got.toString());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(Files.notExists(dir.resolve("overlaps")), () -> "terraform ran twice at once: " + read(dir.resolve("overlaps")));
        assertEquals(6, plugins.get(0).describeInstances(null).size());
    }

    @Test
    void anotherProcessHoldingTheLockFileHoldsTheApplyBack() throws Exception {
        Path fake = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-ok-terraform"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        TerraformInstancePlugin p = new TerraformInstancePlugin(dir, JSON, fake.toString(), Duration.ofSeconds(10), Map.of(), () -> NOW);
        // a POSIX (fcntl) lock, the kind Java's FileLock takes, held by another process until its stdin closes
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys\nf = open(sys.argv[1], 'a')\nfcntl.lockf(f, fcntl.LOCK_EX)\n"
                + "print('locked', flush=True)\nsys.stdin.read()", dir.resolve(Terraform.LOCK_FILE).toString()).start();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertEquals("locked", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine());
            Future<String> id = pool.submit(() -> p.provision(spec(DATA, Map.of(), "", null)));
            assertThrows(java.util.concurrent.TimeoutException.class, () -> id.get(300, java.util.concurrent.TimeUnit.MILLISECONDS));
            assertEquals(List.of(), p.describeInstances(null), "nothing is written while another process holds the lock");
            holder.getOutputStream().close();
            assertEquals("instance-" + NOW, id.get(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            holder.destroyForcibly();
            pool.shutdownNow();
            Files.delete(fake);
        }
    }

    @Test
    void aHangingTerraformIsKilledAfterTheTimeout() throws Exception {
        Path fake = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-slow-terraform"), "#!/bin/sh\necho started\nexec sleep 30\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        try {
            TerraformInstancePlugin p = new TerraformInstancePlugin(dir, JSON, fake.toString(), Duration.ofSeconds(1), Map.of(), () -> NOW);
            PluginException e = assertThrows(PluginException.class, () -> p.provision(spec(DATA, null, "", null)));
            assertTrue(e.getMessage().contains("did not finish within 1 s and was killed: started"), e.getMessage());
            assertEquals(List.of(), p.describeInstances(null));
        } finally {
            Files.delete(fake);
        }
    }

    @Test
    void errorTailsKeepTheEndOfLongOutput() {
        String tail = Terraform.tail("x".repeat(10_000) + "\n│ Error: the end\n");
        assertTrue(tail.endsWith("Error: the end") && tail.length() == Terraform.TAIL_CHARS + 3, tail.substring(tail.length() - 20));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.getMessage();
        }
    }

    @Test
    void withoutTheCodecServiceCallsFailClearlyAndLeaveTheInstancesAlone() throws Exception {
        Path file = dir.resolve("instance-1.tf.json");
        new InstanceFiles(dir).write(JSON, file, "terraform_data", "instance-1", Map.of("input", "x"),
                new InstanceFiles.Meta("instance-1", null, Map.of("g", "a"), null));
        String content = Files.readString(file);
        TerraformInstancePlugin plugin = new TerraformInstancePlugin(dir, null, "terraform", Duration.ofSeconds(60), System.getenv(), () -> NOW);
        String expected = "The JSON codec service is not available (is the infrakit rpc bundle running?)";

        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.describeInstances(Map.of())).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.label("instance-1", Map.of("k", "v"))).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.validate(new RawJson(DATA))).getMessage());
        assertEquals(expected, assertThrows(PluginException.class, () -> plugin.provision(spec(DATA, Map.of(), "", null))).getMessage());
        assertEquals(content, Files.readString(file));
        assertEquals(List.of(file), Files.list(dir).toList(), "no file made or removed");

        JsonCodec old = new WireJsonCodec();
        JsonCodec updated = new WireJsonCodec();
        plugin.setJson(old);
        // an updated rpc bundle: greedy, so its codec is bound before the old one is unbound
        plugin.setJson(updated);
        plugin.unsetJson(old);
        assertEquals(List.of(new Description("instance-1", null, Map.of("g", "a"))), plugin.describeInstances(Map.of()));
        plugin.unsetJson(updated);
        assertThrows(PluginException.class, () -> plugin.describeInstances(Map.of()));
    }

    @Test
    void theRpcBundlesServicesAreDynamicOptionalReferencesSoUpdatingItLeavesThePluginActive() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + TerraformInstancePlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<reference name=\"Json\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.JsonCodec\""
                + " bind=\"setJson\" unbind=\"unsetJson\" policy-option=\"greedy\"/>"), xml);
        assertEquals(1, xml.split("<reference ", -1).length - 1, xml);
    }
}
