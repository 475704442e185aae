package io.infrakit.rpc.server;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.wire.Spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** A plugin host on a fresh short temporary directory, with a client, for tests over real sockets. */
public final class HostFixture implements AutoCloseable {

    private static final AtomicLong SERVICE_IDS = new AtomicLong(1000);

    public final Path dir;
    public final LocalPlugins local;
    public final PluginHost host;
    public final RpcClient client;

    public HostFixture(long graceMillis) throws Exception {
        this(graceMillis, 30_000, 1 << 20);
    }

    public HostFixture(long graceMillis, long idleMillis, int maxBody) throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "ikt");
        dir = base.resolve("plugins");
        local = new LocalPlugins(graceMillis);
        host = new PluginHost(local, dir, "", idleMillis, maxBody);
        client = new RpcClient(Duration.ofSeconds(10), Duration.ofMillis(500));
    }

    /** Registers a service as the whiteboard would; returns its service properties for removal. */
    public Map<String, Object> register(Spi spi, String name, String type, Object service) {
        Map<String, Object> props = new HashMap<>();
        props.put("infrakit.plugin.name", name);
        if (type != null) {
            props.put("infrakit.plugin.type", type);
        }
        props.put("service.id", SERVICE_IDS.incrementAndGet());
        local.add(spi, props, service);
        return props;
    }

    public Path socket(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() throws IOException {
        client.close();
        host.close();
        try (Stream<Path> files = Files.walk(dir.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
