package io.infrakit.rpc.client;

import static io.infrakit.rpc.testing.CannedUnixServer.BodyEnd.NEWLINE;
import static io.infrakit.rpc.testing.CannedUnixServer.ok;
import static io.infrakit.rpc.testing.CannedUnixServer.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.infrakit.rpc.testing.CannedUnixServer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The bytes of request heads: the JSON-RPC request is unchanged by the general requests beside it. */
class RequestHeadTest {

    @Test
    void theJsonRpcRequestIsExactlyAsBefore() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ikh");
        try (CannedUnixServer server = new CannedUnixServer(dir.resolve("plugin"), NEWLINE);
             RpcClient client = new RpcClient(Duration.ofSeconds(5))) {
            server.then(ok(result("{\"ok\":true}")));
            client.call(server.socket, "Plugin.Thing", "{\"A\":1}");
            String request = server.requests.get(0).text();
            String body = request.substring(request.indexOf("\r\n\r\n") + 4);
            assertEquals("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body, request);
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void otherRequestsNameTheirMethodTargetAndBody() {
        assertEquals("GET /v1.41/nodes/abc HTTP/1.1\r\nHost: localhost\r\n\r\n", head("GET", "/v1.41/nodes/abc", null));
        assertEquals("DELETE /containers/x?force=1 HTTP/1.1\r\nHost: localhost\r\n\r\n", head("DELETE", "/containers/x?force=1", null));
        assertEquals("POST /swarm/update?version=3 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 6\r\n\r\n",
                head("POST", "/swarm/update?version=3", "{\"\u00e9\"}"));
        assertEquals("POST /containers/x/start HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", head("POST", "/containers/x/start", null));
    }

    @Test
    void aRequestLineThatWouldBeForgedIsRefused() {
        for (String target : new String[] {"/a b", "/a\r\nX-Injected: 1", "relative", "", "/\u00e9"}) {
            assertThrows(IllegalArgumentException.class, () -> SocketConnection.head("GET", target, null), target);
        }
        for (String method : new String[] {"get", "HEAD", "GET /", ""}) {
            assertThrows(IllegalArgumentException.class, () -> SocketConnection.head(method, "/", null), method);
        }
    }

    @Test
    void anAbsentSocketFailsTheCallWithoutSendingAnything() throws IOException {
        try (UnixHttpClient http = new UnixHttpClient("Docker engine", Duration.ofSeconds(20), 1024)) {
            assertThrows(IOException.class, () -> http.send(Path.of("/tmp/no-such-dir-ikh/x.sock"), "GET", "/info", null, Duration.ofSeconds(1)));
        }
    }

    private static String head(String method, String target, String body) {
        byte[] bytes = SocketConnection.head(method, target, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(bytes, SocketConnection.head(method, target, body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
