package io.infrakit.rpc.client;

import static io.infrakit.rpc.testing.CannedUnixServer.BodyEnd.NEWLINE;
import static io.infrakit.rpc.testing.CannedUnixServer.ok;
import static io.infrakit.rpc.testing.CannedUnixServer.raw;
import static io.infrakit.rpc.testing.CannedUnixServer.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infrakit.rpc.testing.CannedUnixServer;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.InstancePlugin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client's transport against a server that is not ours, answering as other HTTP servers may:
 * chunked, in pieces, closing connections, too slow, too big, not JSON-RPC.
 */
class RpcClientTest {

    private static final String IMPLEMENTS = result("{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.3.0\"}]}");

    private Path dir;
    private CannedUnixServer server;
    private RpcClient client;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ikc");
        server = new CannedUnixServer(dir.resolve("plugin"), NEWLINE);
        client = new RpcClient(Duration.ofSeconds(5), Duration.ofMillis(300));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.close();
        Files.deleteIfExists(dir);
    }

    @Test
    void readsAChunkedAnswerWrittenInPieces() throws Exception {
        String body = IMPLEMENTS;
        String first = body.substring(0, 10);
        String rest = body.substring(10);
        server.then(raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
                "Transfer-Encoding: chunked\r\n\r\n",
                Integer.toHexString(first.length()) + "\r\n" + first + "\r\n",
                Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n",
                "0\r\n\r\n"));
        assertEquals(List.of(InstancePlugin.INTERFACE), client.handshake(server.socket));
        String request = server.requests.get(0).text();
        assertTrue(request.startsWith("POST / HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nContent-Type: application/json\r\n"), request);
        assertTrue(request.contains("\"method\":\"Handshake.Implements\""), request);
    }

    @Test
    void keepsTheConnectionForTheNextCall() throws Exception {
        server.then(ok(IMPLEMENTS)).then(ok(IMPLEMENTS)).then(ok(IMPLEMENTS));
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(InstancePlugin.INTERFACE), client.handshake(server.socket));
        }
        assertEquals(1, server.connections.get());
    }

    @Test
    void opensANewConnectionAfterConnectionClose() throws Exception {
        server.then(raw("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + IMPLEMENTS.length() + "\r\n\r\n" + IMPLEMENTS))
                .then(ok(IMPLEMENTS));
        client.handshake(server.socket);
        client.handshake(server.socket);
        assertEquals(2, server.connections.get());
    }

    @Test
    void readsAnAnswerThatEndsWhenTheServerCloses() throws Exception {
        // HTTP/1.0 style: no length, the end of the stream ends the body
        server.then((c, request) -> {
            CannedUnixServer.write(c, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + IMPLEMENTS);
            return false;
        }).then(ok(IMPLEMENTS));
        assertEquals(List.of(InstancePlugin.INTERFACE), client.handshake(server.socket));
        assertEquals(List.of(InstancePlugin.INTERFACE), client.handshake(server.socket));
        assertEquals(2, server.connections.get());
    }

    @Test
    void doesNotSendOnAConnectionTheServerClosedWhileIdle() throws Exception {
        // answered with keep-alive, then closed by the server (its idle timeout, a restart)
        server.then((c, request) -> {
            CannedUnixServer.write(c, "HTTP/1.1 200 OK\r\nContent-Length: " + IMPLEMENTS.length() + "\r\n\r\n" + IMPLEMENTS);
            return false;
        }).then(ok(IMPLEMENTS));
        client.handshake(server.socket);
        // once the server has dropped the connection, the next call must not be sent on it
        awaitClosedByServer();
        assertEquals(List.of(InstancePlugin.INTERFACE), client.handshake(server.socket));
        assertEquals(2, server.connections.get());
        assertEquals(2, server.requests.size());
    }

    @Test
    void aSilentPluginTimesOutAndItsConnectionIsClosed() throws Exception {
        try (RpcClient quick = new RpcClient(Duration.ofMillis(300))) {
            server.then((c, request) -> {
                // never answers; keeps the connection until the client closes it
                return c.read(java.nio.ByteBuffer.allocate(1)) >= 0;
            });
            long start = System.nanoTime();
            PluginException e = assertThrows(PluginException.class, () -> quick.handshake(server.socket));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("Plugin at " + server.socket + " did not answer within 300 ms", e.getMessage());
            assertTrue(elapsedMillis >= 290 && elapsedMillis < 3000, "took " + elapsedMillis + " ms");
        }
    }

    @Test
    void anAbsentSocketFailsAfterTheRetryWindow() {
        Path missing = dir.resolve("missing");
        long start = System.nanoTime();
        PluginException e = assertThrows(PluginException.class, () -> client.handshake(missing));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().startsWith("No plugin is listening on " + missing), e.getMessage());
        assertTrue(elapsedMillis >= 100 && elapsedMillis < 3000, "took " + elapsedMillis + " ms");
    }

    @Test
    void anHttpErrorIsReportedWithItsText() {
        server.then(raw("HTTP/1.1 415 Unsupported Media Type\r\nContent-Type: text/plain\r\nContent-Length: 32\r\n\r\n"
                + "rpc: unrecognized Content-Type: \n"));
        PluginException e = assertThrows(PluginException.class, () -> client.handshake(server.socket));
        assertEquals("Plugin at " + server.socket + " answered HTTP 415: rpc: unrecognized Content-Type:", e.getMessage());
    }

    @Test
    void anAnswerThatIsNotHttpFailsClearly() {
        server.then(raw("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
        PluginException e = assertThrows(PluginException.class, () -> client.handshake(server.socket));
        assertTrue(e.getMessage().startsWith("Call to plugin at " + server.socket + " failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("not valid HTTP"), e.getMessage());
    }

    @Test
    void anAnswerCutShortFailsClearly() {
        server.then((c, request) -> {
            CannedUnixServer.write(c, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"jsonrpc\":");
            return false;
        });
        PluginException e = assertThrows(PluginException.class, () -> client.handshake(server.socket));
        assertTrue(e.getMessage().startsWith("Call to plugin at " + server.socket + " failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }

    @Test
    void aResultOfTheWrongShapeAndABodyThatIsNotJsonRpcAreToldApart() {
        server.then(ok(result("{\"APIs\":\"Instance\"}"))).then(ok("<html>hello</html>\n"));
        PluginException wrongShape = assertThrows(PluginException.class, () -> client.handshake(server.socket));
        assertTrue(wrongShape.getMessage().startsWith("Plugin at " + server.socket + " answered Handshake.Implements with an unreadable result: APIs: expected an array"),
                wrongShape.getMessage());
        PluginException notRpc = assertThrows(PluginException.class, () -> client.handshake(server.socket));
        assertTrue(notRpc.getMessage().startsWith("Plugin at " + server.socket + " answered Handshake.Implements with something that is not JSON-RPC"),
                notRpc.getMessage());
    }

    @Test
    void theErrorOfAnAnswerIsTheMessage() {
        server.then(ok("{\"jsonrpc\":\"2.0\",\"result\":null,\"error\":{\"code\":-32000,\"message\":\"plugin is busy\",\"data\":null},\"id\":1}\n"));
        PluginException e = assertThrows(PluginException.class, () -> client.handshake(server.socket));
        assertEquals("plugin is busy", e.getMessage());
    }

    @Test
    void anAnswerOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        server.then(raw("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"));
        try (SocketConnection connection = SocketConnection.open(server.socket, 1000)) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> connection.exchange("{}\n".getBytes(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
            assertEquals("the plugin's answer is larger than 1000 bytes", e.getMessage());
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void aChunkedAnswerOverTheLimitIsRefused() throws Exception {
        String chunk = "x".repeat(600);
        server.then(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                "258\r\n" + chunk + "\r\n", "258\r\n" + chunk + "\r\n", "0\r\n\r\n"));
        try (SocketConnection connection = SocketConnection.open(server.socket, 1000)) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> connection.exchange("{}\n".getBytes(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
            assertEquals("the plugin's answer is larger than 1000 bytes", e.getMessage());
        }
    }

    @Test
    void handshakeSpecsAreTheInterfacesTheServerNamed() throws Exception {
        server.then(ok(result("{\"APIs\":[{\"Name\":\"Flavor\",\"Version\":\"0.1.0\"},{\"Name\":\"Instance\",\"Version\":\"0.3.0\"}]}")));
        assertEquals(List.of(new InterfaceSpec("Flavor", "0.1.0"), InstancePlugin.INTERFACE), client.handshake(server.socket));
    }

    private void awaitClosedByServer() throws InterruptedException {
        assertEquals(1, server.closedByServer.poll(5, TimeUnit.SECONDS));
    }
}
