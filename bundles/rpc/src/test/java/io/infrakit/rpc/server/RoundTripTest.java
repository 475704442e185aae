package io.infrakit.rpc.server;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.wire.CommonMessages.Vendor;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Attachment;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.Manager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every method of every interface, through the client proxies, over a real socket. */
class RoundTripTest {

    private HostFixture fx;
    private final Fakes.Instances instances = new Fakes.Instances("inst");
    private final Fakes.Flavor flavor = new Fakes.Flavor(Health.UNHEALTHY);
    private final Fakes.GroupAndManager group = new Fakes.GroupAndManager();

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(1000);
        fx.register(Spi.INSTANCE, "instance-test", null, instances);
        fx.register(Spi.FLAVOR, "flavor-test", null, flavor);
        fx.register(Spi.GROUP, "group", null, group);
        fx.register(Spi.MANAGER, "group", null, group);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void socketsAreOwnerOnlyInAnOwnerOnlyDirectory() throws Exception {
        assertTrue(SocketFiles.isSocket(fx.socket("instance-test")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.socket("instance-test"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.dir)));
    }

    @Test
    void handshakeListsWhatEachSocketImplements() throws Exception {
        assertEquals(List.of(new InterfaceSpec("Instance", "0.3.0")), fx.client.handshake(fx.socket("instance-test")));
        assertEquals(List.of(new InterfaceSpec("Flavor", "0.1.0")), fx.client.handshake(fx.socket("flavor-test")));
        assertEquals(List.of(new InterfaceSpec("Group", "0.1.0"), new InterfaceSpec("Manager", "0.1.0")),
                fx.client.handshake(fx.socket("group")));
        String both = "{\"APIs\":[{\"Name\":\"Group\",\"Version\":\"0.1.0\"},{\"Name\":\"Manager\",\"Version\":\"0.1.0\"}],"
                + "\"Interfaces\":[{\"Name\":\"Group\",\"Version\":\"0.1.0\"},{\"Name\":\"Manager\",\"Version\":\"0.1.0\"}]}";
        assertEquals(both, fx.client.call(fx.socket("group"), "Handshake.Implements", "{}"));
        assertEquals(both, fx.client.call(fx.socket("group"), "Plugin.Implements", "{}"));
    }

    @Test
    void handshakeAndApiDescriptionNameTheBundleAndItsVersion() throws Exception {
        Map<String, Object> props = Map.of("infrakit.plugin.name", "instance-vendor", "service.id", 4242L);
        fx.local.add(Spi.INSTANCE, props, () -> instances, new Vendor("io.infrakit.example", "1.2.3", null));
        assertEquals("{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.3.0\"}],\"Interfaces\":[{\"Name\":\"Instance\",\"Version\":\"0.3.0\"}],"
                        + "\"Vendor\":{\"Name\":\"io.infrakit.example\",\"Version\":\"1.2.3\",\"URL\":null}}",
                fx.client.call(fx.socket("instance-vendor"), "Handshake.Implements", "{}"));
        String api = new String(ApiDescription.describe(List.of(InstancePlugin.INTERFACE), fx.local.get("instance-vendor").vendor()),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(api.startsWith("{\n  \"Vendor\" : {\n    \"Name\" : \"io.infrakit.example\",\n    \"Version\" : \"1.2.3\""), api);
        // a newer bundle replacing it: the socket now names the new version
        fx.local.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", "instance-vendor", "service.id", 4243L, "service.ranking", 1),
                () -> instances, new Vendor("io.infrakit.example", "1.2.4", null));
        fx.local.remove(Spi.INSTANCE, props);
        assertTrue(fx.client.call(fx.socket("instance-vendor"), "Handshake.Implements", "{}").contains("\"Version\":\"1.2.4\""));
    }

    @Test
    void instanceMethods() throws Exception {
        InstancePlugin remote = fx.client.connect(fx.socket("instance-test"), "", InstancePlugin.class);
        remote.validate(new RawJson("{ \"Note\" : 1.0e0, \"z\":1, \"a\":2 }"));
        assertEquals("{ \"Note\" : 1.0e0, \"z\":1, \"a\":2 }".replace(" ", ""), instances.validated.json(),
                "properties arrive with key order and number spelling intact");
        PluginException bad = assertThrows(PluginException.class, () -> remote.validate(new RawJson("{\"bad\":true}")));
        assertEquals("bad properties", bad.getMessage());

        InstanceSpec spec = new InstanceSpec(new RawJson("{\"Note\":\"x\"}"), Map.of("infrakit.group", "g", "tier", "web"),
                "echo hi", "lid-1", List.of(new Attachment("vol-1", "ebs")));
        String id = remote.provision(spec);
        assertEquals("inst-1", id);
        assertEquals(spec, instances.provisioned.get(0), "the spec arrives whole");

        remote.label(id, Map.of("a", "b"));
        assertTrue(instances.calls.contains("label inst-1 {a=b}"));

        List<Description> all = remote.describeInstances(Map.of());
        assertEquals(List.of(new Description("inst-1", "lid-1", Map.of("infrakit.group", "g", "tier", "web"))), all);
        assertEquals(List.of(), remote.describeInstances(Map.of("tier", "db")));

        remote.destroy(id);
        PluginException missing = assertThrows(PluginException.class, () -> remote.destroy(id));
        assertEquals("no such instance: inst-1", missing.getMessage());
        assertEquals(List.of(), remote.describeInstances(null));
    }

    @Test
    void flavorMethods() throws Exception {
        FlavorPlugin remote = fx.client.connect(fx.socket("flavor-test"), "", FlavorPlugin.class);
        remote.validate(new RawJson("{}"), Allocation.ofLogicalIDs(List.of("a", "b")));
        assertEquals("validate Allocation[size=0, logicalIDs=[a, b]]", flavor.calls.get(0));
        PluginException blank = assertThrows(PluginException.class, () -> remote.validate(null, new Allocation(0, null)));
        assertEquals("Allocation must not be blank", blank.getMessage());

        InstanceSpec prepared = remote.prepare(new RawJson("{}"), new InstanceSpec(null, Map.of("k", "v"), "first", null, null),
                Allocation.ofSize(3));
        assertEquals(new InstanceSpec(null, Map.of("k", "v"), "first\nflavored", null, null), prepared);

        assertEquals(Health.UNHEALTHY, remote.healthy(null, new Description("i-1", null, null)));
        remote.drain(null, new Description("i-1", null, null));
        assertTrue(flavor.calls.contains("drain i-1"));
    }

    @Test
    void groupAndManagerMethodsOnOneSocket() throws Exception {
        GroupPlugin remote = fx.client.connect(fx.socket("group"), "", GroupPlugin.class);
        Manager manager = fx.client.connect(fx.socket("group"), "", Manager.class);
        GroupSpec spec = new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":5}}"));

        assertEquals("Would manage cattle", remote.commitGroup(spec, true));
        assertEquals(List.of(), remote.inspectGroups());
        assertEquals("Managing cattle", remote.commitGroup(spec, false));
        assertEquals(List.of(spec), remote.inspectGroups());
        assertEquals(new GroupDescription(List.of(new Description("cattle-1", null, Map.of("infrakit.group", "cattle"))), true),
                remote.describeGroup("cattle"));
        remote.freeGroup("cattle");
        PluginException unknown = assertThrows(PluginException.class, () -> remote.destroyGroup("cattle"));
        assertEquals("Group 'cattle' is not being watched", unknown.getMessage());

        assertTrue(manager.isLeader());
        group.leader = false;
        assertFalse(manager.isLeader());
    }

    @Test
    void aClientOfTheWrongInterfaceIsRefusedByTheHandshake() {
        InstancePlugin wrong = fx.client.connect(fx.socket("flavor-test"), "", InstancePlugin.class);
        PluginException e = assertThrows(PluginException.class, () -> wrong.describeInstances(Map.of()));
        assertTrue(e.getMessage().startsWith("Plugin does not support interface {Instance 0.3.0}"), e.getMessage());
        assertTrue(instances.calls.isEmpty());
    }

    @Test
    void typesSelectOneOfSeveralPluginsOnOneSocket() throws Exception {
        Fakes.Flavor manager = new Fakes.Flavor(Health.HEALTHY);
        Fakes.Flavor worker = new Fakes.Flavor(Health.UNKNOWN);
        fx.register(Spi.FLAVOR, "flavor-swarm", "manager", manager);
        fx.register(Spi.FLAVOR, "flavor-swarm", "worker", worker);
        Description d = new Description("i", null, null);
        assertEquals(Health.HEALTHY, fx.client.connect(fx.socket("flavor-swarm"), "manager", FlavorPlugin.class).healthy(null, d));
        assertEquals(Health.UNKNOWN, fx.client.connect(fx.socket("flavor-swarm"), "worker", FlavorPlugin.class).healthy(null, d));
        assertEquals("{\"Type\":\"worker\",\"Health\":0}", fx.client.call(fx.socket("flavor-swarm"), "Flavor.Healthy",
                "{\"Type\":\"worker\",\"Instance\":{\"ID\":\"i\"}}"));
        PluginException none = assertThrows(PluginException.class,
                () -> fx.client.connect(fx.socket("flavor-swarm"), "nope", FlavorPlugin.class).healthy(null, d));
        assertEquals("no-plugin:nope", none.getMessage());
        PluginException untyped = assertThrows(PluginException.class,
                () -> fx.client.connect(fx.socket("flavor-swarm"), "", FlavorPlugin.class).healthy(null, d));
        assertEquals("no-plugin:", untyped.getMessage());
    }

    @Test
    void provisionWithoutAnIdAnswersNull() throws Exception {
        fx.register(Spi.INSTANCE, "anonymous", null, new Fakes.Instances("x") {
            @Override
            public String provision(InstanceSpec spec) {
                return null;
            }
        });
        assertEquals("{\"Type\":\"\",\"ID\":null}", fx.client.call(fx.socket("anonymous"), "Instance.Provision", "{}"));
        assertNull(fx.client.connect(fx.socket("anonymous"), "", InstancePlugin.class).provision(
                new InstanceSpec(null, null, null, null, null)));
    }
}
