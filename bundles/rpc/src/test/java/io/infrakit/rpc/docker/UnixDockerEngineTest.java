package io.infrakit.rpc.docker;

import static io.infrakit.rpc.testing.CannedUnixServer.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.infrakit.rpc.testing.CannedUnixServer;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The Docker Engine client against a canned engine on a real Unix socket. */
class UnixDockerEngineTest {

    private Path dir;
    private CannedUnixServer engine;
    private String host;
    private UnixDockerEngine docker;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ikd");
        engine = new CannedUnixServer(dir.resolve("docker.sock"));
        host = "unix://" + engine.socket;
        docker = new UnixDockerEngine(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() throws IOException {
        docker.close();
        engine.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Test
    void aGetSendsNoBodyAndReturnsTheAnswersJson() throws Exception {
        String info = "{\"Swarm\":{\"NodeID\":\"abc\",\"LocalNodeState\":\"active\"},\"Name\":\"vm\"}";
        engine.then(answer(200, info));
        RawJson answer = docker.call(host, "GET", "/v1.41/info", null);
        assertEquals(info, answer.json());
        CannedUnixServer.Request request = engine.requests.get(0);
        assertEquals("GET /v1.41/info HTTP/1.1", request.requestLine());
        assertTrue(request.hasHeader("Host: localhost"), request.head());
        assertFalse(request.head().toLowerCase().contains("content-length"), request.head());
        assertFalse(request.head().toLowerCase().contains("content-type"), request.head());
    }

    @Test
    void aPostSendsItsJsonBodyWithItsLengthInBytes() throws Exception {
        String spec = "{\"Name\":\"default\",\"Labels\":{\"note\":\"d\u00e9j\u00e0 vu \u2713\"},\"CAConfig\":{\"NodeCertExpiry\":7776000000000000}}";
        engine.then(raw("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertNull(docker.call(host, "POST", "/v1.41/swarm/update?version=12", new RawJson(spec)));
        CannedUnixServer.Request request = engine.requests.get(0);
        assertEquals("POST /v1.41/swarm/update?version=12 HTTP/1.1", request.requestLine());
        assertTrue(request.hasHeader("Content-Type: application/json"), request.head());
        assertTrue(request.hasHeader("Content-Length: " + spec.getBytes(StandardCharsets.UTF_8).length), request.head());
        assertEquals(spec, request.body());
    }

    @Test
    void aPostWithoutBodySaysItsLengthIsZero() throws Exception {
        engine.then(answer(201, "{\"Id\":\"x\"}"));
        assertEquals("{\"Id\":\"x\"}", docker.call(host, "POST", "/containers/x/start", null).json());
        assertTrue(engine.requests.get(0).hasHeader("Content-Length: 0"), engine.requests.get(0).head());
    }

    @Test
    void noContentIsNull() throws Exception {
        engine.then(raw("HTTP/1.1 204 No Content\r\nServer: Docker\r\n\r\n")).then(answer(200, "{}"));
        assertNull(docker.call(host, "DELETE", "/containers/x", null));
        // the 204 ended without a body: the connection carries the next call
        assertEquals("{}", docker.call(host, "GET", "/info", null).json());
        assertEquals(1, engine.connections.get());
    }

    @Test
    void aChunkedAnswerIsReadWhole() throws Exception {
        String nodes = "[{\"ID\":\"a\"},{\"ID\":\"b\"}]";
        engine.then(raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n" + nodes.substring(0, 5) + "\r\n" + Integer.toHexString(nodes.length() - 5) + "\r\n" + nodes.substring(5) + "\r\n0\r\n\r\n"));
        assertEquals(nodes, docker.call(host, "GET", "/nodes", null).json());
    }

    @Test
    void connectionsAreKeptForTheNextCalls() throws Exception {
        engine.then(answer(200, "{}")).then(answer(200, "{}")).then(answer(200, "{}"));
        for (int i = 0; i < 3; i++) {
            docker.call(host, "GET", "/info", null);
        }
        assertEquals(1, engine.connections.get());
        assertEquals(3, engine.requests.size());
    }

    @Test
    void anErrorStatusCarriesTheEnginesMessage() {
        engine.then(answer(500, "{\"message\":\"rpc error: code = Unknown desc = update out of sequence\"}\n"));
        DockerException e = assertThrows(DockerException.class, () -> docker.call(host, "POST", "/swarm/update?version=3", new RawJson("{}")));
        assertEquals(500, e.status());
        assertEquals("rpc error: code = Unknown desc = update out of sequence", e.getMessage());
    }

    @Test
    void anErrorThatIsNotJsonCarriesItsBodyOrItsStatus() {
        engine.then(raw("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\n404 page not found\n"))
                .then(raw("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"));
        DockerException notFound = assertThrows(DockerException.class, () -> docker.call(host, "GET", "/nope", null));
        assertEquals(404, notFound.status());
        assertEquals("404 page not found", notFound.getMessage());
        DockerException unavailable = assertThrows(DockerException.class, () -> docker.call(host, "GET", "/nodes/x", null));
        assertEquals(503, unavailable.status());
        assertEquals("The Docker engine answered HTTP 503", unavailable.getMessage());
    }

    @Test
    void onlyUnixHostsAreAccepted() {
        for (String bad : new String[] {"tcp://127.0.0.1:2375", "https://docker:2376", "/var/run/docker.sock", "unix://relative.sock", "", null}) {
            DockerException e = assertThrows(DockerException.class, () -> docker.call(bad, "GET", "/info", null), String.valueOf(bad));
            assertEquals(DockerException.NO_ANSWER, e.status());
            assertTrue(e.getMessage().startsWith("Unsupported Docker host: " + bad + " ("), e.getMessage());
        }
        assertEquals(0, engine.connections.get());
    }

    @Test
    void aSocketPathLongerThanTheKernelAllowsIsRefusedClearly() throws Exception {
        String path = "/tmp/ikd" + Long.toString(System.nanoTime(), 36) + "-";
        path = path + "d".repeat(106 - path.length());
        assertEquals(106, path.length());
        // 106 bytes is allowed and works
        try (CannedUnixServer longPath = new CannedUnixServer(Path.of(path))) {
            longPath.then(answer(200, "{\"ok\":1}"));
            assertEquals("{\"ok\":1}", docker.call("unix://" + path, "GET", "/info", null).json());
        }
        String longer = path + "x";
        DockerException tooLong = assertThrows(DockerException.class, () -> docker.call("unix://" + longer, "GET", "/info", null));
        assertEquals("The Docker socket path " + longer + " is 107 bytes long; Unix socket paths may have at most 106 bytes here: "
                + "use a shorter path (a symbolic link to the socket will do)", tooLong.getMessage());
        // bytes, not characters
        String accented = "/tmp/" + "\u00e9".repeat(52);
        DockerException inBytes = assertThrows(DockerException.class, () -> docker.call("unix://" + accented, "GET", "/info", null));
        assertTrue(inBytes.getMessage().contains(" is 109 bytes long; Unix socket paths may have at most 106 bytes"), inBytes.getMessage());
    }

    @Test
    void anEngineThatIsDownFailsAtOnceWithoutAnAnswer() throws Exception {
        Path missing = dir.resolve("missing.sock");
        long start = System.nanoTime();
        DockerException e = assertThrows(DockerException.class, () -> docker.call("unix://" + missing, "GET", "/info", null));
        assertEquals(DockerException.NO_ANSWER, e.status());
        assertEquals("Cannot connect to the Docker engine at unix://" + missing + ": no such socket. Is the docker daemon running?", e.getMessage());
        // a socket file nobody listens on (a dead daemon's)
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        DockerException refused = assertThrows(DockerException.class, () -> docker.call("unix://" + stale, "GET", "/info", null));
        assertEquals("Cannot connect to the Docker engine at unix://" + stale + ": connection refused. Is the docker daemon running?", refused.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "an engine that is down must fail at once, not after the timeout");
    }

    @Test
    void aSilentEngineTimesOut() throws Exception {
        try (UnixDockerEngine quick = new UnixDockerEngine(Duration.ofMillis(300))) {
            engine.then((c, request) -> c.read(java.nio.ByteBuffer.allocate(1)) >= 0);
            long start = System.nanoTime();
            DockerException e = assertThrows(DockerException.class, () -> quick.call(host, "GET", "/info", null));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("The Docker engine at " + host + " did not answer GET /info within 300 ms", e.getMessage());
            assertEquals(DockerException.NO_ANSWER, e.status());
            assertTrue(elapsedMillis >= 290 && elapsedMillis < 3000, "took " + elapsedMillis + " ms");
        }
    }

    @Test
    void aGetOnAKeptConnectionTheEngineDroppedIsSentAgainOnANewOne() throws Exception {
        // the second request reaches a connection the engine drops without answering (a restart, an idle close racing the request)
        engine.then(answer(200, "{\"n\":1}")).then((c, request) -> false).then(answer(200, "{\"n\":2}"));
        assertEquals("{\"n\":1}", docker.call(host, "GET", "/info", null).json());
        assertEquals("{\"n\":2}", docker.call(host, "GET", "/info", null).json());
        assertEquals(2, engine.connections.get());
        assertEquals(3, engine.requests.size());
    }

    @Test
    void aPostOnAKeptConnectionTheEngineDroppedIsNotRepeated() throws Exception {
        engine.then(answer(200, "{}")).then((c, request) -> false).then(answer(200, "{}"));
        docker.call(host, "GET", "/swarm", null);
        DockerException e = assertThrows(DockerException.class, () -> docker.call(host, "POST", "/swarm/update?version=1", new RawJson("{}")));
        assertEquals("Call POST /swarm/update?version=1 to the Docker engine at " + host + " failed: the Docker engine closed the connection before answering",
                e.getMessage());
        assertEquals(2, engine.requests.size());
    }

    @Test
    void aMethodOrPathThatCannotBeSentIsRefusedBeforeConnecting() {
        DockerException method = assertThrows(DockerException.class, () -> docker.call(host, "HEAD", "/info", null));
        assertTrue(method.getMessage().startsWith("Unsupported Docker Engine API method: HEAD"), method.getMessage());
        for (String path : new String[] {"info", "/info HTTP/1.1\r\nX: y", "/nodes/a b", "/caf\u00e9", null}) {
            DockerException e = assertThrows(DockerException.class, () -> docker.call(host, "GET", path, null), path);
            assertTrue(e.getMessage().startsWith("Invalid Docker Engine API path: "), e.getMessage());
        }
        assertEquals(0, engine.connections.get());
    }

    /** What a stream delivered: its values, then its end ({@code "ended: null"} or the failure's message). */
    private static final class Heard {
        final BlockingQueue<String> values = new LinkedBlockingQueue<>();
        final BlockingQueue<String> ends = new LinkedBlockingQueue<>();

        void value(RawJson json) {
            values.add(json.json());
        }

        void end(Throwable failure) {
            ends.add("ended: " + (failure == null ? null : failure.getMessage()));
        }

        String next() throws InterruptedException {
            String value = values.poll(5, TimeUnit.SECONDS);
            if (value == null) {
                throw new AssertionError("no value within 5 s");
            }
            return value;
        }

        String end() throws InterruptedException {
            String end = ends.poll(5, TimeUnit.SECONDS);
            if (end == null) {
                throw new AssertionError("the stream did not end within 5 s");
            }
            return end;
        }
    }

    private static final String STREAM_HEAD = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    @Test
    void aStreamHandsOverEachValueAsItComesNotAtTheEnd() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        engine.then((c, request) -> {
            // a value split across two chunks, the second only once the first value was taken
            CannedUnixServer.write(c, STREAM_HEAD + chunk("{\"Action\":\"die\",\"id\":\"a\"}\n{\"Action\":"));
            await(second);
            CannedUnixServer.write(c, chunk("\"destroy\",\"id\":\"a\"}\r\n\n"));
            await(finish);
            CannedUnixServer.write(c, chunk("{\"last\":true}") + "0\r\n\r\n");
            return true;
        });
        Heard heard = new Heard();
        Closeable stream = docker.stream(host, "GET", "/events?filters=%7B%7D", heard::value, heard::end);
        try {
            assertEquals("{\"Action\":\"die\",\"id\":\"a\"}", heard.next());
            assertTrue(heard.values.isEmpty(), "half a value is not a value");
            second.countDown();
            assertEquals("{\"Action\":\"destroy\",\"id\":\"a\"}", heard.next(), "the line end is CR LF, and blank lines are skipped");
            assertTrue(heard.ends.isEmpty(), "the answer goes on");
            finish.countDown();
            assertEquals("{\"last\":true}", heard.next(), "a last value without a line end");
            assertEquals("ended: null", heard.end());
        } finally {
            stream.close();
        }
        assertEquals("GET /events?filters=%7B%7D HTTP/1.1", engine.requests.get(0).requestLine());
        assertTrue(heard.ends.isEmpty(), "ended once");
    }

    @Test
    void aStreamedPostSaysItHasNoBodyAndAnErrorStatusIsThrownWithTheEnginesWords() throws Exception {
        engine.then(answer(404, "{\"message\":\"pull access denied for nothere, repository does not exist\"}"));
        Heard heard = new Heard();
        DockerException e = assertThrows(DockerException.class,
                () -> docker.stream(host, "POST", "/images/create?fromImage=nothere&tag=1", heard::value, heard::end));
        assertEquals(404, e.status());
        assertEquals("pull access denied for nothere, repository does not exist", e.getMessage());
        assertTrue(engine.requests.get(0).hasHeader("Content-Length: 0"), engine.requests.get(0).head());
        assertTrue(heard.values.isEmpty());
        assertTrue(heard.ends.isEmpty(), "the caller has the error: ended is not called");
    }

    @Test
    void closingAStreamEndsTheRequestWithoutCallingEnded() throws Exception {
        engine.then((c, request) -> {
            CannedUnixServer.write(c, STREAM_HEAD + chunk("{\"n\":1}\n"));
            // the engine would go on forever: wait for the client to hang up
            return c.read(java.nio.ByteBuffer.allocate(1)) >= 0;
        });
        Heard heard = new Heard();
        Closeable stream = docker.stream(host, "GET", "/events", heard::value, heard::end);
        assertEquals("{\"n\":1}", heard.next());
        stream.close();
        assertEquals(Integer.valueOf(1), engine.closedByServer.poll(5, TimeUnit.SECONDS), "the connection is closed");
        assertTrue(heard.ends.isEmpty(), "not ended: closed");
    }

    @Test
    void anAnswerCutShortEndsTheStreamAsAFailure() throws Exception {
        engine.then((c, request) -> {
            CannedUnixServer.write(c, STREAM_HEAD + chunk("{\"n\":1}\n"));
            return false;
        });
        Heard heard = new Heard();
        Closeable stream = docker.stream(host, "GET", "/events", heard::value, heard::end);
        try {
            assertEquals("{\"n\":1}", heard.next());
            assertEquals("ended: Call GET /events to the Docker engine at " + host
                    + " failed: the Docker engine closed the connection in the middle of its answer", heard.end());
        } finally {
            stream.close();
        }
    }

    @Test
    void aConsumerThatThrowsEndsTheStreamWithItsFailure() throws Exception {
        engine.then((c, request) -> {
            CannedUnixServer.write(c, STREAM_HEAD + chunk("{\"n\":1}\n{\"n\":2}\n"));
            return c.read(java.nio.ByteBuffer.allocate(1)) >= 0;
        });
        Heard heard = new Heard();
        docker.stream(host, "GET", "/events", json -> {
            heard.value(json);
            throw new IllegalStateException("cannot take " + json);
        }, heard::end);
        assertEquals("{\"n\":1}", heard.next());
        assertEquals("ended: cannot take {\"n\":1}", heard.end());
        assertTrue(heard.values.isEmpty(), "nothing after the failure");
    }

    @Test
    void closingTheServiceEndsItsOpenStreamsAsFailuresSoThatTheirUsersOpenThemAgain() throws Exception {
        engine.then((c, request) -> {
            CannedUnixServer.write(c, STREAM_HEAD);
            return c.read(java.nio.ByteBuffer.allocate(1)) >= 0;
        });
        Heard heard = new Heard();
        docker.stream(host, "GET", "/events", heard::value, heard::end);
        docker.close();
        assertEquals("ended: The Docker Engine client was closed (the infrakit rpc bundle stopped or was updated)", heard.end());
        DockerException after = assertThrows(DockerException.class, () -> docker.stream(host, "GET", "/events", heard::value, heard::end));
        assertEquals("The Docker Engine client is closed", after.getMessage());
    }

    @Test
    void aStreamFromAnEngineThatIsDownOrSilentFailsWithTheCallsWords() throws Exception {
        Heard heard = new Heard();
        Path missing = dir.resolve("missing.sock");
        DockerException down = assertThrows(DockerException.class, () -> docker.stream("unix://" + missing, "GET", "/events", heard::value, heard::end));
        assertEquals("Cannot connect to the Docker engine at unix://" + missing + ": no such socket. Is the docker daemon running?", down.getMessage());
        try (UnixDockerEngine quick = new UnixDockerEngine(Duration.ofMillis(300))) {
            engine.then((c, request) -> c.read(java.nio.ByteBuffer.allocate(1)) >= 0);
            DockerException silent = assertThrows(DockerException.class, () -> quick.stream(host, "GET", "/events", heard::value, heard::end));
            assertEquals("The Docker engine at " + host + " did not answer GET /events within 300 ms", silent.getMessage());
        }
        assertThrows(DockerException.class, () -> docker.stream(host, "DELETE", "/events", heard::value, heard::end));
        assertTrue(heard.ends.isEmpty());
    }

    @Test
    void rawBytesAreReturnedAsTheyAreAndAnErrorCarriesTheEnginesMessage() throws Exception {
        byte[] frames = {1, 0, 0, 0, 0, 0, 0, 3, 'o', 'k', '\n', 2, 0, 0, 0, 0, 0, 0, 2, '!', '\n'};
        engine.then((c, request) -> {
            CannedUnixServer.write(c, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nContent-Length: " + frames.length + "\r\n\r\n");
            java.nio.ByteBuffer body = java.nio.ByteBuffer.wrap(frames);
            while (body.hasRemaining()) {
                c.write(body);
            }
            return true;
        }).then(answer(404, "{\"message\":\"No such container: c\"}"));
        assertEquals(java.util.Arrays.toString(frames), java.util.Arrays.toString(docker.bytes(host, "GET", "/containers/c/logs?stdout=1&stderr=1&tail=20")));
        DockerException e = assertThrows(DockerException.class, () -> docker.bytes(host, "GET", "/containers/c/logs?stdout=1"));
        assertEquals(404, e.status());
        assertEquals("No such container: c", e.getMessage());
    }

    @Test
    void aCallWithATimeoutOfItsOwnMayTakeLongerThanTheServicesTimeout() throws Exception {
        try (UnixDockerEngine quick = new UnixDockerEngine(Duration.ofMillis(200))) {
            engine.then((c, request) -> {
                // an engine stopping a container that takes its time: longer than the service's 200 ms
                try {
                    TimeUnit.MILLISECONDS.sleep(600);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                CannedUnixServer.write(c, "HTTP/1.1 204 No Content\r\n\r\n");
                return true;
            });
            long start = System.nanoTime();
            assertNull(quick.call(host, "POST", "/containers/c/stop?t=1", null, Duration.ofSeconds(5)));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 550, "it waited for the answer");
            assertEquals(List.of("POST /containers/c/stop?t=1 HTTP/1.1"), engine.requests.stream().map(CannedUnixServer.Request::requestLine).toList());
            assertThrows(DockerException.class, () -> quick.call(host, "POST", "/containers/c/stop", null, Duration.ZERO));
        }
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the test did not go on");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** An answer with a status and a JSON body with its Content-Length, as the engine writes small answers. */
    private static CannedUnixServer.Action answer(int status, String json) {
        return raw("HTTP/1.1 " + status + " Whatever\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nServer: Docker/20.10.24 (linux)\r\n"
                + "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json);
    }
}
