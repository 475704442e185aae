package io.infrakit.rpc.server;

import io.infrakit.rpc.Fakes;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile requests over a real socket: each gets the error the contract defines, nothing
 * reaches the plugin, and the server keeps serving everyone else.
 */
class BadInputTest {

    private static final int MAX_BODY = 64 * 1024;
    private static final long IDLE_MILLIS = 400;

    private HostFixture fx;
    private HttpClient http;
    private final Fakes.GroupAndManager group = new Fakes.GroupAndManager();

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(200, IDLE_MILLIS, MAX_BODY);
        fx.register(Spi.GROUP, "group", null, group);
        http = new HttpClient();
        http.setMaxConnectionsPerDestination(500);
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        fx.close();
    }

    private Request post(String path, String contentType, String body) {
        Request r = http.newRequest("http://rpc" + path).transport(new Transport.TCPUnix(fx.socket("group")))
                .method(HttpMethod.POST).timeout(10, TimeUnit.SECONDS);
        if (body != null) {
            r.body(new BytesRequestContent(contentType, body.getBytes(StandardCharsets.UTF_8)));
        }
        return r;
    }

    private ContentResponse rpc(String body) throws Exception {
        return post("/", "application/json", body).send();
    }

    private void stillServing() throws Exception {
        assertEquals(List.of(new InterfaceSpec("Group", "0.1.0")), fx.client.handshake(fx.socket("group")));
    }

    @Test
    void truncatedJsonIsAParseErrorWithANullId() throws Exception {
        ContentResponse r = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"params\":{\"Spec\":{\"ID\":\"x\"");
        assertEquals(200, r.getStatus());
        String body = r.getContentAsString();
        assertTrue(body.startsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"parse error: "), body);
        assertTrue(body.endsWith(",\"data\":null},\"id\":null}\n"), body);
        assertTrue(group.committed.isEmpty());
        stillServing();
    }

    @Test
    void paramsOfTheWrongTypeAreAnInvalidRequestCarryingTheParams() throws Exception {
        String body = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"params\":{\"Spec\":{\"ID\":\"x\"},\"Pretend\":\"yes\"},\"id\":7}")
                .getContentAsString();
        assertTrue(body.startsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"invalid params for Group.CommitGroup: Pretend: expected true or false, got \\\"yes\\\"\","), body);
        assertTrue(body.endsWith(",\"data\":{\"Spec\":{\"ID\":\"x\"},\"Pretend\":\"yes\"}},\"id\":7}\n"), body);

        String scalar = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.FreeGroup\",\"params\":\"cattle\",\"id\":8}").getContentAsString();
        assertTrue(scalar.contains("\"code\":-32600") && scalar.endsWith("\"data\":\"cattle\"},\"id\":8}\n"), scalar);
        assertTrue(group.committed.isEmpty());
        stillServing();
    }

    @Test
    void paramsMayComeAsAOneElementArrayOrNotAtAll() throws Exception {
        assertEquals("{\"jsonrpc\":\"2.0\",\"result\":{\"Details\":\"Managing a\"},\"id\":1}\n",
                rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"params\":[{\"Spec\":{\"ID\":\"a\"}}],\"id\":1}").getContentAsString());
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Group ID must not be blank\",\"data\":null},\"id\":2}\n",
                rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"id\":2}").getContentAsString());
    }

    @Test
    void onlyJsonRpcTwoPointZeroIsAccepted() throws Exception {
        String request = "{\"jsonrpc\":\"1.0\", \"method\":\"Group.CommitGroup\",\"params\":{\"Spec\":{\"ID\":\"x\"}},\"id\":\"a\"}";
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"jsonrpc must be 2.0\",\"data\":"
                + "{\"jsonrpc\":\"1.0\",\"method\":\"Group.CommitGroup\",\"params\":{\"Spec\":{\"ID\":\"x\"}},\"id\":\"a\"}},\"id\":\"a\"}\n",
                rpc(request).getContentAsString());
        assertTrue(group.committed.isEmpty());
    }

    @Test
    void unknownServicesAndMethodsAndMethodsWithoutADot() throws Exception {
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"rpc: can't find service \\\"Nope.Method\\\"\",\"data\":null},\"id\":1}\n",
                rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Nope.Method\",\"params\":{},\"id\":1}").getContentAsString());
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"rpc: can't find service \\\"Instance.Provision\\\"\",\"data\":null},\"id\":1}\n",
                rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Provision\",\"params\":{},\"id\":1}").getContentAsString());
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"rpc: can't find method \\\"Group.Nope\\\"\",\"data\":null},\"id\":1}\n",
                rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.Nope\",\"params\":{},\"id\":1}").getContentAsString());
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"rpc: service/method request ill-formed: \\\"Nope\\\"\",\"data\":null},\"id\":1}\n",
                rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Nope\",\"params\":{},\"id\":1}").getContentAsString());
        assertTrue(rpc("{\"jsonrpc\":\"2.0\",\"method\":\"a.b.c\",\"id\":1}").getContentAsString().contains("ill-formed: \\\"a.b.c\\\""));
    }

    @Test
    void theIdIsEchoedVerbatimAndRequestsWithoutOneGetAnEmptyBody() throws Exception {
        for (String id : List.of("\"abc\"", "[1,\"x\",{\"y\":null}]", "12345678901234567890123", "-1.5e3")) {
            assertEquals("{\"jsonrpc\":\"2.0\",\"result\":{\"Groups\":[]},\"id\":" + id + "}\n",
                    rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.InspectGroups\",\"params\":{},\"id\":" + id + "}").getContentAsString());
        }
        ContentResponse notification = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"params\":{\"Spec\":{\"ID\":\"n\"}}}");
        assertEquals(200, notification.getStatus());
        assertEquals(0, notification.getContent().length);
        assertEquals("n", group.committed.get(0).id(), "a notification still runs");
        assertEquals(0, rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.InspectGroups\",\"id\":null}").getContent().length);
    }

    @Test
    void theContentTypeMustBeJson() throws Exception {
        ContentResponse form = post("/", "application/x-www-form-urlencoded", "{\"jsonrpc\":\"2.0\",\"method\":\"Group.InspectGroups\",\"id\":1}").send();
        assertEquals(415, form.getStatus());
        assertEquals("rpc: unrecognized Content-Type: application/x-www-form-urlencoded\n", form.getContentAsString());
        ContentResponse none = post("/", null, null).send();
        assertEquals(415, none.getStatus());
        assertEquals("rpc: unrecognized Content-Type: \n", none.getContentAsString());
        assertEquals(200, post("/", "Application/JSON; charset=UTF-8", "{\"jsonrpc\":\"2.0\",\"method\":\"Group.InspectGroups\",\"id\":1}")
                .send().getStatus());
    }

    @Test
    void otherMethodsAndPathsGetTheGoStatusCodes() throws Exception {
        ContentResponse get = http.newRequest("http://rpc/").transport(new Transport.TCPUnix(fx.socket("group"))).send();
        assertEquals(405, get.getStatus());
        assertEquals("rpc: POST method required, received GET\n", get.getContentAsString());
        ContentResponse other = post("/rpc", "application/json", "{}").send();
        assertEquals(404, other.getStatus());
        assertEquals("404 page not found\n", other.getContentAsString());
        stillServing();
    }

    @Test
    void theApiDescriptionListsEveryMethodWithExamples() throws Exception {
        ContentResponse api = http.newRequest("http://rpc/info/api.json").transport(new Transport.TCPUnix(fx.socket("group"))).send();
        assertEquals(200, api.getStatus());
        String body = api.getContentAsString();
        assertTrue(body.contains("\"Implements\" : [ {\n    \"Name\" : \"Group\",\n    \"Version\" : \"0.1.0\""), body);
        for (String method : List.of("Group.CommitGroup", "Group.DescribeGroup", "Group.DestroyGroup", "Group.FreeGroup", "Group.InspectGroups")) {
            assertTrue(body.contains("\"method\" : \"" + method + "\""), method);
        }
        assertTrue(body.contains("\"Pretend\" : false"), body);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithoutReadingIt() throws Exception {
        try (SocketChannel raw = connect()) {
            long started = System.nanoTime();
            write(raw, "POST / HTTP/1.1\r\nHost: rpc\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{\"jsonrpc\":");
            String response = readAll(raw);
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            assertTrue(response.contains("rpc: request body is larger than 65536 bytes"), response);
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "answered at once");
        }
        // without a length (chunked), reading stops at the limit
        try (SocketChannel raw = connect()) {
            int chunk = MAX_BODY * 2;
            write(raw, "POST / HTTP/1.1\r\nHost: rpc\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk) + "\r\n");
            try {
                write(raw, "x".repeat(chunk));
            } catch (IOException refused) {
                // the server may close before taking it all: that is the point
            }
            String response = readAll(raw);
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
        }
        assertTrue(group.committed.isEmpty());
        stillServing();
    }

    @Test
    void aClientThatSendsNothingIsDisconnected() throws Exception {
        try (SocketChannel raw = connect()) {
            long started = System.nanoTime();
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> read = reader.submit(() -> raw.read(ByteBuffer.allocate(16)));
                assertEquals(-1, read.get(10, TimeUnit.SECONDS), "the server closed the connection");
            } finally {
                reader.shutdownNow();
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(elapsedMillis >= IDLE_MILLIS - 50, "closed by the idle timeout, after " + elapsedMillis + " ms");
        }
        stillServing();
    }

    @Test
    void hundredsOfConcurrentConnectionsAreAllServed() throws Exception {
        // an idle timeout long enough that the slowest of 600 connections on a busy machine is not cut by it
        fx.close();
        fx = new HostFixture(200, 30_000, MAX_BODY);
        fx.register(Spi.GROUP, "group", null, group);
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                idle.add(connect());
            }
            List<CompletableFuture<ContentResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Request r = post("/", "application/json", "{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"params\":{\"Spec\":{\"ID\":\"g" + i + "\"}},\"id\":" + i + "}");
                calls.add(new org.eclipse.jetty.client.CompletableResponseListener(r).send());
            }
            for (int i = 0; i < calls.size(); i++) {
                assertEquals("{\"jsonrpc\":\"2.0\",\"result\":{\"Details\":\"Managing g" + i + "\"},\"id\":" + i + "}\n",
                        calls.get(i).get(30, TimeUnit.SECONDS).getContentAsString());
            }
            assertEquals(300, group.committed.size());
            stillServing();
        } finally {
            for (SocketChannel c : idle) {
                c.close();
            }
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(fx.socket("group")));
        return channel;
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads until the server closes the connection (it must, after refusing an unread body). */
    private static String readAll(SocketChannel channel) throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            return reader.submit(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                while (channel.read(buffer) >= 0) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                return out.toString(StandardCharsets.US_ASCII);
            }).get(10, TimeUnit.SECONDS);
        } finally {
            reader.shutdownNow();
        }
    }
}
