package io.infrakit.bench;

import io.infrakit.manager.GroupManager;
import io.infrakit.manager.zookeeper.ZooKeeperBackend;
import io.infrakit.manager.zookeeper.ZooKeeperSettings;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One manager process of the failover benchmark: the product's {@link GroupManager} on a
 * {@link ZooKeeperBackend} at its default settings, in front of an in-memory stateless group plugin.
 *
 * <p>Arguments: {@code <connect string> <root znode> <manager name> <groups>}. It prints, with the wall
 * clock in milliseconds: {@code STATUS <role> <leader> <ms>} at each leadership change, {@code HOLDS <n> <ms>}
 * when its group plugin runs all {@code <groups>} groups, {@code FREED <ms>} when it runs none after
 * having run some. On stdin, {@code commit} commits the groups through the manager (it must lead) and
 * prints {@code COMMITTED <n>}; the end of stdin stops it.
 */
public final class FailoverNode {

    private FailoverNode() {
    }

    /**
     * Runs a manager until stdin ends (or the process is killed).
     *
     * @param args connect string, root znode, manager name, number of groups
     * @throws Exception if the manager cannot start
     */
    public static void main(String[] args) throws Exception {
        String connect = args[0];
        String path = args[1];
        String name = args[2];
        int groups = Integer.parseInt(args[3]);

        MemoryGroups plugin = new MemoryGroups(groups);
        PluginRegistry registry = new PluginRegistry() {
            @Override
            public <T> T lookup(String wanted, Class<T> spi) throws PluginNotFoundException {
                if ("group-stateless".equals(wanted) && spi == GroupPlugin.class) {
                    return spi.cast(plugin);
                }
                throw new PluginNotFoundException("Plugin not found: " + wanted);
            }

            @Override
            public List<PluginInfo> plugins() {
                return List.of();
            }
        };
        ZooKeeperBackend backend = new ZooKeeperBackend(ZooKeeperSettings.of(connect, path));
        // print every status the backend reports, as it reaches the manager
        Leadership printing = (participant, listener) -> backend.join(participant, status -> {
            say("STATUS " + status.role() + " " + status.leader() + " " + System.currentTimeMillis());
            listener.leadershipChanged(status);
        });
        GroupManager manager = new GroupManager(new GroupManager.Settings(name, "group-stateless", 60_000), printing, backend,
                registry, new WireJsonCodec());
        manager.start();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.trim().equals("commit")) {
                try {
                    for (int i = 0; i < groups; i++) {
                        manager.commitGroup(spec("group-" + i), false);
                    }
                    say("COMMITTED " + groups);
                } catch (PluginException e) {
                    say("ERROR " + e.getMessage());
                }
            }
        }
        manager.close();
        backend.close();
    }

    private static GroupSpec spec(String id) {
        return new GroupSpec(id, new RawJson("{\"Allocation\":{\"Size\":3},\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{}}}"));
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** The stateless group plugin: keeps the specs, and says when it runs all of them and when none. */
    static final class MemoryGroups implements GroupPlugin {
        private final int expected;
        private final Map<String, GroupSpec> specs = new ConcurrentHashMap<>();

        MemoryGroups(int expected) {
            this.expected = expected;
        }

        @Override
        public synchronized String commitGroup(GroupSpec spec, boolean pretend) {
            if (!pretend && specs.put(spec.id(), spec) == null && specs.size() == expected) {
                say("HOLDS " + expected + " " + System.currentTimeMillis());
            }
            return "Managing 3 instances";
        }

        @Override
        public synchronized void freeGroup(String id) throws PluginException {
            if (specs.remove(id) == null) {
                throw new PluginException("Group '" + id + "' is not being watched");
            }
            if (specs.isEmpty()) {
                say("FREED " + System.currentTimeMillis());
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
