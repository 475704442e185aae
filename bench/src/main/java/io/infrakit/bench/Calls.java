package io.infrakit.bench;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.wire.CommonMessages.Empty;
import io.infrakit.rpc.wire.CommonMessages.ImplementsResponse;
import io.infrakit.rpc.wire.InstanceMessages.DescribeInstancesRequest;
import io.infrakit.rpc.wire.InstanceMessages.DescribeInstancesResponse;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.JsonRpc;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls a client thread makes, one per benchmark mode. Each call checks its answer, so a broken
 * server shows up as failures rather than as a fast benchmark.
 */
final class Calls {

    /** One round trip; throws if it failed or the answer is wrong. */
    interface Call {
        void run() throws Exception;
    }

    /** The tag filter of every {@code DescribeInstances}, as a group controller sends it. */
    static final Map<String, String> FILTER = Map.of("infrakit.group", FixedInstances.GROUP);

    private static final JsonRpc.ValueReader<DescribeInstancesResponse> DESCRIBE_RESULT = Json.valueReader(DescribeInstancesResponse.class);
    private static final JsonRpc.ValueReader<ImplementsResponse> IMPLEMENTS_RESULT = Json.valueReader(ImplementsResponse.class);

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AutoCloseable resource;
    private final Call call;

    private Calls(AutoCloseable resource, Call call) {
        this.resource = resource;
        this.call = call;
    }

    Call call() {
        return call;
    }

    void close() throws Exception {
        if (resource != null) {
            resource.close();
        }
    }

    /**
     * The product's own client: {@link RpcClient#handshake} or the {@link InstancePlugin} proxy, with
     * every byte of JSON encoded and decoded per call. One client shared by all threads, as in the product.
     */
    static Calls rpc(String op, Path socket) {
        RpcClient client = new RpcClient(TIMEOUT);
        return switch (op) {
            case "handshake" -> new Calls(client, () -> {
                List<InterfaceSpec> specs = client.handshake(socket);
                if (!specs.contains(InstancePlugin.INTERFACE)) {
                    throw new IllegalStateException("unexpected handshake " + specs);
                }
            });
            case "describe" -> {
                InstancePlugin plugin = client.connect(socket, "", InstancePlugin.class);
                yield new Calls(client, () -> {
                    List<Description> found = plugin.describeInstances(FILTER);
                    if (found.size() != BenchServer.DESCRIPTIONS) {
                        throw new IllegalStateException("described " + found.size() + " instances");
                    }
                });
            }
            default -> throw new IllegalArgumentException("unknown operation " + op);
        };
    }

    /**
     * The product's transport with params encoded once and the result left as raw JSON text
     * ({@link RpcClient#call(Path, String, String)}): the client does no JSON work beyond finding the
     * {@code result} in the envelope; the answer is checked by its length only.
     */
    static Calls raw(String op, Path socket) {
        RpcClient client = new RpcClient(TIMEOUT);
        String method = switch (op) {
            case "handshake" -> "Handshake.Implements";
            case "describe" -> "Instance.DescribeInstances";
            default -> throw new IllegalArgumentException("unknown operation " + op);
        };
        String params = new String(Json.write(op.equals("describe") ? new DescribeInstancesRequest("", FILTER) : new Empty()),
                java.nio.charset.StandardCharsets.UTF_8);
        AtomicInteger expectedLength = new AtomicInteger(-1);
        return new Calls(client, () -> {
            int length = client.call(socket, method, params).length();
            expectedLength.compareAndSet(-1, length);
            if (length != expectedLength.get() || length < 20) {
                throw new IllegalStateException("unexpected result of " + length + " characters");
            }
        });
    }

    /**
     * No socket: the JSON work of one round trip in this JVM, with the product's codec, in the order the
     * client and the server do it (encode request, decode request and params, encode result, decode result).
     */
    static Calls codec(String op) {
        List<Description> descriptions = new FixedInstances(BenchServer.DESCRIPTIONS).describeInstances(FILTER);
        List<InterfaceSpec> specs = List.of(InstancePlugin.INTERFACE);
        boolean describe = switch (op) {
            case "handshake" -> false;
            case "describe" -> true;
            default -> throw new IllegalArgumentException("unknown operation " + op);
        };
        return new Calls(null, () -> {
            byte[] request = request(op, 42);
            JsonRpc.Request decoded = JsonRpc.parseRequest(request);
            byte[] response;
            if (describe) {
                DescribeInstancesRequest params = Json.read(decoded.params(), DescribeInstancesRequest.class);
                response = JsonRpc.result(decoded.id(), new DescribeInstancesResponse(params.type(), descriptions));
            } else {
                response = JsonRpc.result(decoded.id(), ImplementsResponse.of(specs, null));
            }
            int n = describe ? JsonRpc.parseResponse(response, DESCRIBE_RESULT).result().descriptions().size()
                    : JsonRpc.parseResponse(response, IMPLEMENTS_RESULT).result().specs().size();
            if (n != (describe ? BenchServer.DESCRIPTIONS : 1)) {
                throw new IllegalStateException("decoded " + n + " items");
            }
        });
    }

    /**
     * The floor: the same number of bytes each way as the real HTTP exchange (bodies measured with the
     * product's codec, plus typical header sizes), over a blocking Unix socket to {@link FloorServer}; one
     * connection per thread.
     */
    static Calls floor(String op, Path pluginSocket) {
        Path socket = pluginSocket.resolveSibling(BenchServer.FLOOR);
        int requestSize = request(op, 1).length + REQUEST_HEADERS;
        int responseSize = response(op).length + RESPONSE_HEADERS;
        List<SocketChannel> open = new CopyOnWriteArrayList<>();
        ThreadLocal<SocketChannel> channels = ThreadLocal.withInitial(() -> {
            try {
                SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                open.add(c);
                return c;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ThreadLocal<ByteBuffer[]> buffers = ThreadLocal.withInitial(() -> new ByteBuffer[] {
            ByteBuffer.allocateDirect(8 + requestSize), ByteBuffer.allocateDirect(responseSize)});
        return new Calls(() -> {
            for (SocketChannel c : open) {
                c.close();
            }
        }, () -> {
            SocketChannel c = channels.get();
            ByteBuffer[] b = buffers.get();
            ByteBuffer out = b[0].clear();
            out.putInt(0, responseSize).putInt(4, requestSize);
            while (out.hasRemaining()) {
                c.write(out);
            }
            if (!FloorServer.readFully(c, b[1].clear())) {
                throw new IOException("floor server closed the connection");
            }
        });
    }

    /** The HTTP headers of a request and a response as RpcClient and the host send them, in bytes (seen with strace). */
    private static final int REQUEST_HEADERS = 111;
    private static final int RESPONSE_HEADERS = 110;

    private static byte[] response(String op) {
        return switch (op) {
            case "handshake" -> JsonRpc.result("1", ImplementsResponse.of(List.of(InstancePlugin.INTERFACE), null));
            case "describe" -> JsonRpc.result("1", new DescribeInstancesResponse("",
                    new FixedInstances(BenchServer.DESCRIPTIONS).describeInstances(FILTER)));
            default -> throw new IllegalArgumentException("unknown operation " + op);
        };
    }

    private static byte[] request(String op, long id) {
        return switch (op) {
            case "handshake" -> JsonRpc.request("Handshake.Implements", new Empty(), id);
            case "describe" -> JsonRpc.request("Instance.DescribeInstances", new DescribeInstancesRequest("", FILTER), id);
            default -> throw new IllegalArgumentException("unknown operation " + op);
        };
    }
}
