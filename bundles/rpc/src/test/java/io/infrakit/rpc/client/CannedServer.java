package io.infrakit.rpc.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin stand-in on a Unix socket that is not Jetty: it answers each request with the next canned
 * action, written as raw bytes, so the client can be shown answers as other servers (Go's net/http, a
 * script) write them. Requests are read up to the newline that ends every JSON-RPC request of ours.
 */
final class CannedServer implements AutoCloseable {

    /** What the server does with one request. */
    interface Action {
        /** Answers on the connection; returns false to close it afterwards. */
        boolean answer(SocketChannel connection, String request) throws IOException;
    }

    final Path socket;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Connections that reached end of stream on the server's side, i.e. the client closed them. */
    final BlockingQueue<Integer> closedByClient = new LinkedBlockingQueue<>();
    /** Connections the server closed after an action said so. */
    final BlockingQueue<Integer> closedByServer = new LinkedBlockingQueue<>();
    private final ServerSocketChannel server;
    private final BlockingQueue<Action> actions = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    CannedServer(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::accept, "canned-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    CannedServer then(Action action) {
        actions.add(action);
        return this;
    }

    /** An answer written in the given pieces, each with its own write. */
    static Action raw(String... pieces) {
        return (c, request) -> {
            for (String piece : pieces) {
                write(c, piece);
            }
            return true;
        };
    }

    /** A complete 200 answer with a Content-Length. */
    static Action ok(String json) {
        return raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json);
    }

    /** A JSON-RPC result echoing nothing in particular. */
    static String result(String resultJson) {
        return "{\"jsonrpc\":\"2.0\",\"result\":" + resultJson + ",\"id\":1}\n";
    }

    static void write(SocketChannel c, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            c.write(bytes);
        }
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return;
            }
            int number = connections.incrementAndGet();
            Thread t = new Thread(() -> serve(c, number), "canned-connection-" + number);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel c, int number) {
        boolean clientClosed = false;
        try (c) {
            while (true) {
                String request = readRequest(c);
                if (request == null) {
                    clientClosed = true;
                    return;
                }
                requests.add(request);
                Action action = actions.poll(10, TimeUnit.SECONDS);
                if (action == null || !action.answer(c, request)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test is over or the client went away
        } finally {
            (clientClosed ? closedByClient : closedByServer).add(number);
        }
    }

    /** The request's bytes up to the newline after its headers' end, or null at end of stream. */
    private static String readRequest(SocketChannel c) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        boolean body = false;
        while (true) {
            one.clear();
            if (c.read(one) < 0) {
                return null;
            }
            seen.write(one.array()[0]);
            String text = seen.toString(StandardCharsets.UTF_8);
            if (!body) {
                body = text.endsWith("\r\n\r\n");
            } else if (text.endsWith("\n")) {
                return text;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(socket);
    }
}
