package io.infrakit.bench;

import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.Spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The server JVM of the benchmark: the product's {@link PluginHost} serving one Instance plugin with
 * 100 precomputed descriptions on {@code <dir>/bench-instance}. Prints {@code READY <socket>} once
 * the socket accepts connections and runs until its standard input closes or it is killed. Beside it,
 * {@code <dir>/floor} serves the {@link FloorServer} echo, the baseline of the {@code floor} client mode.
 *
 * <p>Usage: {@code BenchServer [plugins-dir]}; without a directory a fresh one is made under /tmp (socket
 * paths are limited to 107 bytes).
 */
public final class BenchServer {

    /** The plugin name, hence the socket's file name. */
    static final String NAME = "bench-instance";
    /** The file name of the {@link FloorServer} socket beside the plugin's. */
    static final String FLOOR = "floor";
    /** How many descriptions {@code DescribeInstances} returns. */
    static final int DESCRIPTIONS = 100;

    private BenchServer() {
    }

    /**
     * Starts the server.
     *
     * @param args optionally the plugins directory
     * @throws Exception if the host cannot start
     */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory(Path.of("/tmp"), "ikb");
        LocalPlugins local = new LocalPlugins(1_000);
        PluginHost host = new PluginHost(local, dir, "", 60_000, 1 << 20);
        local.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", NAME, "service.id", 1L), new FixedInstances(DESCRIPTIONS));
        String problem = host.problem(NAME);
        Path socket = dir.resolve(NAME);
        if (problem != null || !Files.exists(socket)) {
            host.close();
            throw new IllegalStateException("cannot serve " + socket + ": " + problem);
        }
        FloorServer floor = new FloorServer(dir.resolve(FLOOR));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            try {
                floor.close();
            } catch (IOException e) {
                // exiting anyway
            }
        }, "bench-server-stop"));
        System.out.println("READY " + socket);
        System.out.flush();
        drain(System.in);
        host.close();
        floor.close();
    }

    /** Blocks until the stream ends: the benchmark script holds our stdin open while it needs us. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // ignore input
        }
    }
}
