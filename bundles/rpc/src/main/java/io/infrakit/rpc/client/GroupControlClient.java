package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.GroupControlMessages.CommitRequest;
import io.infrakit.rpc.wire.GroupControlMessages.DetailsResponse;
import io.infrakit.rpc.wire.GroupControlMessages.EventsRequest;
import io.infrakit.rpc.wire.GroupControlMessages.EventsResponse;
import io.infrakit.rpc.wire.GroupControlMessages.GroupRequest;
import io.infrakit.rpc.wire.GroupControlMessages.HistoryResponse;
import io.infrakit.rpc.wire.GroupControlMessages.RollbackRequest;
import io.infrakit.rpc.wire.GroupControlMessages.StatusRequest;
import io.infrakit.rpc.wire.GroupControlMessages.StatusResponse;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;

import java.nio.file.Path;
import java.util.List;

/** {@link GroupControl} over a socket. */
final class GroupControlClient extends RemotePlugin implements GroupControl {

    /** The longest an events call waits on the server, in seconds; the call's own timeout must be longer. */
    static final int MAX_WAIT_SECONDS = 30;

    GroupControlClient(RpcClient client, Path socket) {
        super(client, socket, "", INTERFACE);
    }

    @Override
    public String commit(GroupSpec spec, boolean pretend, String source) throws PluginException {
        return call("GroupControl.Commit", new CommitRequest(spec, pretend, source), DetailsResponse.class).details();
    }

    @Override
    public List<GroupStatus> status(String id) throws PluginException {
        List<GroupStatus> groups = call("GroupControl.Status", new StatusRequest(id == null ? "" : id), StatusResponse.class).groups();
        return groups == null ? List.of() : groups;
    }

    @Override
    public List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
        int wait = (int) Math.min(MAX_WAIT_SECONDS, Math.max(0, (waitMillis + 999) / 1000));
        List<GroupEvent> events = call("GroupControl.Events", new EventsRequest(id, after, limit, wait), EventsResponse.class,
                wait * 1000L).events();
        return events == null ? List.of() : events;
    }

    @Override
    public List<Revision> history(String id) throws PluginException {
        List<Revision> revisions = call("GroupControl.History", new GroupRequest(id, null), HistoryResponse.class).revisions();
        return revisions == null ? List.of() : revisions;
    }

    @Override
    public String rollback(String id, int revision, String source) throws PluginException {
        return call("GroupControl.Rollback", new RollbackRequest(id, revision, source), DetailsResponse.class).details();
    }

    @Override
    public String pause(String id, String source) throws PluginException {
        return call("GroupControl.Pause", new GroupRequest(id, source), DetailsResponse.class).details();
    }

    @Override
    public String resume(String id, String source) throws PluginException {
        return call("GroupControl.Resume", new GroupRequest(id, source), DetailsResponse.class).details();
    }

    @Override
    public String stop(String id, String source) throws PluginException {
        return call("GroupControl.Stop", new GroupRequest(id, source), DetailsResponse.class).details();
    }
}
