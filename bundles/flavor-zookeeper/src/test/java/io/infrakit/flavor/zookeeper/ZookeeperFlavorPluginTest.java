package io.infrakit.flavor.zookeeper;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZookeeperFlavorPluginTest {

    private static final Allocation THREE = Allocation.ofLogicalIDs(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    private static final Allocation LOCAL = Allocation.ofLogicalIDs(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));

    private final ZookeeperFlavorPlugin zk = new ZookeeperFlavorPlugin(new WireJsonCodec(), List.of("/usr/bin/zk server", "it's"), 1000);

    private String rejected(String properties, Allocation allocation) {
        return assertThrows(PluginException.class, () -> zk.validate(RawJson.of(properties), allocation)).getMessage();
    }

    @Test
    void validateAcceptsTheOriginalsPropertiesAndTheNewMode() throws Exception {
        zk.validate(new RawJson("{\"Type\":\"member\"}"), THREE);
        zk.validate(new RawJson("{\"Type\":\"member\",\"UseDocker\":true}"), THREE);
        zk.validate(new RawJson("{\"type\":\"member\",\"Mode\":\"process\",\"ClientPort\":2281}"), LOCAL);
    }

    @Test
    void validateNamesTheBadField() {
        assertTrue(rejected("{}", THREE).contains("Type must be 'member'"));
        assertTrue(rejected(null, THREE).contains("Type"));
        assertTrue(rejected("{\"Type\":\"observer\"}", THREE).contains("Type must be 'member', not 'observer'"));
        assertTrue(rejected("{\"Type\":\"member\",\"Mode\":\"ssh\"}", THREE).contains("Mode must be 'apt', 'docker' or 'process'"));
        assertTrue(rejected("{\"Type\":\"member\",\"UseDocker\":true,\"Mode\":\"process\"}", LOCAL).contains("UseDocker"));
        assertTrue(rejected("{\"Type\":\"member\",\"ClientPort\":70000}", THREE).contains("ClientPort must be between 1 and 65535"));
        Map<String, String> shape = Map.of(
                "{\"Type\":\"member\",\"ClientPort\":\"2181\"}", "flavor-zookeeper: Properties.ClientPort: expected a whole number, got \"2181\"",
                "{\"Type\":\"member\",\"ClientPort\":21.81}", "flavor-zookeeper: Properties.ClientPort: expected a whole number, got 21.81",
                "{\"Type\":\"member\",\"UseDocker\":\"yes\"}", "flavor-zookeeper: Properties.UseDocker: expected true or false, got \"yes\"",
                "{\"Type\":[\"member\"]}", "flavor-zookeeper: Properties.Type: expected a string, got an array",
                "{\"Type\":\"member\",\"Port\":2181}", "flavor-zookeeper: unknown key Properties.Port (the keys there are ClientPort, Mode, Type, UseDocker)",
                "{\"Type\":\"member\",\"ClientPrt\":2181}", "flavor-zookeeper: unknown key Properties.ClientPrt: did you mean ClientPort?",
                "{\"Type\":\"member\",\"useDoker\":true}", "flavor-zookeeper: unknown key Properties.useDoker: did you mean useDocker?",
                "[\"member\"]", "flavor-zookeeper: Properties: expected an object, got an array");
        for (Map.Entry<String, String> c : shape.entrySet()) {
            assertEquals(c.getValue(), rejected(c.getKey(), THREE), c.getKey());
        }
    }

    @Test
    void validateNeedsLogicalIDsThatAreIPv4Addresses() {
        assertEquals("IP addresses are required as LogicalIDs for a ZooKeeper ensemble", rejected("{\"Type\":\"member\"}", Allocation.ofSize(3)));
        for (String hostile : List.of("10.0.0.1; rm -rf /", "$(reboot)", "'x'", "zk1.example.com", "10.0.0.256", "10.0.0", "010.0.0.1", "10.0.0.1\n")) {
            String message = rejected("{\"Type\":\"member\"}", Allocation.ofLogicalIDs(List.of("10.0.0.1", hostile)));
            assertTrue(message.startsWith("Invalid LogicalIDs: '" + hostile + "' is not an IPv4 address"), message);
        }
        assertTrue(rejected("{\"Type\":\"member\"}", Allocation.ofLogicalIDs(List.of("10.0.0.1", "10.0.0.1")))
                .contains("'10.0.0.1' appears more than once"));
        assertTrue(rejected("{\"Type\":\"member\",\"Mode\":\"process\"}", THREE).contains("'10.0.0.1' is not a loopback address 127.x.x.x"));
    }

    @Test
    void aptModeReplacesInitWithTheOriginalsScript() throws Exception {
        InstanceSpec in = new InstanceSpec(null, Map.of("infrakit.group", "zk"), "echo before", "10.0.0.2", null);
        InstanceSpec out = zk.prepare(new RawJson("{\"Type\":\"member\"}"), in, THREE);
        assertEquals(Map.of("infrakit.group", "zk", "zookeeper-myid", "2"), out.tags());
        assertEquals("10.0.0.2", out.logicalID());
        String init = out.init();
        assertFalse(init.contains("echo before"), "Init is replaced, not appended to");
        assertTrue(init.contains("apt-get install -y default-jre-headless zookeeperd\n"), init);
        for (String line : List.of("clientPort=2181", "dataDir=/var/lib/zookeeper", "4lw.commands.whitelist=srvr,ruok",
                "server.1=10.0.0.1:2888:3888", "server.2=10.0.0.2:2888:3888", "server.3=10.0.0.3:2888:3888")) {
            assertTrue(init.contains("  printf '%s\\n' '" + line + "'\n"), line + " in\n" + init);
        }
        assertTrue(init.contains("} > /etc/zookeeper/conf/zoo.cfg\n"), init);
        assertTrue(init.contains("printf '%s\\n' '2' > /var/lib/zookeeper/myid\n"), init);
        assertTrue(init.endsWith("systemctl reload-or-restart zookeeper\n"), init);
    }

    @Test
    void dockerModeListsItselfOnAllInterfaces() throws Exception {
        InstanceSpec out = zk.prepare(new RawJson("{\"Type\":\"member\",\"UseDocker\":true}"),
                new InstanceSpec(null, null, "", "10.0.0.3", null), THREE);
        assertTrue(out.init().contains("docker run -d --name zk --restart always -p '2181:2181' -p 2888:2888 -p 3888:3888"
                + " -e 'ZOO_MY_ID=3'"
                + " -e 'ZOO_SERVERS=server.1=10.0.0.1:2888:3888 server.2=10.0.0.2:2888:3888 server.3=0.0.0.0:2888:3888'"), out.init());
        assertEquals("3", out.tags().get(ZookeeperFlavorPlugin.MYID_TAG));
    }

    @Test
    void prepareNeedsOneOfTheGroupsLogicalIDs() {
        RawJson member = new RawJson("{\"Type\":\"member\"}");
        PluginException none = assertThrows(PluginException.class, () -> zk.prepare(member, new InstanceSpec(null, null, "", null, null), THREE));
        assertTrue(none.getMessage().contains("needs a LogicalID"), none.getMessage());
        PluginException other = assertThrows(PluginException.class, () -> zk.prepare(member, new InstanceSpec(null, null, "", "10.0.0.9", null), THREE));
        assertTrue(other.getMessage().contains("'10.0.0.9' is not one of the group's LogicalIDs"), other.getMessage());
        PluginException hostile = assertThrows(PluginException.class,
                () -> zk.prepare(member, new InstanceSpec(null, null, "", "$(id)", null), Allocation.ofLogicalIDs(List.of("$(id)"))));
        assertTrue(hostile.getMessage().startsWith("Invalid LogicalIDs: '$(id)'"), hostile.getMessage());
    }

    @Test
    void processModeScriptWritesZooCfgAndMyidThenExecsTheQuotedCommand() throws Exception {
        String init = zk.prepare(new RawJson("{\"Type\":\"member\",\"Mode\":\"process\",\"ClientPort\":2281}"),
                new InstanceSpec(null, null, "", "127.0.0.2", null), LOCAL).init();
        assertTrue(init.endsWith("exec '/usr/bin/zk server' 'it'\\''s' \"$PWD/zoo.cfg\"\n"), init);
    }

    @Test
    void processModeScriptRunsUnderShInTheWorkingDirectory(@TempDir Path dir) throws Exception {
        // the "server" is cat: the instance's process then prints the zoo.cfg it was given
        ZookeeperFlavorPlugin cat = new ZookeeperFlavorPlugin(new WireJsonCodec(), List.of("/bin/cat"), 1000);
        String init = cat.prepare(new RawJson("{\"Type\":\"member\",\"Mode\":\"process\"}"),
                new InstanceSpec(null, null, "", "127.0.0.3", null), LOCAL).init();
        Files.writeString(dir.resolve("init.sh"), init);
        Process sh = new ProcessBuilder("/bin/sh", "init.sh").directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
        String printed = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, sh.exitValue(), printed);
        String real = dir.toRealPath().toString();
        assertEquals("dataDir=" + real + "/data\ntickTime=2000\ninitLimit=10\nsyncLimit=5\nclientPort=2181\nclientPortAddress=127.0.0.3\n"
                + "admin.enableServer=false\n4lw.commands.whitelist=srvr,ruok\n"
                + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\nserver.3=127.0.0.3:2888:3888\n", printed);
        assertEquals(printed, Files.readString(dir.resolve("zoo.cfg")));
        assertEquals("3\n", Files.readString(dir.resolve("data/myid")));
    }

    @Test
    void quotingSurvivesTheShell() throws Exception {
        for (String word : List.of("plain", "it's", "$(id) `id` \"x\" \\ ;|&", "")) {
            Process sh = new ProcessBuilder("/bin/sh", "-c", "printf '%s' " + InitScripts.quote(word)).start();
            assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
            assertEquals(word, new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void configurationIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ZookeeperFlavorPlugin(new WireJsonCodec(), List.of(), 1000));
        assertThrows(IllegalArgumentException.class, () -> new ZookeeperFlavorPlugin(new WireJsonCodec(), List.of("zk"), 0));
    }

    @Test
    void withoutTheCodecServiceCallsFailClearlyAndTheNextCodecIsPickedUp() throws Exception {
        ZookeeperFlavorPlugin plugin = new ZookeeperFlavorPlugin(null, List.of("zk"), 1000);
        RawJson member = new RawJson("{\"Type\":\"member\"}");
        PluginException e = assertThrows(PluginException.class, () -> plugin.validate(member, THREE));
        assertEquals("The JSON codec service is not available (is the infrakit rpc bundle running?)", e.getMessage());

        JsonCodec old = new WireJsonCodec();
        JsonCodec updated = new WireJsonCodec();
        plugin.setJson(old);
        // an updated rpc bundle: greedy, so its codec is bound before the old one is unbound
        plugin.setJson(updated);
        plugin.unsetJson(old);
        plugin.validate(member, THREE);
        plugin.unsetJson(updated);
        assertThrows(PluginException.class, () -> plugin.prepare(member, new InstanceSpec(null, null, "", "10.0.0.1", null), THREE));
    }

    @Test
    void theRpcBundlesServicesAreDynamicOptionalReferencesSoUpdatingItLeavesThePluginActive() throws Exception {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/" + ZookeeperFlavorPlugin.class.getName() + ".xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("<reference name=\"Json\" cardinality=\"0..1\" policy=\"dynamic\" interface=\"io.infrakit.spi.JsonCodec\""
                + " bind=\"setJson\" unbind=\"unsetJson\" policy-option=\"greedy\"/>"), xml);
        assertEquals(1, xml.split("<reference ", -1).length - 1, xml);
    }
}
