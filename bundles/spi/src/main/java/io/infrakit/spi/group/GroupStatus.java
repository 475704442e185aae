package io.infrakit.spi.group;

import java.util.List;

/**
 * A group at a glance, as {@code kubectl get deployments} shows one: how many members it should have, has,
 * has ready (healthy) and has up to date (at the configuration it rolls to), and one word for its state.
 *
 * @param id the group ID
 * @param desired how many members it should have
 * @param current how many it has (listed by the instance plugin)
 * @param ready how many of them are healthy
 * @param upToDate how many of them have the configuration in force
 * @param status one word: see {@link GroupDescription.Status}
 * @param revision the revision in force (kept by the manager), 0 when unknown
 * @param configSHA the configuration in force ({@code infrakit.config_sha}), or {@code null}
 * @param update the rollout's progress or how it ended, in words, or {@code null}
 * @param error what keeps the group from converging, or {@code null}
 * @param members each member's health and configuration (for one group), or {@code null} (in a list)
 */
public record GroupStatus(String id, int desired, int current, int ready, int upToDate, String status, int revision,
                          String configSHA, String update, String error, List<Member> members) {

    /**
     * Copies the members.
     */
    public GroupStatus {
        members = members == null ? null : List.copyOf(members);
    }

    /**
     * One member.
     *
     * @param id the instance ID
     * @param logicalID its logical ID, or {@code null}
     * @param health {@code Healthy}, {@code Unhealthy} or {@code Unknown}
     * @param upToDate whether it has the configuration in force
     * @param configSHA its configuration ({@code infrakit.config_sha} tag), or {@code null}
     */
    public record Member(String id, String logicalID, String health, boolean upToDate, String configSHA) {
    }

    /**
     * The same status with a revision.
     *
     * @param number the revision in force
     * @return the status
     */
    public GroupStatus withRevision(int number) {
        return new GroupStatus(id, desired, current, ready, upToDate, status, number, configSHA, update, error, members);
    }

    /**
     * The same status without members.
     *
     * @return the status
     */
    public GroupStatus withoutMembers() {
        return new GroupStatus(id, desired, current, ready, upToDate, status, revision, configSHA, update, error, null);
    }
}
