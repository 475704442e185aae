package io.infrakit.manager.zookeeper;

import io.infrakit.group.ConfigSha;
import io.infrakit.group.DefaultGroupPlugin;
import io.infrakit.group.GroupProperties;
import io.infrakit.manager.GroupManager;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.Fence;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leadership is fenced into the actions. Three nodes, each a manager on the ZooKeeper backend (a three-server
 * ensemble, one server per node) in front of its own real {@link DefaultGroupPlugin}, whose fence and state
 * store are that manager. Every node reaches the same in-memory "cloud" through a wrapper that records each
 * Provision, Drain and Destroy with the node that made it and a sequence number shared by all. The cloud's new
 * instances become healthy only {@value #HEALTHY_AFTER_MILLIS} ms after their Provision, so a rolling update of
 * {@value #SIZE} instances, one at a time, takes seconds. The leader's session is ended on the ensemble midway
 * through the rollout: another node leads and finishes it, and no action of the old leader comes after the new
 * leader's first one.
 *
 * <p>The manager also frees its group plugin's groups when it loses leadership, but after the fact, on its own
 * thread. In the first test that free comes within milliseconds, long before the new leader acts, so that test
 * alone would pass without the fence. A free can come much later, though: it waits for each group's cycle in
 * progress (up to 2 s a group, one group after another), or for a commit holding the group's lock. So the
 * second test holds the old node's free back until the new leader has finished: the old group plugin runs the
 * group all that time, and only the fence keeps it from acting. With the fence stubbed out that test fails:
 * both nodes roll the group at once, and destroy the same instances twice.
 */
class ZooKeeperFenceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROXY = "group-stateless";
    private static final String INSTANCE = "instance-cloud";
    private static final String FLAVOR = "flavor-cloud";
    private static final String GROUP = "web";
    private static final int SIZE = 6;
    private static final long HEALTHY_AFTER_MILLIS = 500;

    private final WireJsonCodec json = new WireJsonCodec();
    private final Cloud cloud = new Cloud();
    private final List<Node> nodes = new ArrayList<>();
    private final CountDownLatch frees = new CountDownLatch(1);
    private volatile boolean holdFrees;
    private TestingCluster cluster;

    /** One node: a manager, its backend, its own group plugin, and how often the manager refused its actions (the fence) or state. */
    private record Node(String name, org.apache.curator.test.InstanceSpec server, ZooKeeperBackend backend, GroupManager manager,
                        DefaultGroupPlugin groups, AtomicInteger refused) {
    }

    @BeforeEach
    void start() throws Exception {
        // tickTime 100 ms: the servers grant the backend's default 2000 ms sessions
        List<org.apache.curator.test.InstanceSpec> specs = new ArrayList<>();
        ServerSpecs servers = new ServerSpecs();
        for (int id = 1; id <= 3; id++) {
            specs.add(servers.spec(id));
        }
        cluster = new TestingCluster(specs);
        cluster.start();
        for (org.apache.curator.test.InstanceSpec spec : specs) {
            nodes.add(node("node-" + spec.getServerId(), spec));
        }
    }

    private Node node(String name, org.apache.curator.test.InstanceSpec server) throws PluginException {
        Map<String, Object> plugins = new ConcurrentHashMap<>();
        PluginRegistry registry = new PluginRegistry() {
            @Override
            public <T> T lookup(String plugin, Class<T> spi) throws PluginNotFoundException {
                Object found = plugins.get(plugin);
                if (!spi.isInstance(found)) {
                    throw new PluginNotFoundException("Plugin not found: " + plugin);
                }
                return spi.cast(found);
            }

            @Override
            public List<PluginInfo> plugins() {
                return List.of();
            }
        };
        ZooKeeperBackend backend = new ZooKeeperBackend(ZooKeeperSettings.of(server.getConnectString(), "/infrakit"));
        DefaultGroupPlugin groups = new DefaultGroupPlugin(groupConfig(), registry, json);
        GroupManager manager = new GroupManager(new GroupManager.Settings(name, PROXY, 10_000, 100), backend, backend, registry, json);
        AtomicInteger refused = new AtomicInteger();
        Fence fence = () -> {
            try {
                manager.check();
            } catch (PluginException e) {
                refused.incrementAndGet();
                throw e;
            }
        };
        groups.setFence(fence);
        // a cycle that must first keep its state is refused there, before it can act: that counts as refused too
        groups.setStates(new io.infrakit.spi.group.GroupStates() {
            @Override
            public io.infrakit.spi.group.GroupState load(String id) throws PluginException {
                return manager.load(id);
            }

            @Override
            public void save(String id, io.infrakit.spi.group.GroupState state) throws PluginException {
                try {
                    manager.save(id, state);
                } catch (PluginException e) {
                    refused.incrementAndGet();
                    throw e;
                }
            }

            @Override
            public void destroyed(String id) throws PluginException {
                manager.destroyed(id);
            }
        });
        plugins.put(PROXY, new LateToFree(groups));
        plugins.put(INSTANCE, cloud.instances(name));
        plugins.put(FLAVOR, cloud.flavor(name));
        manager.start();
        return new Node(name, server, backend, manager, groups, refused);
    }

    @AfterEach
    void stop() throws Exception {
        frees.countDown();
        // followers first, so that no other node takes over while the leader stops
        List<Node> order = new ArrayList<>(nodes);
        order.sort(Comparator.comparing(n -> n.manager().isLeader()));
        for (Node node : order) {
            node.manager().close();
        }
        for (Node node : nodes) {
            node.groups().close();
            node.backend().close();
        }
        cluster.close();
    }

    @Test
    void whenTheLeadersSessionExpiresMidRolloutItStopsActingBeforeTheNewLeaderActs() throws Exception {
        Takeover t = rollOutAndEndTheLeadersSession();

        assertOldLeaderStoppedFirst(t);
        assertRolledOutOnce(t);
        await().atMost(WAIT).until(() -> t.old().groups().inspectGroups().isEmpty());
    }

    @Test
    void theFenceAloneStopsTheOldLeaderWhileItsGroupPluginStillRunsTheGroup() throws Exception {
        holdFrees = true;
        Takeover t = rollOutAndEndTheLeadersSession();

        assertOldLeaderStoppedFirst(t);
        assertRolledOutOnce(t);
        assertEquals(List.of(GROUP), t.old().groups().inspectGroups().stream().map(GroupSpec::id).toList(),
                "the old node's group plugin ran the group during the whole takeover");
        await().atMost(WAIT).until(() -> t.old().refused().get() > 0); // the old node's loop tried to act (or to keep its state), and was refused
        assertRolledOutOnce(t);

        frees.countDown();
        await().atMost(WAIT).until(() -> t.old().groups().inspectGroups().isEmpty());
        assertEquals(SIZE, cloud.live.size(), "nothing more happened once the old node freed the group");
    }

    /** The old leader, the node that took over, and the two configurations. */
    private record Takeover(Node old, Node next, String sha1, String sha2, long ended, long endedNanos) {
        /** The actions, timed from the end of the session. */
        String log(Cloud cloud) {
            return cloud.log(endedNanos);
        }
    }

    /**
     * Rolls the group out at v1, commits v2 through the leader, ends the leader's session once v2's rollout has
     * replaced a member, and waits for another node to lead and finish the rollout.
     */
    private Takeover rollOutAndEndTheLeadersSession() throws Exception {
        Node leader = settledLeader();
        GroupSpec v1 = web(1);
        GroupSpec v2 = web(2);
        String sha1 = sha(v1);
        String sha2 = sha(v2);
        assertNotEquals(sha1, sha2);

        leader.manager().commitGroup(v1, false);
        await().atMost(WAIT).until(() -> converged(leader, sha1));
        assertEquals(SIZE, cloud.count(leader.name(), "Provision", sha1));

        leader.manager().commitGroup(v2, false);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> cloud.count(leader.name(), "Provision", sha2) >= 1);
        long replaced = cloud.count(leader.name(), "Provision", sha2);
        assertTrue(replaced <= SIZE - 3, "the rollout is still running when the session ends (" + replaced + " replaced)");

        long ended = cloud.clock.get();
        long endedNanos = System.nanoTime();
        endSession(leader);

        await().atMost(WAIT).until(() -> nodes.stream().anyMatch(n -> n != leader && n.manager().isLeader() && converged(n, sha2)));
        Node next = nodes.stream().filter(n -> n != leader && n.manager().isLeader()).findFirst().orElseThrow();
        await().atMost(WAIT).until(() -> LeaderStatus.follower(next.name()).equals(leader.manager().status()));
        assertEquals(GroupDescription.Status.CONVERGED, next.manager().describeGroup(GROUP).status(), "the rollout is done");
        return new Takeover(leader, next, sha1, sha2, ended, endedNanos);
    }

    /** The group has its size, every member at the new configuration, and no instance was made or removed twice. */
    private void assertRolledOutOnce(Takeover t) {
        assertEquals(SIZE, cloud.members(t.sha2()), "every member at the new configuration: " + cloud.live.keySet());
        assertEquals(SIZE, cloud.live.size(), "no other instance: " + cloud.live.keySet());
        assertEquals(SIZE, cloud.count(null, "Provision", t.sha2()), "each replacement provisioned once:\n" + t.log(cloud));
        assertEquals(SIZE, cloud.count(null, "Destroy", t.sha1()), "each old member destroyed once:\n" + t.log(cloud));
        assertTrue(cloud.errors.isEmpty(), cloud.errors.toString());
    }

    private void assertOldLeaderStoppedFirst(Takeover t) {
        OptionalLong firstOfNext = cloud.actions.stream().filter(a -> a.node().equals(t.next().name())).mapToLong(Action::seq).min();
        assertTrue(firstOfNext.isPresent(), "the new leader finished the rollout itself: " + t.log(cloud));
        assertTrue(firstOfNext.getAsLong() > t.ended(), "the new leader acted only after the session ended");
        List<Action> late = cloud.actions.stream()
                .filter(a -> a.node().equals(t.old().name()) && a.seq() > firstOfNext.getAsLong()).toList();
        assertTrue(late.isEmpty(), "the old leader acted after the new leader's first action: " + late + "\n" + t.log(cloud));
        List<Action> others = cloud.actions.stream()
                .filter(a -> !a.node().equals(t.old().name()) && !a.node().equals(t.next().name())).toList();
        assertTrue(others.isEmpty(), "only the two leaders acted: " + others);
    }

    /**
     * Ends the leader's session on the ensemble, as its expiry does: a second handle joins the session through
     * another server and closes it. The ensemble deletes the session's ephemeral nodes (the leader's latch node,
     * so another manager may lead) and drops the leader's connection; the leader's client learns that its
     * session expired when it reconnects.
     */
    private void endSession(Node leader) throws Exception {
        ZooKeeper handle = leader.backend().curator().getZookeeperClient().getZooKeeper();
        long session = handle.getSessionId();
        byte[] password = handle.getSessionPasswd();
        String elsewhere = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow().server().getConnectString();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(elsewhere, 2000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, session, password);
        try {
            assertTrue(connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "joined the leader's session");
            assertEquals(session, twin.getSessionId());
        } finally {
            twin.close();
        }
    }

    /** Waits for one leader and two followers that name it. */
    private Node settledLeader() {
        await().atMost(WAIT).until(() -> nodes.stream().filter(n -> n.manager().isLeader()).count() == 1
                && nodes.stream().filter(n -> !n.manager().isLeader())
                        .allMatch(n -> n.manager().status().role() == LeaderStatus.Role.FOLLOWER && n.manager().status().leader() != null));
        return nodes.stream().filter(n -> n.manager().isLeader()).findFirst().orElseThrow();
    }

    /** The node's group plugin says the group is converged, and the cloud has it at that configuration. */
    private boolean converged(Node node, String sha) {
        try {
            GroupDescription d = node.manager().describeGroup(GROUP);
            return d.converged() && d.instances().size() == SIZE && cloud.members(sha) == SIZE && cloud.live.size() == SIZE;
        } catch (PluginException e) {
            return false;
        }
    }

    private GroupSpec web(int version) throws PluginException {
        return json.decode(new RawJson("""
                {"ID":"%s","Properties":{"Allocation":{"Size":%d},"Update":{"MaxUnavailable":1},
                 "Instance":{"Plugin":"%s","Properties":{"Version":%d}},
                 "Flavor":{"Plugin":"%s","Properties":{}}}}""".formatted(GROUP, SIZE, INSTANCE, version, FLAVOR)), GroupSpec.class);
    }

    private String sha(GroupSpec spec) throws PluginException {
        return ConfigSha.of(GroupProperties.parse(spec.properties(), json), json);
    }

    /**
     * One Provision, Drain or Destroy: in what order, when ({@link System#nanoTime()}), who asked for it, of which
     * instance, at which configuration.
     */
    record Action(long seq, long nanos, String node, String verb, String instance, String sha) {
        @Override
        public String toString() {
            return "#" + seq + " " + node + " " + verb + " " + instance + " (" + sha + ")";
        }
    }

    /** A live instance, and when it was provisioned. */
    private record Member(Description description, long bornNanos) {
    }

    /**
     * The infrastructure every node manages: instances, kept in memory and shared, and the log of every action
     * with the node it came from. Each action is logged as its call starts, under one sequence.
     */
    static final class Cloud {
        final AtomicLong clock = new AtomicLong();
        final List<Action> actions = new CopyOnWriteArrayList<>();
        final Map<String, Member> live = new ConcurrentHashMap<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        private final AtomicInteger ids = new AtomicInteger();

        private synchronized void record(String node, String verb, String instance, String sha) {
            actions.add(new Action(clock.incrementAndGet(), System.nanoTime(), node, verb, instance, sha));
        }

        private String shaOf(String instance) {
            Member m = live.get(instance);
            return m == null ? null : m.description().tags().get(ConfigSha.TAG);
        }

        /** How many actions of that verb at that configuration, by that node (any node for {@code null}). */
        long count(String node, String verb, String sha) {
            return actions.stream()
                    .filter(a -> (node == null || a.node().equals(node)) && a.verb().equals(verb) && sha.equals(a.sha()))
                    .count();
        }

        /** How many live instances of the group are at that configuration. */
        long members(String sha) {
            return live.values().stream().filter(m -> sha.equals(m.description().tags().get(ConfigSha.TAG))).count();
        }

        /** The log, each action with its time in milliseconds after a moment. */
        String log(long originNanos) {
            return actions.stream().map(a -> String.format("%+8.1f ms %s", (a.nanos() - originNanos) / 1e6, a))
                    .collect(Collectors.joining("\n"));
        }

        /** The instance plugin as one node sees it: every change is logged with that node's name. */
        InstancePlugin instances(String node) {
            return new InstancePlugin() {
                @Override
                public void validate(RawJson properties) {
                }

                @Override
                public String provision(InstanceSpec spec) {
                    String id = "i-" + ids.incrementAndGet();
                    record(node, "Provision", id, spec.tags().get(ConfigSha.TAG));
                    live.put(id, new Member(new Description(id, spec.logicalID(), spec.tags()), System.nanoTime()));
                    return id;
                }

                @Override
                public void label(String instance, Map<String, String> labels) {
                }

                @Override
                public void destroy(String instance) throws PluginException {
                    record(node, "Destroy", instance, shaOf(instance));
                    if (live.remove(instance) == null) {
                        errors.add(node + " destroyed " + instance + ", which was gone already");
                        throw new PluginException("Instance " + instance + " does not exist");
                    }
                }

                @Override
                public List<Description> describeInstances(Map<String, String> tags) {
                    return live.values().stream().map(Member::description)
                            .filter(d -> d.tags().entrySet().containsAll(tags.entrySet())).toList();
                }
            };
        }

        /** The flavor plugin as one node sees it: drains are logged; an instance is healthy a while after its Provision. */
        FlavorPlugin flavor(String node) {
            return new FlavorPlugin() {
                @Override
                public void validate(RawJson properties, Allocation allocation) {
                }

                @Override
                public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
                    return spec;
                }

                @Override
                public Health healthy(RawJson properties, Description instance) {
                    Member m = live.get(instance.id());
                    boolean ready = m != null && System.nanoTime() - m.bornNanos() >= TimeUnit.MILLISECONDS.toNanos(HEALTHY_AFTER_MILLIS);
                    return ready ? Health.HEALTHY : Health.UNKNOWN;
                }

                @Override
                public void drain(RawJson properties, Description instance) {
                    record(node, "Drain", instance.id(), shaOf(instance.id()));
                }
            };
        }
    }

    /**
     * A node's group plugin as its manager reaches it. While the test holds frees back, a FreeGroup waits until
     * it lets them go: the manager frees the groups of a node that lost leadership after the fact, on its own
     * thread, and that may come late.
     */
    private final class LateToFree implements GroupPlugin {
        private final GroupPlugin plugin;

        LateToFree(GroupPlugin plugin) {
            this.plugin = plugin;
        }

        @Override
        public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
            return plugin.commitGroup(spec, pretend);
        }

        @Override
        public void freeGroup(String id) throws PluginException {
            if (holdFrees) {
                try {
                    frees.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            plugin.freeGroup(id);
        }

        @Override
        public GroupDescription describeGroup(String id) throws PluginException {
            return plugin.describeGroup(id);
        }

        @Override
        public void destroyGroup(String id) throws PluginException {
            plugin.destroyGroup(id);
        }

        @Override
        public List<GroupSpec> inspectGroups() throws PluginException {
            return plugin.inspectGroups();
        }
    }

    private static DefaultGroupPlugin.Config groupConfig() {
        return new DefaultGroupPlugin.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DefaultGroupPlugin.Config.class;
            }

            @Override
            public String infrakit_plugin_name() {
                return PROXY;
            }

            @Override
            public long poll_interval_ms() {
                return 50;
            }

            @Override
            public int max_parallel() {
                return 4;
            }

            @Override
            public long max_size() {
                return 100_000;
            }

            @Override
            public long destroy_wait_ms() {
                return 5_000;
            }

            @Override
            public long unhealthy_grace_ms() {
                return 30_000;
            }

            @Override
            public long pending_timeout_ms() {
                return 5_000;
            }

            @Override
            public long call_timeout_ms() {
                return 5_000;
            }
        };
    }
}
