package io.infrakit.rpc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on a Unix socket that is not Jetty, standing in for a plugin or the Docker engine: it
 * reads each request (its head, then its body as {@link BodyEnd} says), records it, and answers with the
 * next canned action as raw bytes, so clients can be shown answers as other servers (Go's net/http, the
 * engine, a script) write them.
 */
public final class CannedUnixServer implements AutoCloseable {

    /** One request as received. */
    public record Request(String head, String body) {
        /** The request line, without its line end. */
        public String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        /** Tells whether the head has this header line, to the letter. */
        public boolean hasHeader(String line) {
            return head.contains("\r\n" + line + "\r\n");
        }

        /** The request's bytes as text, head and body, as they were sent. */
        public String text() {
            return head + body;
        }
    }

    /** How the server finds the end of a request's body. */
    public enum BodyEnd {
        /** After as many bytes as the Content-Length says, as any HTTP server reads it. */
        CONTENT_LENGTH,
        /**
         * At the newline that ends every JSON-RPC request of ours, whatever the Content-Length says, so
         * that a test can check the Content-Length against the body.
         */
        NEWLINE
    }

    /** What the server does with one request. */
    public interface Action {
        /** Answers on the connection; returns false to close it afterwards. */
        boolean answer(SocketChannel connection, Request request) throws IOException;
    }

    /** The socket the server listens on. */
    public final Path socket;
    /** Connections accepted so far. */
    public final AtomicInteger connections = new AtomicInteger();
    /** Requests received so far, in order. */
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Connections that reached end of stream on the server's side, i.e. the client closed them. */
    public final BlockingQueue<Integer> closedByClient = new LinkedBlockingQueue<>();
    /** Connections the server closed after an action said so. */
    public final BlockingQueue<Integer> closedByServer = new LinkedBlockingQueue<>();
    private final BodyEnd bodyEnd;
    private final ServerSocketChannel server;
    private final BlockingQueue<Action> actions = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    /** Listens on the socket, replacing any file there, until closed; bodies end as their Content-Length says. */
    public CannedUnixServer(Path socket) throws IOException {
        this(socket, BodyEnd.CONTENT_LENGTH);
    }

    /** Listens on the socket, replacing any file there, until closed; bodies end as {@code bodyEnd} says. */
    public CannedUnixServer(Path socket, BodyEnd bodyEnd) throws IOException {
        this.socket = socket;
        this.bodyEnd = bodyEnd;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::accept, "canned-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Queues the action for the next request not yet answered, on whichever connection it comes. */
    public CannedUnixServer then(Action action) {
        actions.add(action);
        return this;
    }

    /** An answer written in the given pieces, each with its own write. */
    public static Action raw(String... pieces) {
        return (c, request) -> {
            for (String piece : pieces) {
                write(c, piece);
            }
            return true;
        };
    }

    /** A complete 200 answer with a Content-Length. */
    public static Action ok(String json) {
        return raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json);
    }

    /** A JSON-RPC result echoing nothing in particular. */
    public static String result(String resultJson) {
        return "{\"jsonrpc\":\"2.0\",\"result\":" + resultJson + ",\"id\":1}\n";
    }

    /** Writes the text whole, in UTF-8. */
    public static void write(SocketChannel c, String text) throws IOException {
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
                Request request = readRequest(c);
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

    /** One request, or null at end of stream. */
    private Request readRequest(SocketChannel c) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            one.clear();
            if (c.read(one) < 0) {
                return null;
            }
            seen.write(one.array()[0]);
        }
        String head = seen.toString(StandardCharsets.ISO_8859_1);
        if (bodyEnd == BodyEnd.NEWLINE) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            do {
                one.clear();
                if (c.read(one) < 0) {
                    return null;
                }
                body.write(one.array()[0]);
            } while (one.array()[0] != '\n');
            return new Request(head, body.toString(StandardCharsets.UTF_8));
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        while (body.hasRemaining()) {
            if (c.read(body) < 0) {
                return null;
            }
        }
        return new Request(head, new String(body.array(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(socket);
    }
}
