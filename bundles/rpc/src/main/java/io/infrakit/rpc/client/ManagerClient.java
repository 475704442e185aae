package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.CommonMessages.Empty;
import io.infrakit.rpc.wire.GroupMessages.IsLeaderResponse;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.Manager;

import java.nio.file.Path;

/** {@link Manager} over a socket. */
final class ManagerClient extends RemotePlugin implements Manager {

    ManagerClient(RpcClient client, Path socket) {
        super(client, socket, "", INTERFACE);
    }

    @Override
    public boolean isLeader() throws PluginException {
        return call("Manager.IsLeader", new Empty(), IsLeaderResponse.class).leader();
    }
}
