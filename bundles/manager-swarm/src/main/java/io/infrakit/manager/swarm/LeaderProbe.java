package io.infrakit.manager.swarm;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.LeaderStatus;

import java.util.function.Supplier;

/**
 * Asks the engine whether this node leads the swarm: {@code GET /info} gives this node's ID, {@code GET
 * /nodes/<id>} its {@code ManagerStatus.Leader}, as the original's {@code docker node inspect self}. A
 * follower learns the leader's hostname from the list of managers. An engine that cannot be reached, is
 * not in a swarm, or is not a manager (a worker cannot see the swarm's state) makes the status unknown,
 * with the engine's message.
 */
final class LeaderProbe {

    /** What one probe saw: the role, the leader's hostname when this node follows, or why it cannot tell. */
    record Observation(LeaderStatus.Role role, String leader, String detail) {

        /** The status of a participant with this name. */
        LeaderStatus statusOf(String name) {
            return switch (role) {
                case LEADER -> LeaderStatus.leader(name);
                case FOLLOWER -> LeaderStatus.follower(leader);
                case UNKNOWN -> LeaderStatus.unknown(detail);
            };
        }
    }

    private final Supplier<SwarmApi> api;

    /** @param api the engine's API as configured now */
    LeaderProbe(Supplier<SwarmApi> api) {
        this.api = api;
    }

    Observation probe() {
        SwarmApi engine = api.get();
        try {
            SwarmApi.Info info = engine.info();
            SwarmApi.SwarmInfo swarm = info == null ? null : info.swarm();
            if (swarm == null || swarm.nodeID() == null || swarm.nodeID().isEmpty()) {
                String state = swarm == null || swarm.localNodeState() == null ? "unknown" : swarm.localNodeState();
                String error = swarm == null || swarm.error() == null || swarm.error().isEmpty() ? "" : ": " + swarm.error();
                return unknown("The Docker engine at " + engine.host() + " is not part of a swarm (LocalNodeState " + state + ")" + error);
            }
            SwarmApi.Node self = engine.node(swarm.nodeID());
            if (self == null || self.managerStatus() == null) {
                return unknown("The Docker engine at " + engine.host() + " is not a swarm manager");
            }
            if (self.isLeader()) {
                return new Observation(LeaderStatus.Role.LEADER, null, null);
            }
            return new Observation(LeaderStatus.Role.FOLLOWER, leaderHostname(engine), null);
        } catch (PluginException | RuntimeException e) {
            return unknown(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The leader's hostname, or null when the list of managers names none (an election under way) or cannot be read. */
    private static String leaderHostname(SwarmApi engine) {
        try {
            for (SwarmApi.Node node : engine.managers()) {
                if (node != null && node.isLeader()) {
                    return node.hostname();
                }
            }
        } catch (PluginException e) {
            // this node follows whoever leads; not knowing the name is not a reason to doubt that
        }
        return null;
    }

    private static Observation unknown(String detail) {
        return new Observation(LeaderStatus.Role.UNKNOWN, null, detail);
    }
}
