package io.infrakit.rpc.client;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One keep-alive HTTP/1.1 connection to a plugin socket (or another daemon's API socket), used by one
 * caller at a time. The request is written and the response read on the caller's own thread (a call is
 * one request and one response, so handing the I/O to other threads would only add wake-ups); the
 * response is parsed by Jetty's {@link HttpParser}. A per-connection selector bounds every wait by the
 * call's deadline. The JSON-RPC request ({@code POST /}) has a head computed once; other requests build
 * theirs per call.
 */
final class SocketConnection implements AutoCloseable {

    /** A complete response. */
    record Response(int status, byte[] content) {
    }

    private static final byte[] HEAD = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the peer is called in error messages when nothing else is said. */
    static final String PLUGIN = "plugin";

    private final Path socket;
    private final int maxResponseBytes;
    private final String peer;
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocateDirect(32 * 1024);
    private final ResponseReader reader = new ResponseReader();
    private final HttpParser parser = new HttpParser(reader);
    private long lastUsedNanos = System.nanoTime();
    private int exchanges;

    private SocketConnection(Path socket, int maxResponseBytes, String peer, SocketChannel channel) throws IOException {
        this.socket = socket;
        this.maxResponseBytes = maxResponseBytes;
        this.peer = peer;
        this.channel = channel;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            key = channel.register(selector, 0);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Connects to a socket. Connecting to a Unix socket does not wait: it succeeds, or fails at once
     * because the file is missing or nothing accepts on it.
     */
    static SocketConnection open(Path socket, int maxResponseBytes) throws IOException {
        return open(socket, maxResponseBytes, PLUGIN);
    }

    /**
     * Connects to a socket whose server is named {@code peer} in error messages ("the Docker engine
     * closed the connection...").
     */
    static SocketConnection open(Path socket, int maxResponseBytes, String peer) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        return new SocketConnection(socket, maxResponseBytes, peer, channel);
    }

    Path socket() {
        return socket;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** Tells whether an exchange was started on this connection before (it came from the pool). */
    boolean wasUsed() {
        return exchanges > 0;
    }

    /**
     * Tells whether the connection can carry another request: open, and the server has neither closed
     * it nor sent anything unasked.
     */
    boolean isReusable() {
        if (!channel.isOpen()) {
            return false;
        }
        try {
            in.clear();
            if (channel.read(in) == 0) {
                return true;
            }
        } catch (IOException e) {
            // closed or reset by the server
        }
        close();
        return false;
    }

    /**
     * Sends a POST with a JSON body and reads the whole response.
     *
     * @param body the request body
     * @param deadlineNanos the {@link System#nanoTime()} by which the response must be complete
     * @return the response; {@link #isOpen()} tells afterwards whether the connection may be reused
     * @throws TimeoutException if the deadline passes first (the connection is then closed)
     * @throws IOException if the connection fails or the response is not valid HTTP (the connection is then closed)
     */
    Response exchange(byte[] body, long deadlineNanos) throws IOException, TimeoutException {
        // the JSON-RPC hot path: the head's constant parts are never rebuilt
        byte[] length = Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII);
        return exchange(new ByteBuffer[] {ByteBuffer.wrap(HEAD), ByteBuffer.wrap(length), ByteBuffer.wrap(END_OF_HEADERS), ByteBuffer.wrap(body)},
                deadlineNanos);
    }

    /**
     * Sends any request and reads the whole response.
     *
     * @param head the request's head, from {@link #head}
     * @param jsonBody the body the head announces, or {@code null} for none
     * @param deadlineNanos the {@link System#nanoTime()} by which the response must be complete
     * @return the response; {@link #isOpen()} tells afterwards whether the connection may be reused
     * @throws TimeoutException if the deadline passes first (the connection is then closed)
     * @throws IOException if the connection fails or the response is not valid HTTP (the connection is then closed)
     */
    Response exchange(byte[] head, byte[] jsonBody, long deadlineNanos) throws IOException, TimeoutException {
        return exchange(jsonBody == null ? new ByteBuffer[] {ByteBuffer.wrap(head)} : new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(jsonBody)},
                deadlineNanos);
    }

    /**
     * The head of a request: request line, {@code Host}, and the body's type and length when there is one.
     *
     * @param method the method, in capitals ({@code GET}, {@code POST}, {@code DELETE}...; not {@code HEAD},
     *               whose answer has no body to read)
     * @param target the request target: an absolute path with its query, already encoded
     * @param jsonBody the body, sent as {@code application/json}, or {@code null} for none
     * @return the head's bytes, ending with the empty line
     * @throws IllegalArgumentException if the method or target cannot be sent as they are
     */
    static byte[] head(String method, String target, byte[] jsonBody) {
        if (method == null || method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z') || method.equals("HEAD")) {
            throw new IllegalArgumentException("cannot send a request with method " + method);
        }
        // a space, a control character or a line break would end the request line or forge headers
        if (target == null || !target.startsWith("/") || !target.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IllegalArgumentException("cannot send a request to " + target + " (an absolute path of visible ASCII characters is required)");
        }
        StringBuilder head = new StringBuilder(96).append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(jsonBody.length).append("\r\n");
        } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            // servers wait for a body until told there is none
            head.append("Content-Length: 0\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private Response exchange(ByteBuffer[] request, long deadlineNanos) throws IOException, TimeoutException {
        exchanges++;
        boolean done = false;
        try {
            ByteBuffer last = request[request.length - 1];
            while (last.hasRemaining()) {
                if (channel.write(request) == 0) {
                    await(SelectionKey.OP_WRITE, deadlineNanos);
                }
            }
            Response response = readResponse(deadlineNanos);
            done = true;
            return response;
        } finally {
            lastUsedNanos = System.nanoTime();
            if (!done) {
                close();
            }
        }
    }

    private Response readResponse(long deadlineNanos) throws IOException, TimeoutException {
        parser.reset();
        reader.reset();
        in.clear().flip();
        try {
            // the answer cannot be there yet: wait for it before the first read
            await(SelectionKey.OP_READ, deadlineNanos);
            boolean received = false;
            while (!parser.parseNext(in)) {
                if (parser.isTerminated() || reader.failure != null) {
                    break;
                }
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0 && !received) {
                    // not one byte of an answer (the parser would call it a cut-short answer)
                    throw new EOFException("the " + peer + " closed the connection before answering");
                }
                received |= n > 0;
                if (n < 0) {
                    parser.atEOF();
                    if (!parser.parseNext(in) && !parser.isTerminated()) {
                        throw new EOFException("the " + peer + " closed the connection before answering");
                    }
                    break;
                }
                if (n == 0) {
                    await(SelectionKey.OP_READ, deadlineNanos);
                }
            }
        } catch (HttpException.RuntimeException e) {
            throw new ProtocolException("the " + peer + "'s answer is not valid HTTP: " + e.getMessage());
        }
        if (reader.failure != null) {
            throw reader.failure;
        }
        if (!reader.complete) {
            throw new EOFException("the " + peer + " closed the connection before answering");
        }
        if (reader.close || in.hasRemaining()) {
            close();
        }
        return new Response(reader.status, reader.content());
    }

    private void await(int op, long deadlineNanos) throws IOException, TimeoutException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new TimeoutException();
        }
        key.interestOps(op);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)));
        selector.selectedKeys().clear();
        if (Thread.interrupted()) {
            throw new InterruptedIOException();
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to release beyond the descriptor
        }
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Collects one response from the parser's callbacks. */
    private final class ResponseReader implements HttpParser.ResponseHandler {
        int status;
        boolean close;
        boolean complete;
        IOException failure;
        private byte[] content = new byte[1024];
        private int size;

        void reset() {
            status = 0;
            close = false;
            complete = false;
            failure = null;
            size = 0;
            if (content.length > 64 * 1024) {
                content = new byte[1024];
            }
        }

        byte[] content() {
            return Arrays.copyOf(content, size);
        }

        @Override
        public void startResponse(HttpVersion version, int status, String reason) {
            this.status = status;
            close = version != HttpVersion.HTTP_1_1;
        }

        @Override
        public void parsedHeader(HttpField field) {
            if (field.getHeader() == HttpHeader.CONNECTION && field.contains(HttpHeaderValue.CLOSE.asString())) {
                close = true;
            } else if (field.getHeader() == HttpHeader.CONTENT_LENGTH && field.getLongValue() > maxResponseBytes) {
                failure = new ProtocolException("the " + peer + "'s answer is larger than " + maxResponseBytes + " bytes");
            }
        }

        @Override
        public boolean headerComplete() {
            return failure != null;
        }

        @Override
        public boolean content(ByteBuffer chunk) {
            int n = chunk.remaining();
            if (size + n > maxResponseBytes) {
                failure = new ProtocolException("the " + peer + "'s answer is larger than " + maxResponseBytes + " bytes");
                return true;
            }
            if (size + n > content.length) {
                content = Arrays.copyOf(content, Math.max(size + n, content.length * 2));
            }
            chunk.get(content, size, n);
            size += n;
            return false;
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            complete = true;
            return true;
        }

        @Override
        public void earlyEOF() {
            failure = new EOFException("the " + peer + " closed the connection in the middle of its answer");
        }

        @Override
        public void badMessage(HttpException failure) {
            this.failure = new ProtocolException("the " + peer + "'s answer is not valid HTTP: " + failure.getReason());
        }
    }
}
