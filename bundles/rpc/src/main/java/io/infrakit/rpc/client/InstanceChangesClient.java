package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.InstanceChangesMessages;
import io.infrakit.rpc.wire.InstanceChangesMessages.ChangesRequest;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.registry.PluginNotFoundException;

import java.nio.file.Path;

/**
 * {@link InstanceChanges} over a socket. The call may be held by the plugin for the whole wait, so its timeout is
 * the wait plus the client's call timeout; other calls keep the call timeout alone. A plugin that does not list the
 * interface in its handshake (a Go plugin) fails with a {@link PluginNotFoundException}, as a local plugin without
 * it fails its lookup: the caller polls it instead.
 */
final class InstanceChangesClient extends RemotePlugin implements InstanceChanges {

    InstanceChangesClient(RpcClient client, Path socket) {
        super(client, socket, "", INTERFACE);
    }

    @Override
    public Changes changes(long after, long waitMillis) throws PluginException {
        long wait = InstanceChangesMessages.cappedWait(waitMillis);
        return call("InstanceChanges.Changes", new ChangesRequest(after, wait), Changes.class, wait);
    }

    @Override
    PluginException unsupported(String message) {
        return new PluginNotFoundException(message);
    }
}
