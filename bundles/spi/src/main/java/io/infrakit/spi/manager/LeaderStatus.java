package io.infrakit.spi.manager;

import java.util.Objects;

/**
 * A participant's status in an election.
 *
 * @param role whether it leads, follows, or cannot tell
 * @param leader the name of the leader when known, else {@code null}
 * @param detail why the role is {@link Role#UNKNOWN} (for example {@code ZooKeeper session expired}), else {@code null}
 */
public record LeaderStatus(Role role, String leader, String detail) {

    /** The role of a participant. */
    public enum Role {
        /** It leads: it alone runs the groups. */
        LEADER,
        /** Another participant leads. */
        FOLLOWER,
        /** The backend cannot tell (unreachable, unreadable): act as a follower. */
        UNKNOWN
    }

    /**
     * Checks the role.
     *
     * @throws NullPointerException if {@code role} is {@code null}
     */
    public LeaderStatus {
        Objects.requireNonNull(role, "role");
    }

    /**
     * The status of the leader.
     *
     * @param name the leader's (this participant's) name
     * @return the status
     */
    public static LeaderStatus leader(String name) {
        return new LeaderStatus(Role.LEADER, name, null);
    }

    /**
     * The status of a follower.
     *
     * @param leader the leader's name, or {@code null} if not known
     * @return the status
     */
    public static LeaderStatus follower(String leader) {
        return new LeaderStatus(Role.FOLLOWER, leader, null);
    }

    /**
     * The status of a participant whose backend cannot tell.
     *
     * @param detail why
     * @return the status
     */
    public static LeaderStatus unknown(String detail) {
        return new LeaderStatus(Role.UNKNOWN, null, detail);
    }

    /**
     * Tells whether this status is leadership.
     *
     * @return {@code true} for {@link Role#LEADER}
     */
    public boolean isLeader() {
        return role == Role.LEADER;
    }
}
