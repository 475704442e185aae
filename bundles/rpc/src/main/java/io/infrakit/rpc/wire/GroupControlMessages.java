package io.infrakit.rpc.wire;

import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;

import java.util.List;

/** The params and results of the {@code GroupControl} methods (an interface of this product, not of the original). */
public final class GroupControlMessages {

    private GroupControlMessages() {
    }

    /** {@code GroupControl.Commit} params. @param spec the group @param pretend dry run @param source where it comes from */
    public record CommitRequest(GroupSpec spec, boolean pretend, String source) {
    }

    /** {@code GroupControl.Commit} and {@code Rollback} result, and the other verbs'. @param details what happened, in words */
    public record DetailsResponse(String details) {
    }

    /** {@code GroupControl.Status} params. @param id a group ID, or empty for every group */
    public record StatusRequest(String id) {
    }

    /** {@code GroupControl.Status} result. @param groups the statuses */
    public record StatusResponse(List<GroupStatus> groups) {
    }

    /**
     * {@code GroupControl.Events} params.
     *
     * @param id the group ID
     * @param after only events numbered above this
     * @param limit at most this many (0: 100)
     * @param waitSeconds how long to wait for an event when there is none yet (at most 30)
     */
    public record EventsRequest(String id, long after, int limit, int waitSeconds) {
    }

    /** {@code GroupControl.Events} result. @param events the events, oldest first */
    public record EventsResponse(List<GroupEvent> events) {
    }

    /** {@code GroupControl.History} params, and {@code Pause}, {@code Resume}, {@code Stop}'s. @param id the group ID @param source where it comes from */
    public record GroupRequest(String id, String source) {
    }

    /** {@code GroupControl.History} result. @param revisions the revisions, oldest first */
    public record HistoryResponse(List<Revision> revisions) {
    }

    /** {@code GroupControl.Rollback} params. @param id the group ID @param revision the revision (0: the one before the latest) @param source where it comes from */
    public record RollbackRequest(String id, int revision, String source) {
    }
}
