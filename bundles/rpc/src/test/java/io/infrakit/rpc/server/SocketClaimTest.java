package io.infrakit.rpc.server;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.instance.InstancePlugin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the host does with whatever is already at a socket path. */
class SocketClaimTest {

    private HostFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(500);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private static ServerSocketChannel listen(Path path) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }

    @Test
    void aStaleSocketLeftByADeadProcessIsReplaced() throws Exception {
        listen(fx.socket("stale")).close(); // closed without unlinking, as a killed process leaves it
        assertTrue(SocketFiles.isSocket(fx.socket("stale")) && !SocketFiles.isLive(fx.socket("stale")));
        fx.register(Spi.INSTANCE, "stale", null, new Fakes.Instances("s"));
        assertNull(fx.host.problem("stale"));
        assertEquals("s-1", fx.client.connect(fx.socket("stale"), "", InstancePlugin.class)
                .provision(new io.infrakit.spi.instance.InstanceSpec(null, null, null, null, null)));
    }

    @Test
    void aLiveSocketOfAnotherProcessIsNeverTakenOver() throws Exception {
        try (ServerSocketChannel other = listen(fx.socket("taken"))) {
            Object identity = Files.getAttribute(fx.socket("taken"), "unix:ino");
            fx.register(Spi.INSTANCE, "taken", null, new Fakes.Instances("t"));
            String problem = fx.host.problem("taken");
            assertTrue(problem.contains("is in use by another process") && problem.contains(fx.socket("taken").toString()), problem);
            assertEquals(identity, Files.getAttribute(fx.socket("taken"), "unix:ino"), "the other process keeps its socket");
            assertTrue(SocketFiles.isLive(fx.socket("taken")));
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Files.writeString(fx.socket("notes"), "mine");
        fx.register(Spi.INSTANCE, "notes", null, new Fakes.Instances("n"));
        assertTrue(fx.host.problem("notes").contains("exists and is not a socket"), fx.host.problem("notes"));
        assertEquals("mine", Files.readString(fx.socket("notes")));
    }

    @Test
    void aSocketPathOverTheKernelLimitIsAClearErrorNamingThePath() throws Exception {
        String name = "n".repeat(100);
        fx.register(Spi.INSTANCE, name, null, new Fakes.Instances("l"));
        String problem = fx.host.problem(name);
        assertTrue(problem.startsWith("Socket path " + fx.socket(name) + " is "), problem);
        assertTrue(problem.contains("at most 106"), problem);
        assertTrue(!Files.exists(fx.socket(name)));
    }

    @Test
    void aBadRegistrationIsIgnored() {
        fx.local.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", "../escape", "service.id", 5L), new Fakes.Instances("x"));
        fx.local.add(Spi.INSTANCE, Map.of("infrakit.plugin.name", 42, "service.id", 6L), new Fakes.Instances("x"));
        assertNull(fx.local.get("../escape"));
        assertTrue(fx.local.all().isEmpty());
        assertTrue(!Files.exists(fx.dir.getParent().resolve("escape")));
    }
}
