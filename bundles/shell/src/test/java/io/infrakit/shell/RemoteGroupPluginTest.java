package io.infrakit.shell;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.registry.LocalOrRemoteRegistry;
import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.infrakit.shell.Shell.fail;
import static io.infrakit.shell.Shell.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The commands through the real plugin registry against group plugins in another process (served on sockets):
 * one with GroupControl, and one with Group 0.1.0 only, as a Go group plugin, whose GroupControl proxy fails at its
 * first call.
 */
class RemoteGroupPluginTest {

    private Path base;
    private PluginHost host;
    private LocalOrRemoteRegistry registry;
    private final FakeGroupControl manager = new FakeGroupControl();
    private final FakeGroupPlugin go = new FakeGroupPlugin();

    @BeforeEach
    void start() throws Exception {
        base = Files.createTempDirectory(Path.of("/tmp"), "iks");
        Path dir = base.resolve("plugins");
        LocalPlugins served = new LocalPlugins(1000);
        host = new PluginHost(served, dir, "", 30_000, 1 << 20);
        served.add(Spi.GROUP, Map.of(PluginName.SERVICE_PROPERTY, "group", "service.id", 1L), manager);
        served.add(Spi.GROUP_CONTROL, Map.of(PluginName.SERVICE_PROPERTY, "group", "service.id", 2L), manager);
        served.add(Spi.GROUP, Map.of(PluginName.SERVICE_PROPERTY, "group-go", "service.id", 3L), go);
        // this side has no local plugin: every lookup goes to a socket
        registry = new LocalOrRemoteRegistry(new LocalPlugins(0), null, dir, new RpcClient(Duration.ofSeconds(10)));
        manager.groups.groups.put("cattle", new GroupSpec("cattle", null));
        go.groups.put("workers", new GroupSpec("workers", null));
        manager.answering(new GroupStatus("cattle", 3, 3, 3, 3, "Converged", 2, "sha2", null, null, List.of()));
    }

    @AfterEach
    void stop() throws Exception {
        registry.close();
        host.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void listUsesGroupControlWhenThePluginHasIt() throws Exception {
        GroupListCommand list = wire(new GroupListCommand(), "group");
        list.noFormat = true;
        assertEquals("cattle", run(list).split("\t")[0]);
        assertEquals(List.of("status "), manager.calls);
    }

    @Test
    void listFallsBackToTheIdsOfAGoPlugin() throws Exception {
        GroupListCommand list = wire(new GroupListCommand(), "group-go");
        list.noFormat = true;
        assertEquals("workers\n", run(list));
    }

    @Test
    void aVerbThatNeedsGroupControlNamesWhatTheGoPluginImplements() {
        GroupPauseCommand pause = wire(new GroupPauseCommand(), "group-go");
        pause.id = "workers";
        assertEquals("the group plugin 'group-go' implements Group 0.1.0 only: pause needs GroupControl 0.1.0 "
                + "(an InfraKit for OSGi manager or group plugin)", fail(pause));
    }

    @Test
    void pauseReachesTheRemoteManagerSayingItComesFromTheShell() throws Exception {
        GroupPauseCommand pause = wire(new GroupPauseCommand(), "group");
        pause.id = "cattle";
        assertEquals("Paused the rollout of group cattle: 1 of 3 instances have configuration sha2\n", run(pause));
        assertEquals(List.of("pause cattle shell"), manager.calls);
    }

    private <C extends GroupCommand> C wire(C command, String name) {
        command.registry = registry;
        command.codec = Shell.CODEC;
        command.name = name;
        return command;
    }
}
