package io.infrakit.rpc.client;

import io.infrakit.rpc.wire.Json;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;

import java.nio.file.Path;
import java.util.List;

/**
 * The common part of the client proxies: the socket, the sub-type, and the handshake that must succeed
 * once before the first call, requiring the exact interface name and version (as the Go client does).
 */
abstract class RemotePlugin {

    final RpcClient client;
    final Path socket;
    final String type;
    private final InterfaceSpec required;
    private volatile boolean verified;

    RemotePlugin(RpcClient client, Path socket, String type, InterfaceSpec required) {
        this.client = client;
        this.socket = socket;
        this.type = type;
        this.required = required;
    }

    <R> R call(String method, Object params, Class<R> resultType) throws PluginException {
        if (!verified) {
            verify();
        }
        return client.call(socket, method, params, Json.valueReader(resultType));
    }

    /** As {@link #call(String, Object, Class)} for a call the server may hold for {@code heldMillis} (a long poll). */
    <R> R call(String method, Object params, Class<R> resultType, long heldMillis) throws PluginException {
        if (!verified) {
            verify();
        }
        return client.call(socket, method, params, Json.valueReader(resultType), heldMillis);
    }

    private void verify() throws PluginException {
        List<InterfaceSpec> specs = client.handshake(socket);
        for (InterfaceSpec spec : specs) {
            if (spec.name().equals(required.name())) {
                if (!spec.version().equals(required.version())) {
                    throw new PluginException("Plugin supports " + spec.name() + " interface version " + spec.version()
                            + ", client requires " + required.version() + " (" + socket + ")");
                }
                verified = true;
                return;
            }
        }
        throw unsupported("Plugin does not support interface " + required + " (" + socket + " implements " + specs + ")");
    }

    /**
     * The error of a plugin whose handshake does not list the interface.
     *
     * @param message what it lacks
     * @return the error to throw
     */
    PluginException unsupported(String message) {
        return new PluginException(message);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + socket + (type.isEmpty() ? "" : "/" + type) + "]";
    }
}
