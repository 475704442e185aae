package io.infrakit.itests;

import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plugins of the test JVM served on Unix sockets in a Karaf node's plugins directory, with the product's own
 * plugin host: to the node they are plugins of another process, found by their socket as a Go plugin is.
 */
final class TestPluginHost implements AutoCloseable {

    private static final AtomicLong SERVICE_IDS = new AtomicLong(1_000_000);

    private final LocalPlugins local = new LocalPlugins(1000);
    private final PluginHost host;
    private final Path dir;

    /**
     * Starts serving sockets in a directory (created if missing).
     *
     * @param dir the plugins directory
     */
    TestPluginHost(Path dir) throws Exception {
        this.dir = dir;
        this.host = new PluginHost(local, dir, "", 30_000, 1 << 20);
    }

    /**
     * Serves a plugin and waits for its socket.
     *
     * @param spi the plugin's interface
     * @param name the plugin (socket) name
     * @param plugin the plugin
     * @return the socket
     */
    Path serve(Spi spi, String name, Object plugin) throws Exception {
        local.add(spi, Map.of(PluginName.SERVICE_PROPERTY, name, "service.id", SERVICE_IDS.incrementAndGet()), plugin);
        Path socket = dir.resolve(name);
        SocketFiles.awaitPresent(socket, Duration.ofSeconds(10));
        return socket;
    }

    /** Closes every socket. */
    @Override
    public void close() {
        host.close();
    }
}
