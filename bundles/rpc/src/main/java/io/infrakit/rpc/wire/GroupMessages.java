package io.infrakit.rpc.wire;

import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupSpec;

import java.util.List;

/** The params and results of the {@code Group} and {@code Manager} methods. */
public final class GroupMessages {

    private GroupMessages() {
    }

    /** {@code Group.CommitGroup} params. @param spec the group @param pretend dry run */
    public record CommitGroupRequest(GroupSpec spec, boolean pretend) {
    }

    /** {@code Group.CommitGroup} result. @param details the plan */
    public record CommitGroupResponse(String details) {
    }

    /** {@code Group.FreeGroup}, {@code DescribeGroup} and {@code DestroyGroup} params. @param id the group ID */
    public record GroupIdRequest(String id) {
    }

    /** {@code Group.DescribeGroup} result. @param description the group's state */
    public record DescribeGroupResponse(GroupDescription description) {
    }

    /** {@code Group.InspectGroups} result. @param groups the specs */
    public record InspectGroupsResponse(List<GroupSpec> groups) {
    }

    /** {@code Manager.IsLeader} result. @param leader whether this manager leads */
    public record IsLeaderResponse(boolean leader) {
    }
}
