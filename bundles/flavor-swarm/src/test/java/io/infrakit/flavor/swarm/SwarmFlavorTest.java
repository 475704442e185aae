package io.infrakit.flavor.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerException;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Attachment;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

class SwarmFlavorTest {

    static final String HOST = "unix:///fake/docker.sock";
    static final String WORKER_PROPS = "{\"SwarmJoinIP\":\"10.0.0.5\"}";
    static final Allocation THREE = Allocation.ofLogicalIDs(List.of("10.0.0.5", "10.0.0.6", "10.0.0.7"));

    final FakeEngine engine = new FakeEngine();

    SwarmFlavor flavor(SwarmFlavor.Role role) {
        return new SwarmFlavor(role, HOST, null, new SwarmApi(() -> engine, WireJsonCodec::new));
    }

    static PluginException invalid(SwarmFlavor flavor, String props, Allocation allocation) {
        return assertThrows(PluginException.class, () -> flavor.validate(new RawJson(props), allocation));
    }

    @Test
    void validateAcceptsTheOriginalsProperties() throws Exception {
        flavor(SwarmFlavor.Role.MANAGER).validate(new RawJson("{\"SwarmJoinIP\":\"10.0.0.5\",\"Docker\":{\"Host\":\"unix:///var/run/docker.sock\"},"
                + "\"Attachments\":{\"10.0.0.5\":[{\"ID\":\"vol-1\",\"Type\":\"ebs\"}]}}"), THREE);
        flavor(SwarmFlavor.Role.WORKER).validate(null, Allocation.ofSize(3));
        assertTrue(engine.calls.isEmpty(), "Validate does not need the engine: " + engine.calls);
    }

    @Test
    void validateRejectsWhatIsNotSupportedNamingTheField() {
        SwarmFlavor worker = flavor(SwarmFlavor.Role.WORKER);
        assertTrue(invalid(worker, "{\"Docker\":{\"Host\":\"unix:///s\",\"TLS\":{\"CAFile\":\"/ca.pem\"}}}", Allocation.ofSize(1))
                .getMessage().startsWith("Docker.TLS is not supported"));
        assertEquals("Docker.Host tcp://10.0.0.5:4243 is not supported: only unix:// addresses are",
                invalid(worker, "{\"Docker\":{\"Host\":\"tcp://10.0.0.5:4243\"}}", Allocation.ofSize(1)).getMessage());
        assertEquals("InitScriptTemplateURL http://example.com/w.sh is not supported: only file: URLs are",
                invalid(worker, "{\"InitScriptTemplateURL\":\"http://example.com/w.sh\"}", Allocation.ofSize(1)).getMessage());
        assertTrue(invalid(worker, "{\"InitScriptTemplateURL\":\"file:///no/such/template.sh\"}", Allocation.ofSize(1))
                .getMessage().startsWith("InitScriptTemplateURL file:///no/such/template.sh: "));
        assertEquals("flavor-swarm: Properties.SwarmJoinIP: expected a string, got 5", invalid(worker, "{\"SwarmJoinIP\":5}", Allocation.ofSize(1)).getMessage());
        assertEquals("flavor-swarm: unknown key Properties.SwarmJoinIp2: did you mean SwarmJoinIP?",
                invalid(worker, "{\"SwarmJoinIp2\":\"10.0.0.5\"}", Allocation.ofSize(1)).getMessage());
        assertEquals("flavor-swarm: unknown key Properties.Docker.Hots: did you mean Host?",
                invalid(worker, "{\"Docker\":{\"Hots\":\"unix:///s\"}}", Allocation.ofSize(1)).getMessage());
        assertEquals("flavor-swarm: Properties.Attachments[\"10.0.0.5\"]: expected an array, got an object",
                invalid(worker, "{\"Attachments\":{\"10.0.0.5\":{\"ID\":\"v\",\"Type\":\"ebs\"}}}", THREE).getMessage());
        assertEquals("flavor-swarm: unknown key Properties.Attachments[\"10.0.0.5\"][0].Typ: did you mean Type?",
                invalid(worker, "{\"Attachments\":{\"10.0.0.5\":[{\"ID\":\"v\",\"Typ\":\"ebs\"}]}}", THREE).getMessage());
        assertEquals("flavor-swarm: Properties: expected an object, got an array", invalid(worker, "[]", Allocation.ofSize(1)).getMessage());
        assertEquals("Attachments: 10.0.0.9 is not one of Allocation.LogicalIDs",
                invalid(worker, "{\"Attachments\":{\"10.0.0.9\":[{\"ID\":\"v\",\"Type\":\"ebs\"}]}}", THREE).getMessage());
        assertEquals("Attachments: 10.0.0.5: attachment v has Type 'nfs', only ebs is supported",
                invalid(worker, "{\"Attachments\":{\"10.0.0.5\":[{\"ID\":\"v\",\"Type\":\"nfs\"}]}}", THREE).getMessage());
        assertEquals("Attachments: attachment ID v is used twice",
                invalid(worker, "{\"Attachments\":{\"10.0.0.5\":[{\"ID\":\"v\",\"Type\":\"ebs\"}],\"10.0.0.6\":[{\"ID\":\"v\",\"Type\":\"ebs\"}]}}", THREE).getMessage());
        assertEquals("Allocation.LogicalIDs must be unique: a appears twice",
                invalid(worker, "{}", Allocation.ofLogicalIDs(List.of("a", "b", "a"))).getMessage());
    }

    @Test
    void managersNeedAnOddQuorumAndTheJoinIP() {
        SwarmFlavor manager = flavor(SwarmFlavor.Role.MANAGER);
        assertEquals("Allocation.LogicalIDs must have odd number for quorum, not 2",
                invalid(manager, WORKER_PROPS, Allocation.ofLogicalIDs(List.of("10.0.0.5", "10.0.0.6"))).getMessage());
        assertEquals("Allocation.LogicalIDs must have odd number for quorum, not 0", invalid(manager, WORKER_PROPS, Allocation.ofSize(3)).getMessage());
        assertTrue(invalid(manager, "{}", THREE).getMessage().startsWith("SwarmJoinIP is required for managers"));
    }

    @Test
    void aWorkerJoinsWithTheWorkerTokenAtTheManagersAddressAndIsTagged() throws Exception {
        InstanceSpec in = new InstanceSpec(new RawJson("{\"Box\":\"b\"}"), Map.of("infrakit.group", "workers"), "", null, null);
        InstanceSpec out = flavor(SwarmFlavor.Role.WORKER).prepare(new RawJson(WORKER_PROPS), in, Allocation.ofSize(2));

        assertEquals(List.of("GET /info", "GET /swarm"), engine.calls);
        assertEquals(List.of(HOST, HOST), engine.hosts);
        String link = out.tags().get("infrakit-link");
        assertTrue(link.matches("[A-Za-z0-9]{16}"), link);
        assertEquals(Map.of("infrakit.group", "workers", "swarm-id", FakeEngine.SWARM_ID, "infrakit-link", link,
                "infrakit-link-context", "swarm/" + FakeEngine.SWARM_ID + "/worker"), out.tags());
        assertTrue(out.init().startsWith("#!/bin/sh\n"), out.init());
        assertTrue(out.init().contains("\ndocker swarm join --token '" + FakeEngine.WORKER_TOKEN + "' '10.0.0.5:2377'\n"), out.init());
        assertTrue(out.init().contains("printf '%s\\n' '{\"labels\": [\"infrakit-link=" + link + "\",\"infrakit-link-context=swarm/"
                + FakeEngine.SWARM_ID + "/worker\"]}' > /etc/docker/daemon.json"), out.init());
        assertEquals(new RawJson("{\"Box\":\"b\"}"), out.properties());
        // a fresh link per instance
        assertFalse(link.equals(flavor(SwarmFlavor.Role.WORKER).prepare(new RawJson(WORKER_PROPS), in, Allocation.ofSize(2)).tags().get("infrakit-link")));
    }

    @Test
    void managersJoinAtSwarmJoinIPOrInitTheSwarmAndGetTheirAttachments() throws Exception {
        String props = "{\"SwarmJoinIP\":\"10.0.0.5\",\"Attachments\":{\"10.0.0.6\":[{\"ID\":\"vol-6\",\"Type\":\"ebs\"}]}}";
        InstanceSpec joining = flavor(SwarmFlavor.Role.MANAGER).prepare(new RawJson(props), new InstanceSpec(null, null, "", "10.0.0.6", null), THREE);
        assertTrue(joining.init().contains("if [ 'false' = true ]; then"), joining.init());
        assertTrue(joining.init().contains("docker swarm join --token '" + FakeEngine.MANAGER_TOKEN + "' '10.0.0.5:2377'"), joining.init());
        assertEquals("swarm/" + FakeEngine.SWARM_ID + "/manager", joining.tags().get("infrakit-link-context"));
        assertEquals(List.of(new Attachment("vol-6", "ebs")), joining.attachments());
        assertEquals("10.0.0.6", joining.logicalID());

        // the swarm does not exist yet: the manager at SwarmJoinIP initializes it, without asking for tokens
        engine.answers.put("GET /info", FakeEngine.INACTIVE);
        engine.calls.clear();
        InstanceSpec first = flavor(SwarmFlavor.Role.MANAGER).prepare(new RawJson(props), new InstanceSpec(null, null, "", "10.0.0.5", null), THREE);
        assertEquals(List.of("GET /info"), engine.calls);
        assertTrue(first.init().contains("if [ 'true' = true ]; then"), first.init());
        assertTrue(first.init().contains("docker swarm init --advertise-addr '10.0.0.5'"), first.init());
        assertEquals("?", first.tags().get("swarm-id"));
        assertEquals(null, first.attachments());
        // ... and any other can not be prepared until it does
        PluginException e = assertThrows(PluginException.class, () -> flavor(SwarmFlavor.Role.MANAGER)
                .prepare(new RawJson(props), new InstanceSpec(null, null, "", "10.0.0.6", null), THREE));
        assertTrue(e.getMessage().startsWith("The Docker engine at " + HOST + " is not part of a swarm (LocalNodeState inactive)"), e.getMessage());
    }

    @Test
    void everyValueIsOneQuotedShellWord(@TempDir Path dir) throws Exception {
        String hostile = "x'; touch " + dir.resolve("pwned") + "; echo '$(id)`id`\"\n";
        engine.answers.put("GET /swarm", FakeEngine.SWARM.replace(FakeEngine.WORKER_TOKEN, hostile.replace("\"", "\\\"").replace("\n", "\\n")));
        Path template = Files.writeString(dir.resolve("t.sh"), "printf '[%s]\\n' {{JOIN_TOKEN}} {{SWARM_JOIN_IP}} {{ LOGICAL_ID }} {{INFRAKIT_LINK_CONTEXT}}\n");
        String props = "{\"SwarmJoinIP\":\"$(rm -rf /) ' \\\\\",\"InitScriptTemplateURL\":\"" + template.toUri() + "\"}";
        InstanceSpec out = flavor(SwarmFlavor.Role.WORKER).prepare(new RawJson(props), new InstanceSpec(null, null, "", "a b", null), Allocation.ofSize(1));

        // run the script: each value comes out as exactly one argument, with nothing executed
        Process sh = new ProcessBuilder("/bin/sh", "-c", out.init()).redirectErrorStream(true).start();
        assertTrue(sh.waitFor(10, TimeUnit.SECONDS));
        String printed = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("[" + hostile + "]\n[$(rm -rf /) ' \\]\n[a b]\n[swarm/" + FakeEngine.SWARM_ID + "/worker]\n", printed);
        assertFalse(Files.exists(dir.resolve("pwned")));
        assertEquals("'it'\\''s'", InitScript.quote("it's"));
    }

    @Test
    void templatesWithUnknownPlaceholdersAreRejected(@TempDir Path dir) throws Exception {
        Path template = Files.writeString(dir.resolve("t.sh"), "docker swarm join {{ SWARM_JOIN_TOKENS.Worker }}\n");
        PluginException e = invalid(flavor(SwarmFlavor.Role.WORKER), "{\"InitScriptTemplateURL\":\"" + template.toUri() + "\"}", Allocation.ofSize(1));
        assertTrue(e.getMessage().startsWith("InitScriptTemplateURL " + template.toUri() + ": unknown placeholder {{SWARM_JOIN_TOKENS.Worker}}"), e.getMessage());
    }

    @Test
    void prepareSurfacesTheEnginesError() {
        engine.errors.put("GET /swarm", new DockerException(503, FakeEngine.NOT_MANAGER));
        PluginException e = assertThrows(PluginException.class, () -> flavor(SwarmFlavor.Role.WORKER)
                .prepare(new RawJson(WORKER_PROPS), new InstanceSpec(null, null, "", null, null), Allocation.ofSize(1)));
        assertEquals(FakeEngine.NOT_MANAGER, e.getMessage());
    }

    @Test
    void healthComesFromTheNodeListByTheLinkLabel() throws Exception {
        SwarmFlavor worker = flavor(SwarmFlavor.Role.WORKER);
        assertEquals(Health.UNHEALTHY, worker.healthy(null, new Description("i-1", null, Map.of("infrakit.group", "g"))));
        assertTrue(engine.calls.isEmpty());

        Description joined = new Description("i-2", null, Map.of("infrakit-link", "abcdefgh12345678"));
        assertEquals(Health.UNKNOWN, worker.healthy(null, joined));
        assertEquals(List.of("GET /nodes?filters=%7B%22label%22%3A%5B%22infrakit-link%3Dabcdefgh12345678%22%5D%7D",
                "GET /nodes?filters=%7B%22node.label%22%3A%5B%22infrakit-link%3Dabcdefgh12345678%22%5D%7D"), engine.calls);

        engine.nodes("label", "infrakit-link=abcdefgh12345678", "[{\"ID\":\"n7\"}]");
        assertEquals(Health.HEALTHY, worker.healthy(null, joined));
        engine.answers.clear();
        engine.nodes("node.label", "infrakit-link=abcdefgh12345678", "[{\"ID\":\"n7\"}]");
        assertEquals(Health.HEALTHY, flavor(SwarmFlavor.Role.MANAGER).healthy(new RawJson("{\"Docker\":{\"Host\":\"unix:///other.sock\"}}"), joined));
        assertEquals("unix:///other.sock", engine.hosts.get(engine.hosts.size() - 1));

        engine.errors.put("GET /nodes?filters=%7B%22label%22%3A%5B%22infrakit-link%3Dabcdefgh12345678%22%5D%7D", new DockerException(503, FakeEngine.NOT_MANAGER));
        assertEquals(FakeEngine.NOT_MANAGER, assertThrows(PluginException.class, () -> worker.healthy(null, joined)).getMessage());
    }

    @Test
    void drainRemovesAWorkersNodeAndLeavesManagersAlone() throws Exception {
        Description instance = new Description("i-3", null, Map.of("infrakit-link", "L1"));
        flavor(SwarmFlavor.Role.MANAGER).drain(null, instance);
        assertTrue(engine.calls.isEmpty());

        SwarmFlavor worker = flavor(SwarmFlavor.Role.WORKER);
        engine.nodes("label", "infrakit-link=L1", "[{\"ID\":\"n9\"}]");
        worker.drain(null, instance);
        assertEquals("DELETE /nodes/n9?force=true", engine.calls.get(engine.calls.size() - 1));

        String refused = "rpc error: code = FailedPrecondition desc = node n9 is a cluster manager and is a member of the raft cluster. "
                + "It must be demoted to worker before removal";
        engine.errors.put("DELETE /nodes/n9?force=true", new DockerException(400, refused));
        assertEquals("Unable to remove swarm node n9 of i-3: " + refused, assertThrows(PluginException.class, () -> worker.drain(null, instance)).getMessage());

        assertEquals("Unable to drain i-4: no swarm node has the label infrakit-link=L2",
                assertThrows(PluginException.class, () -> worker.drain(null, new Description("i-4", null, Map.of("infrakit-link", "L2")))).getMessage());
        assertEquals("Unable to drain i-5 without an infrakit-link tag",
                assertThrows(PluginException.class, () -> worker.drain(null, new Description("i-5", null, null))).getMessage());
        engine.nodes("label", "infrakit-link=L3", "[{\"ID\":\"a\"},{\"ID\":\"b\"}]");
        assertEquals("Unable to drain i-6: 2 swarm nodes have the label infrakit-link=L3",
                assertThrows(PluginException.class, () -> worker.drain(null, new Description("i-6", null, Map.of("infrakit-link", "L3")))).getMessage());
    }

    @Test
    void theExampleGroupsAreValid() throws Exception {
        com.fasterxml.jackson.databind.JsonNode entries = io.infrakit.rpc.wire.Json.mapper().readTree(Path.of("../../examples/swarm.json").toFile());
        assertEquals(2, entries.size());
        for (com.fasterxml.jackson.databind.JsonNode entry : entries) {
            assertEquals("group", entry.path("Plugin").asText());
            com.fasterxml.jackson.databind.JsonNode group = entry.path("Properties").path("Properties");
            String plugin = group.path("Flavor").path("Plugin").asText();
            SwarmFlavor.Role role = plugin.equals("flavor-swarm/manager") ? SwarmFlavor.Role.MANAGER : SwarmFlavor.Role.WORKER;
            assertEquals("flavor-swarm/" + role.type(), plugin);
            com.fasterxml.jackson.databind.JsonNode allocation = group.path("Allocation");
            Allocation a = allocation.has("LogicalIDs")
                    ? Allocation.ofLogicalIDs(List.of(io.infrakit.rpc.wire.Json.mapper().treeToValue(allocation.get("LogicalIDs"), String[].class)))
                    : Allocation.ofSize(allocation.path("Size").asLong());
            flavor(role).validate(new RawJson(group.path("Flavor").path("Properties").toString()), a);
        }
    }
}
