package io.infrakit.rpc.docker;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.docker.DockerException;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One streamed answer of the Docker engine ({@code GET /events}, {@code POST /images/create}): a connection of
 * its own, a request, and a daemon thread that reads the answer as it comes, decodes its chunks with Jetty's
 * {@link HttpParser} and hands each line of the body (one JSON value each, as the engine writes them) to the
 * consumer. {@link #open} returns once the engine has answered with a success status, so that nothing the
 * engine sends after that moment is missed.
 */
final class EngineStream implements Closeable {

    /** The longest line (one JSON value) accepted. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    /** The most of an error answer's body that is read, for its message. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final String host;
    private final String call;
    private final Consumer<RawJson> each;
    private final Consumer<Throwable> ended;
    private final Consumer<EngineStream> gone;
    private final CompletableFuture<Void> answered = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Throwable abortedBy;

    private EngineStream(SocketChannel channel, String host, String call, Consumer<RawJson> each, Consumer<Throwable> ended,
                         Consumer<EngineStream> gone) {
        this.channel = channel;
        this.host = host;
        this.call = call;
        this.each = each;
        this.ended = ended;
        this.gone = gone;
    }

    /**
     * Connects, sends the request and waits for the engine's answer to begin.
     *
     * @param socket the engine's socket
     * @param host the engine's address, for messages
     * @param method {@code GET} or {@code POST} (sent without a body)
     * @param target the request target, already checked
     * @param timeout the longest wait for the answer's status
     * @param each called with each line of the body
     * @param ended called once at the end of the answer, unless closed first
     * @param gone called once when the stream is over, however it ends (to forget it)
     * @return the open stream, read by its own thread
     * @throws DockerException if the engine cannot be reached, does not answer in time or answers with an error status
     */
    static EngineStream open(Path socket, String host, String method, String target, Duration timeout, Consumer<RawJson> each,
                             Consumer<Throwable> ended, Consumer<EngineStream> gone) throws DockerException {
        String call = method + " " + target;
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw UnixDockerEngine.failure(host, call, e);
        }
        EngineStream stream = new EngineStream(channel, host, call, each, ended, gone);
        Thread reader = new Thread(stream::run, "docker-stream " + (target.length() > 60 ? target.substring(0, 60) + "..." : target));
        reader.setDaemon(true);
        try {
            String head = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + ("POST".equals(method) ? "Content-Length: 0\r\n" : "") + "\r\n";
            ByteBuffer request = ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII));
            while (request.hasRemaining()) {
                channel.write(request);
            }
        } catch (IOException e) {
            stream.closeChannel();
            throw UnixDockerEngine.failure(host, call, e);
        }
        reader.start();
        try {
            stream.answered.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return stream;
        } catch (TimeoutException e) {
            stream.close();
            throw new DockerException(DockerException.NO_ANSWER, "The Docker engine at " + host + " did not answer " + call + " within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            stream.close();
            Thread.currentThread().interrupt();
            throw new DockerException(DockerException.NO_ANSWER, "Interrupted while calling the Docker engine at " + host, e);
        } catch (ExecutionException e) {
            stream.close();
            Throwable cause = e.getCause();
            if (cause instanceof DockerException d) {
                throw d;
            }
            if (cause instanceof IOException io) {
                throw UnixDockerEngine.failure(host, call, io);
            }
            throw new DockerException(DockerException.NO_ANSWER, "Call " + call + " to the Docker engine at " + host + " failed: " + cause, cause);
        }
    }

    /** Ends the request; {@code ended} is not called. */
    @Override
    public void close() {
        closed = true;
        closeChannel();
    }

    /**
     * Ends the request as a failure: {@code ended} is called with {@code reason} (unless the stream is over already).
     *
     * @param reason what to report
     */
    void abort(Throwable reason) {
        abortedBy = reason;
        closeChannel();
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    /** The reader thread: reads until the answer ends, fails or the stream is closed. */
    private void run() {
        Answer answer = new Answer();
        HttpParser parser = new HttpParser(answer);
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        Throwable failure = null;
        try {
            in.flip();
            while (!parser.parseNext(in)) {
                if (answer.failure != null || parser.isTerminated()) {
                    break;
                }
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    parser.atEOF();
                    parser.parseNext(in);
                    break;
                }
            }
            if (answer.failure != null) {
                failure = answer.failure;
            } else if (!answer.complete) {
                failure = new EOFException("the Docker engine closed the connection in the middle of its answer");
            }
        } catch (HttpException.RuntimeException e) {
            failure = new ProtocolException("the Docker engine's answer is not valid HTTP: " + e.getMessage());
        } catch (IOException e) {
            failure = e;
        } finally {
            closeChannel();
        }
        finish(failure);
    }

    /** Reports the end once: to the caller still waiting for the answer, else to {@code ended}. */
    private void finish(Throwable failure) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        gone.accept(this);
        Throwable reason = abortedBy != null ? abortedBy : failure;
        if (answered.isCompletedExceptionally()) {
            // an error status: the caller of open has it
            return;
        }
        if (!answered.isDone()) {
            answered.completeExceptionally(reason != null ? reason : new EOFException("the Docker engine closed the connection before answering"));
            return;
        }
        if (closed) {
            return;
        }
        if (reason instanceof IOException io) {
            reason = UnixDockerEngine.failure(host, call, io);
        }
        ended.accept(reason);
    }

    /** Collects the answer from the parser's callbacks: the status, then the body line by line. */
    private final class Answer implements HttpParser.ResponseHandler {
        int status;
        boolean complete;
        Throwable failure;
        private final ByteArrayOutputStream error = new ByteArrayOutputStream();
        private byte[] line = new byte[1024];
        private int size;

        private boolean success() {
            return status >= 200 && status <= 299;
        }

        @Override
        public void startResponse(HttpVersion version, int status, String reason) {
            this.status = status;
        }

        @Override
        public void parsedHeader(HttpField field) {
            // nothing in the headers matters: the body's framing is the parser's business
        }

        @Override
        public boolean headerComplete() {
            if (success()) {
                answered.complete(null);
            }
            return false;
        }

        @Override
        public boolean content(ByteBuffer chunk) {
            if (!success()) {
                int n = Math.min(chunk.remaining(), MAX_ERROR_BYTES - error.size());
                byte[] bytes = new byte[chunk.remaining()];
                chunk.get(bytes);
                error.write(bytes, 0, Math.max(0, n));
                return false;
            }
            while (chunk.hasRemaining()) {
                byte b = chunk.get();
                if (b == '\n') {
                    deliverLine();
                    if (failure != null) {
                        return true;
                    }
                } else {
                    if (size == MAX_LINE_BYTES) {
                        failure = new ProtocolException("the Docker engine sent a line longer than " + MAX_LINE_BYTES + " bytes");
                        return true;
                    }
                    if (size == line.length) {
                        line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
                    }
                    line[size++] = b;
                }
            }
            return false;
        }

        private void deliverLine() {
            String text = new String(line, 0, size, StandardCharsets.UTF_8).strip();
            size = 0;
            if (line.length > 64 * 1024) {
                line = new byte[1024];
            }
            if (!text.isEmpty() && !closed && failure == null) {
                try {
                    each.accept(new RawJson(text));
                } catch (RuntimeException e) {
                    // the consumer's failure ends the stream, and is what ended hears
                    failure = e;
                }
            }
        }

        @Override
        public boolean contentComplete() {
            return false;
        }

        @Override
        public boolean messageComplete() {
            complete = true;
            if (success()) {
                if (size > 0) {
                    deliverLine();
                }
            } else {
                answered.completeExceptionally(new DockerException(status,
                        UnixDockerEngine.errorMessage(status, error.toString(StandardCharsets.UTF_8))));
            }
            return true;
        }

        @Override
        public void earlyEOF() {
            failure = new EOFException("the Docker engine closed the connection in the middle of its answer");
        }

        @Override
        public void badMessage(HttpException failure) {
            this.failure = new ProtocolException("the Docker engine's answer is not valid HTTP: " + failure.getReason());
        }
    }
}
