package io.infrakit.manager.zookeeper;

import io.infrakit.manager.GroupManager;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three managers ({@link GroupManager} on a {@link ZooKeeperBackend}, at the backend's default session
 * timeout) over a real three-server ensemble, each manager connected to a server of its own as if each ran
 * beside its ZooKeeper. The leader loses its server, or its session: another manager leads with every
 * group, including one acknowledged just before, and never do two managers hold groups at once.
 */
class ZooKeeperFailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROXY = "group-stateless";

    private final WireJsonCodec json = new WireJsonCodec();
    private final Holdings holdings = new Holdings();
    private final List<Node> nodes = new ArrayList<>();
    private TestingCluster cluster;

    /** A manager with its own backend and its own in-memory stateless group plugin. */
    private record Node(String name, InstanceSpec server, ZooKeeperBackend backend, GroupManager manager, FakeGroups groups) {
    }

    @BeforeEach
    void start() throws Exception {
        // tickTime 100 ms: the servers grant the backend's default 2000 ms sessions, and expire them on time
        List<InstanceSpec> specs = new ArrayList<>();
        ServerSpecs servers = new ServerSpecs();
        for (int id = 1; id <= 3; id++) {
            specs.add(servers.spec(id));
        }
        cluster = new TestingCluster(specs);
        cluster.start();
        for (InstanceSpec spec : specs) {
            String name = "manager-" + spec.getServerId();
            FakeGroups groups = new FakeGroups(name, holdings);
            ZooKeeperBackend backend = new ZooKeeperBackend(ZooKeeperSettings.of(spec.getConnectString(), "/infrakit"));
            PluginRegistry registry = new PluginRegistry() {
                @Override
                public <T> T lookup(String plugin, Class<T> spi) throws PluginNotFoundException {
                    if (PROXY.equals(plugin) && spi == GroupPlugin.class) {
                        return spi.cast(groups);
                    }
                    throw new PluginNotFoundException("Plugin not found: " + plugin);
                }

                @Override
                public List<PluginInfo> plugins() {
                    return List.of();
                }
            };
            GroupManager manager = new GroupManager(new GroupManager.Settings(name, PROXY, 10_000), backend, backend, registry, json);
            nodes.add(new Node(name, spec, backend, manager, groups));
            manager.start();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Node node : nodes) {
            node.manager().close();
            node.backend().close();
        }
        cluster.close();
    }

    @Test
    void whenTheLeadersServerDiesAnotherManagerTakesOverEveryGroup() throws Exception {
        Node leader = settledLeader();
        commitThroughTheLeader(leader);

        leader.manager().commitGroup(group("last"), false);   // acknowledged: stored by a quorum
        assertTrue(cluster.killServer(leader.server()));

        Node next = awaitNewLeader(leader);
        assertEquals(LeaderStatus.Role.UNKNOWN, leader.manager().status().role(), "the old leader cannot reach its ensemble");
        assertTrue(leader.manager().status().detail().contains("ZooKeeper"), leader.manager().status().toString());
        assertFalse(leader.manager().isLeader());
        holdings.assertNoOverlap();
        assertTrue(holdings.committedAfterFreed(leader.name(), next.name()), holdings.log.toString());
    }

    @Test
    void whenTheLeadersSessionExpiresAnotherManagerTakesOverEveryGroup() throws Exception {
        Node leader = settledLeader();
        commitThroughTheLeader(leader);

        leader.manager().commitGroup(group("last"), false);
        leader.backend().curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

        Node next = awaitNewLeader(leader);
        await().atMost(WAIT).until(() -> LeaderStatus.follower(next.name()).equals(leader.manager().status()));
        holdings.assertNoOverlap();
        assertTrue(holdings.committedAfterFreed(leader.name(), next.name()), holdings.log.toString());
        assertEquals(Set.of("web", "db", "cache", "last"), ids(next.manager().inspectGroups()), "the new leader answers for the groups");
    }

    /** Waits for one leader and two followers that name it. */
    private Node settledLeader() {
        await().atMost(WAIT).until(() -> nodes.stream().filter(n -> n.manager().isLeader()).count() == 1
                && nodes.stream().filter(n -> !n.manager().isLeader())
                        .allMatch(n -> n.manager().status().role() == LeaderStatus.Role.FOLLOWER && n.manager().status().leader() != null));
        Node leader = nodes.stream().filter(n -> n.manager().isLeader()).findFirst().orElseThrow();
        for (Node n : nodes) {
            if (n != leader) {
                assertEquals(LeaderStatus.follower(leader.name()), n.manager().status());
            }
        }
        return leader;
    }

    private void commitThroughTheLeader(Node leader) throws PluginException {
        for (String id : List.of("web", "db", "cache")) {
            leader.manager().commitGroup(group(id), false);
        }
        assertEquals(Set.of("web", "db", "cache"), leader.groups().ids());
        for (Node n : nodes) {
            if (n != leader) {
                PluginException refused = assertThrows(PluginException.class, () -> n.manager().commitGroup(group("web"), false));
                assertTrue(refused.getMessage().contains("the leader is " + leader.name()), refused.getMessage());
                assertTrue(n.groups().ids().isEmpty());
            }
        }
    }

    /** Waits until another manager leads and holds every group, and the old leader holds none. */
    private Node awaitNewLeader(Node old) {
        Set<String> all = Set.of("web", "db", "cache", "last");
        await().atMost(WAIT).until(() -> nodes.stream().anyMatch(n -> n != old && n.manager().isLeader() && n.groups().ids().equals(all)));
        Node next = nodes.stream().filter(n -> n != old && n.manager().isLeader()).findFirst().orElseThrow();
        assertTrue(old.groups().ids().isEmpty(), "the old leader freed its groups");
        for (Node n : nodes) {
            if (n != next) {
                assertTrue(n.groups().ids().isEmpty(), n.name() + " holds " + n.groups().ids());
            }
        }
        return next;
    }

    private GroupSpec group(String id) {
        return new GroupSpec(id, new RawJson("{\"Allocation\":{\"Size\":2},\"Instance\":{\"Plugin\":\"instance-file\"}}"));
    }

    private static Set<String> ids(List<GroupSpec> specs) {
        Set<String> ids = new TreeSet<>();
        specs.forEach(s -> ids.add(s.id()));
        return ids;
    }

    /**
     * Which manager's group plugin holds which groups, across the three: checked at every commit, a
     * manager must never start a group while another manager holds any.
     */
    static final class Holdings {
        private final Map<String, Set<String>> held = new HashMap<>();
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();

        synchronized void commit(String manager, String id) {
            held.forEach((other, ids) -> {
                if (!other.equals(manager) && !ids.isEmpty()) {
                    violations.add(manager + " committed " + id + " while " + other + " held " + ids);
                }
            });
            held.computeIfAbsent(manager, m -> new TreeSet<>()).add(id);
            log.add(manager + " commit " + id);
        }

        synchronized boolean free(String manager, String id) {
            log.add(manager + " free " + id);
            return held.getOrDefault(manager, Set.of()).remove(id);
        }

        synchronized Set<String> of(String manager) {
            return Set.copyOf(held.getOrDefault(manager, Set.of()));
        }

        void assertNoOverlap() {
            assertTrue(violations.isEmpty(), "two managers held groups at once: " + violations);
        }

        /** The new leader's first commit came after the old leader's last free. */
        boolean committedAfterFreed(String old, String next) {
            int lastFree = -1;
            int firstCommit = -1;
            for (int i = 0; i < log.size(); i++) {
                String entry = log.get(i);
                if (entry.startsWith(old + " free ")) {
                    lastFree = i;
                } else if (firstCommit < 0 && entry.startsWith(next + " commit ")) {
                    firstCommit = i;
                }
            }
            return lastFree >= 0 && firstCommit > lastFree;
        }
    }

    /** The in-memory stateless group plugin of one manager: it records commits and frees in the shared holdings. */
    static final class FakeGroups implements GroupPlugin {
        private final String manager;
        private final Holdings holdings;
        private final Map<String, GroupSpec> specs = new java.util.concurrent.ConcurrentHashMap<>();

        FakeGroups(String manager, Holdings holdings) {
            this.manager = manager;
            this.holdings = holdings;
        }

        Set<String> ids() {
            return holdings.of(manager);
        }

        @Override
        public String commitGroup(GroupSpec spec, boolean pretend) {
            if (pretend) {
                return "Pretend";
            }
            specs.put(spec.id(), spec);
            holdings.commit(manager, spec.id());
            return "Managing 2 instances";
        }

        @Override
        public void freeGroup(String id) throws PluginException {
            specs.remove(id);
            if (!holdings.free(manager, id)) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
        }

        @Override
        public GroupDescription describeGroup(String id) throws PluginException {
            if (!specs.containsKey(id)) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
            return new GroupDescription(List.of(), true);
        }

        @Override
        public void destroyGroup(String id) throws PluginException {
            freeGroup(id);
        }

        @Override
        public List<GroupSpec> inspectGroups() {
            return specs.values().stream().sorted(Comparator.comparing(GroupSpec::id)).toList();
        }
    }
}
