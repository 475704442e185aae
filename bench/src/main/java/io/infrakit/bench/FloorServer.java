package io.infrakit.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor under any transport on this machine: a blocking Unix-socket echo of fixed-size messages,
 * one thread per connection, no HTTP and no JSON. A client sends {@code [response size][request size]}
 * as two ints, then the request bytes; the server answers with that many bytes. What the real transport
 * costs above this is Jetty, thread hand-offs and JSON.
 */
final class FloorServer implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Path socket;

    FloorServer(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 64);
        Thread acceptor = new Thread(this::accept, "floor-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                Thread t = new Thread(() -> echo(channel), "floor-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(SocketChannel channel) {
        ByteBuffer header = ByteBuffer.allocateDirect(8);
        ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
        ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
        try (channel) {
            while (true) {
                header.clear();
                if (!readFully(channel, header)) {
                    return;
                }
                int responseSize = header.getInt(0);
                in.clear().limit(header.getInt(4));
                if (!readFully(channel, in)) {
                    return;
                }
                out.clear().limit(responseSize);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
