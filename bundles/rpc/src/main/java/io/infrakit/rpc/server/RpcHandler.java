package io.infrakit.rpc.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The HTTP side of every plugin socket: {@code POST /} with {@code application/json} carries JSON-RPC,
 * {@code GET /info/api.json} describes the plugin, everything else gets the Go server's status and text.
 * The connector a request arrives on tells which plugin it is for.
 */
final class RpcHandler extends Handler.Abstract {

    private final Map<Connector, String> names = new ConcurrentHashMap<>();
    private final Dispatcher dispatcher;
    private final Function<String, byte[]> apiDescription;
    private final int maxBodyBytes;

    RpcHandler(Dispatcher dispatcher, Function<String, byte[]> apiDescription, int maxBodyBytes) {
        this.dispatcher = dispatcher;
        this.apiDescription = apiDescription;
        this.maxBodyBytes = maxBodyBytes;
    }

    void serve(Connector connector, String name) {
        names.put(connector, name);
    }

    void forget(Connector connector) {
        names.remove(connector);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String name = names.get(request.getConnectionMetaData().getConnector());
        if (name == null) {
            text(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "plugin socket is closing");
            return true;
        }
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if ("/".equals(path)) {
            rpc(name, request, response, callback, method);
        } else if ("/info/api.json".equals(path) && "GET".equals(method)) {
            json(response, callback, apiDescription.apply(name));
        } else {
            text(response, callback, HttpStatus.NOT_FOUND_404, "404 page not found");
        }
        return true;
    }

    private void rpc(String name, Request request, Response response, Callback callback, String method) {
        if (!"POST".equals(method)) {
            text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "rpc: POST method required, received " + method);
            return;
        }
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!isJson(contentType)) {
            text(response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
                    "rpc: unrecognized Content-Type: " + (contentType == null ? "" : contentType));
            return;
        }
        if (request.getLength() > maxBodyBytes) {
            tooLarge(response, callback);
            return;
        }
        new BodyReader(request, name, response, callback).run();
    }

    /**
     * Reads a request body up to the limit, without blocking a thread while it arrives. Over the limit it
     * stops reading and answers 413; the unread rest makes Jetty close the connection afterwards.
     */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final String name;
        private final Response response;
        private final Callback callback;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream(512);

        BodyReader(Request request, String name, Response response, Callback callback) {
            this.request = request;
            this.name = name;
            this.response = response;
            this.callback = callback;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    callback.failed(chunk.getFailure());
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (body.size() + bytes.remaining() > maxBodyBytes) {
                    chunk.release();
                    tooLarge(response, callback);
                    return;
                }
                if (bytes.hasArray()) {
                    body.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                } else {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    body.write(copy, 0, copy.length);
                }
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    json(response, callback, dispatcher.dispatch(name, body.toByteArray()));
                    return;
                }
            }
        }
    }

    private void tooLarge(Response response, Callback callback) {
        text(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "rpc: request body is larger than " + maxBodyBytes + " bytes");
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String base = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return base.toLowerCase(Locale.ROOT).equals("application/json");
    }

    private static void json(Response response, Callback callback, byte[] body) {
        response.setStatus(HttpStatus.OK_200);
        if (body.length > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static void text(Response response, Callback callback, int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
