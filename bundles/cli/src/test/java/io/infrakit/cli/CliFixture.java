package io.infrakit.cli;

import io.infrakit.ops.TestPacing;
import io.infrakit.rpc.server.LocalPlugins;
import io.infrakit.rpc.server.PluginHost;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginName;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * In-memory plugins served on real sockets by the rpc module's plugin host, in a short temporary
 * directory under /tmp (socket paths must stay under 107 bytes), and the command run in-process against it.
 */
final class CliFixture implements AutoCloseable {

    /** The outcome of one run: exit status and everything printed. */
    record Run(int status, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        /** The first line of stderr. */
        String errLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static final AtomicLong SERVICE_IDS = new AtomicLong(1);

    /** The clock of the waiting and watching verbs: virtual, so that nothing sleeps. */
    final TestPacing pacing = new TestPacing();
    final Path base;
    final Path dir;
    private final LocalPlugins local;
    private final PluginHost host;

    CliFixture() throws Exception {
        base = Files.createTempDirectory(Path.of("/tmp"), "ikc");
        dir = base.resolve("plugins");
        local = new LocalPlugins(1000);
        host = new PluginHost(local, dir, "", 30_000, 1 << 20);
    }

    /** Serves a plugin under {@code name}, or under {@code name/type} when a type is given. */
    void serve(Spi spi, String name, String type, Object service) {
        Map<String, Object> props = new HashMap<>();
        props.put(PluginName.SERVICE_PROPERTY, name);
        if (type != null) {
            props.put(PluginName.TYPE_SERVICE_PROPERTY, type);
        }
        props.put("service.id", SERVICE_IDS.incrementAndGet());
        local.add(spi, props, service);
    }

    /** Writes a file next to the plugins directory. */
    Path file(String name, String content) throws IOException {
        return Files.writeString(base.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** Runs {@code infrakit args...} with INFRAKIT_PLUGINS_DIR pointing at this fixture's directory, on {@link #pacing}'s clock. */
    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment environment = new Environment(Map.of("INFRAKIT_PLUGINS_DIR", dir.toString()), "/nonexistent-home");
        int status = Main.run(args, environment, new PrintWriter(out), new PrintWriter(err), pacing);
        return new Run(status, out.toString(), err.toString());
    }

    static Run runIn(Environment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, environment, new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    @Override
    public void close() throws IOException {
        host.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
