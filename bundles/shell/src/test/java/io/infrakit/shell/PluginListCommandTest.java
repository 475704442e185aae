package io.infrakit.shell;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.registry.PluginInfo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.infrakit.shell.Shell.run;
import static io.infrakit.shell.Shell.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginListCommandTest {

    private final FakeRegistry registry = new FakeRegistry();

    @BeforeEach
    void plugins() {
        registry.infos.add(new PluginInfo("flavor-swarm", false,
                List.of(new InterfaceSpec("Flavor", "0.1.0"), new InterfaceSpec("Metadata", "0.1.0")),
                List.of("manager", "worker"), "/home/u/.infrakit/plugins/flavor-swarm", null));
        registry.infos.add(new PluginInfo("group", true, List.of(new InterfaceSpec("Group", "0.1.0")), List.of(),
                "/home/u/.infrakit/plugins/group", null));
        registry.infos.add(new PluginInfo("stale", false, List.of(), List.of(), "/home/u/.infrakit/plugins/stale",
                "connection refused"));
        registry.infos.add(new PluginInfo("instance-mem", true, List.of(new InterfaceSpec("Instance", "0.3.0")), List.of(),
                null, null));
    }

    @Test
    void listsEveryPluginWithKindInterfacesTypesAndSocket() throws Exception {
        PluginListCommand list = wire(new PluginListCommand(), registry);
        list.noFormat = true;

        List<List<String>> rows = List.of(run(list).split("\n")).stream()
                .map(line -> List.of(line.split("\t", -1)).stream().map(String::strip).toList())
                .toList();
        assertEquals(List.of(
                List.of("flavor-swarm", "remote", "Flavor/0.1.0,Metadata/0.1.0", "manager,worker", "/home/u/.infrakit/plugins/flavor-swarm"),
                List.of("group", "local", "Group/0.1.0", "-", "/home/u/.infrakit/plugins/group"),
                List.of("stale", "remote", "error: connection refused", "-", "/home/u/.infrakit/plugins/stale"),
                List.of("instance-mem", "local", "Instance/0.3.0", "-", "-")), rows);
    }

    @Test
    void theFormattedTableHasAHeader() throws Exception {
        String header = run(wire(new PluginListCommand(), registry)).split("\n")[0];

        assertEquals(List.of("NAME", "KIND", "INTERFACES", "TYPES", "SOCKET"),
                List.of(header.split("[|│]")).stream().map(String::strip).toList());
    }

    @Test
    void quietListsTheNames() throws Exception {
        PluginListCommand list = wire(new PluginListCommand(), registry);
        list.quiet = true;

        assertEquals("flavor-swarm\ngroup\nstale\ninstance-mem\n", run(list));
    }

    @Test
    void jsonParsesBack() throws Exception {
        PluginListCommand list = wire(new PluginListCommand(), registry);
        list.json = true;

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> parsed = Shell.CODEC.decode(new RawJson(run(list)), List.class);
        assertEquals(4, parsed.size());
        Map<String, Object> swarm = parsed.get(0);
        assertEquals("flavor-swarm", swarm.get("Name"));
        assertEquals(false, swarm.get("Local"));
        assertEquals(List.of(Map.of("Name", "Flavor", "Version", "0.1.0"), Map.of("Name", "Metadata", "Version", "0.1.0")),
                swarm.get("Interfaces"));
        assertEquals(List.of("manager", "worker"), swarm.get("Types"));
        assertEquals("connection refused", parsed.get(2).get("Error"));
    }

    @Test
    void anEmptyRegistryPrintsOnlyTheHeader() throws Exception {
        registry.infos.clear();
        String[] lines = run(wire(new PluginListCommand(), registry)).split("\n");

        assertEquals(2, lines.length, "header and rule");
        assertTrue(lines[0].startsWith("NAME"));
    }
}
