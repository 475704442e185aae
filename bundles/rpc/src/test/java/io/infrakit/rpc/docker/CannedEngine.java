package io.infrakit.rpc.docker;

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
 * A Docker engine stand-in on a Unix socket: it reads each HTTP request (head, then as many body bytes
 * as its Content-Length says), records it, and answers with the next canned action as raw bytes.
 */
final class CannedEngine implements AutoCloseable {

    /** One request as received. */
    record Request(String head, String body) {
        String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        boolean hasHeader(String line) {
            return head.contains("\r\n" + line + "\r\n");
        }
    }

    /** What the engine does with one request. */
    interface Action {
        /** Answers on the connection; returns false to close it afterwards. */
        boolean answer(SocketChannel connection, Request request) throws IOException;
    }

    final Path socket;
    final AtomicInteger connections = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final BlockingQueue<Action> actions = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    CannedEngine(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::accept, "canned-engine");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    CannedEngine then(Action action) {
        actions.add(action);
        return this;
    }

    /** An answer written as it is. */
    static Action raw(String answer) {
        return (c, request) -> {
            write(c, answer);
            return true;
        };
    }

    /** An answer with a status and a JSON body with its Content-Length, as the engine writes small answers. */
    static Action answer(int status, String json) {
        return raw("HTTP/1.1 " + status + " Whatever\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nServer: Docker/20.10.24 (linux)\r\n"
                + "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json);
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
            connections.incrementAndGet();
            Thread t = new Thread(() -> serve(c), "canned-engine-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            while (true) {
                Request request = readRequest(c);
                if (request == null) {
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
        }
    }

    /** One request, or null at end of stream. */
    private static Request readRequest(SocketChannel c) throws IOException {
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
