package io.infrakit.group;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The process plugin of docs/plugin-guide.md ({@code examples/process-plugin/flavor_motd.py}, Python's
 * standard library only) driven by the default group plugin over its socket, through the product's
 * client: the plugin contract is the socket, whatever the language.
 */
class ProcessPluginExampleTest {

    private static final Path SCRIPT = Path.of("../../examples/process-plugin/flavor_motd.py");

    private Path dir;
    private Process python;
    private RpcClient client;
    private Fixture fx;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ikp");
        ProcessBuilder builder = new ProcessBuilder("python3", SCRIPT.toString(), "flavor-motd").redirectErrorStream(true);
        builder.environment().put("INFRAKIT_PLUGINS_DIR", dir.toString());
        python = builder.start();
        // the script prints one line once its socket is listening
        BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertEquals("flavor-motd listening on " + dir.resolve("flavor-motd"), first);
        client = new RpcClient(Duration.ofSeconds(10));
        fx = new Fixture(20, 60_000);
        fx.flavors.put("flavor-motd", client.connect(dir.resolve("flavor-motd"), "", FlavorPlugin.class));
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        fx.close();
        client.close();
        python.destroy();
        python.waitFor();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theGroupConvergesWithAFlavorWrittenInPython() throws Exception {
        fx.plugin.commitGroup(motdGroup(3, "\"it's $(hostname)\""), false);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            GroupDescription d = fx.plugin.describeGroup("cattle");
            return d.converged() && d.instances().size() == 3;
        });
        for (InstanceSpec provisioned : fx.instances.specs.values()) {
            // the message reaches the init script quoted for the shell, and the flavor's tag is there
            assertEquals("echo 'it'\"'\"'s $(hostname)' > /etc/motd", provisioned.init());
            assertEquals("motd", provisioned.tags().get("flavor"));
            assertEquals("cattle", provisioned.tags().get("infrakit.group"));
        }
    }

    @Test
    void theScriptsValidationErrorReachesTheCommitter() {
        PluginException e = assertThrows(PluginException.class, () -> fx.plugin.commitGroup(motdGroup(1, "42"), false));
        assertEquals("Properties.Message must be a non-empty string", e.getMessage());
        assertEquals(0, fx.instances.provisions.get());
    }

    private GroupSpec motdGroup(int size, String messageJson) throws PluginException {
        return fx.json.decode(new RawJson("""
                {"ID":"cattle","Properties":{"Allocation":{"Size":%d},
                 "Instance":{"Plugin":"instance-mem","Properties":{}},
                 "Flavor":{"Plugin":"flavor-motd","Properties":{"Message":%s}}}}""".formatted(size, messageJson)), GroupSpec.class);
    }
}
