package io.infrakit.manager;

import io.infrakit.flavor.vanilla.VanillaFlavorPlugin;
import io.infrakit.group.DefaultGroupPlugin;
import io.infrakit.instance.file.FileInstancePlugin;
import io.infrakit.manager.file.FileBackend;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.LeaderStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two managers on one machine sharing a leader file, a store and the instances' directory, each in front
 * of its own real default group plugin with the real file instance and vanilla flavor plugins: the
 * groups move with the leader file without a duplicate, and a restarted leader resumes them from the store.
 */
class ManagerFailoverTest {

    @TempDir
    Path dir;

    private final WireJsonCodec json = new WireJsonCodec();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicInteger provisions = new AtomicInteger();
    private final AtomicInteger destroys = new AtomicInteger();
    private FileInstancePlugin files;
    private Path leaderFile;

    /** A manager with its own group plugin; the instance plugin is shared, as the instances' directory is. */
    private record Node(GroupManager manager, DefaultGroupPlugin groups, FileBackend backend) {
    }

    @BeforeEach
    void shared() throws IOException {
        files = new FileInstancePlugin(dir.resolve("instances"), json);
        leaderFile = dir.resolve("leader");
        Files.writeString(leaderFile, "node-a\n");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Node node(String name) throws PluginException {
        Fakes.Registry registry = new Fakes.Registry();
        DefaultGroupPlugin groups = new DefaultGroupPlugin(Fakes.groupConfig(50), registry, json);
        registry.plugins.put("group-stateless", groups);
        registry.plugins.put("instance-file", counting(files));
        registry.plugins.put("flavor-vanilla", new VanillaFlavorPlugin(json));
        FileBackend backend = new FileBackend(leaderFile, dir.resolve("configs"), 20, false);
        GroupManager manager = new GroupManager(new GroupManager.Settings(name, "group-stateless", 10000, 100), backend, backend, registry, json);
        open.add(groups::close);
        open.add(backend::close);
        open.add(manager);
        manager.start();
        return new Node(manager, groups, backend);
    }

    private InstancePlugin counting(InstancePlugin plugin) {
        return new InstancePlugin() {
            @Override
            public void validate(RawJson properties) throws PluginException {
                plugin.validate(properties);
            }

            @Override
            public String provision(InstanceSpec spec) throws PluginException {
                provisions.incrementAndGet();
                return plugin.provision(spec);
            }

            @Override
            public void label(String instance, Map<String, String> labels) throws PluginException {
                plugin.label(instance, labels);
            }

            @Override
            public void destroy(String instance) throws PluginException {
                destroys.incrementAndGet();
                plugin.destroy(instance);
            }

            @Override
            public List<Description> describeInstances(Map<String, String> tags) throws PluginException {
                return plugin.describeInstances(tags);
            }
        };
    }

    private GroupSpec cattle(int size) throws PluginException {
        return json.decode(new RawJson("""
                {"ID":"cattle","Properties":{"Allocation":{"Size":%d},
                 "Instance":{"Plugin":"instance-file","Properties":{"Note":"Instance properties version 1.0"}},
                 "Flavor":{"Plugin":"flavor-vanilla","Properties":{"Init":["docker pull nginx:alpine"],"Tags":{"tier":"web"}}}}}""".formatted(size)),
                GroupSpec.class);
    }

    private long instanceFiles() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("instances"))) {
            return list.count();
        }
    }

    private static boolean watches(Node node, String id) {
        return node.groups().inspectGroups().stream().anyMatch(g -> g.id().equals(id));
    }

    private static boolean converged(Node node, String id, int size) {
        try {
            var description = node.manager().describeGroup(id);
            return description.converged() && description.instances().size() == size;
        } catch (PluginException e) {
            return false;
        }
    }

    @Test
    void switchingTheLeaderFileMovesTheGroupsWithoutDuplicatingAnInstance() throws Exception {
        Node a = node("node-a");
        Node b = node("node-b");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.manager().isLeader() && b.manager().status().equals(LeaderStatus.follower("node-a")));

        assertEquals("Managing 3 instances", a.manager().commitGroup(cattle(3), false));
        await().atMost(Duration.ofSeconds(10)).until(() -> converged(a, "cattle", 3) && instanceFiles() == 3);
        PluginException refused = assertThrows(PluginException.class, () -> b.manager().commitGroup(cattle(5), false));
        assertTrue(refused.getMessage().contains("the leader is node-a"), refused.getMessage());

        Files.writeString(leaderFile, "node-b\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> !watches(a, "cattle") && watches(b, "cattle") && converged(b, "cattle", 3));
        assertEquals(3, instanceFiles());
        assertEquals(3, provisions.get(), "the new leader adopted the instances by their tags");
        assertEquals(0, destroys.get());

        b.manager().destroyGroup("cattle");
        assertEquals(0, instanceFiles());
        assertEquals("{\n    \"Groups\": {}\n  }", Files.readString(dir.resolve("configs/global.config")));

        Files.writeString(leaderFile, "node-a\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.manager().isLeader() && !b.manager().isLeader());
        assertTrue(a.groups().inspectGroups().isEmpty(), "a destroyed group is not resurrected");
    }

    @Test
    void aRestartedLeaderResumesItsGroupsFromTheStore() throws Exception {
        Node first = node("node-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> first.manager().isLeader());
        first.manager().commitGroup(cattle(2), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> converged(first, "cattle", 2));

        // stop the whole node: the manager frees its group, its group plugin forgets everything
        first.manager().close();
        first.groups().close();
        first.backend().close();
        assertEquals(2, instanceFiles());

        Node second = node("node-a");
        await().atMost(Duration.ofSeconds(10)).until(() -> watches(second, "cattle") && converged(second, "cattle", 2));
        assertEquals(2, instanceFiles());
        assertEquals(2, provisions.get(), "nothing duplicated after the restart");
    }
}
