package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.CommonMessages.Empty;
import io.infrakit.rpc.wire.CommonMessages.Ok;
import io.infrakit.rpc.wire.GroupMessages.CommitGroupRequest;
import io.infrakit.rpc.wire.GroupMessages.CommitGroupResponse;
import io.infrakit.rpc.wire.GroupMessages.DescribeGroupResponse;
import io.infrakit.rpc.wire.GroupMessages.GroupIdRequest;
import io.infrakit.rpc.wire.GroupMessages.InspectGroupsResponse;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;

import java.nio.file.Path;
import java.util.List;

/** {@link GroupPlugin} over a socket. */
final class GroupClient extends RemotePlugin implements GroupPlugin {

    GroupClient(RpcClient client, Path socket) {
        super(client, socket, "", INTERFACE);
    }

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        return call("Group.CommitGroup", new CommitGroupRequest(spec, pretend), CommitGroupResponse.class).details();
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        call("Group.FreeGroup", new GroupIdRequest(id), Ok.class);
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        GroupDescription description = call("Group.DescribeGroup", new GroupIdRequest(id), DescribeGroupResponse.class).description();
        return description == null ? new GroupDescription(null, false) : description;
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        call("Group.DestroyGroup", new GroupIdRequest(id), Ok.class);
    }

    @Override
    public List<GroupSpec> inspectGroups() throws PluginException {
        List<GroupSpec> groups = call("Group.InspectGroups", new Empty(), InspectGroupsResponse.class).groups();
        return groups == null ? List.of() : groups;
    }
}
