package io.infrakit.rpc.server;

import io.infrakit.rpc.wire.CommonMessages.ImplementsResponse;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.JsonRpc;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Answers one JSON-RPC request for the plugin served on one socket, in the order and with the errors of
 * the Go InfraKit: version check, {@code Service.Method} lookup, params decoding, then the call.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final byte[] NOTHING = new byte[0];
    private static final byte[] EMPTY_PARAMS = "{}".getBytes(StandardCharsets.UTF_8);

    private final LocalPlugins local;
    private final long graceNanos;

    Dispatcher(LocalPlugins local) {
        this.local = local;
        this.graceNanos = TimeUnit.MILLISECONDS.toNanos(local.graceMillis());
    }

    /**
     * Answers a request body.
     *
     * @param name the plugin name of the socket
     * @param body the request body
     * @return the response body; empty for a notification (no id)
     */
    byte[] dispatch(String name, byte[] body) {
        JsonRpc.Request request;
        try {
            request = JsonRpc.parseRequest(body);
        } catch (IOException e) {
            return JsonRpc.error(null, JsonRpc.PARSE_ERROR, "parse error: " + Json.describe(e), null);
        }
        byte[] response = answer(name, request, body);
        return request.id() == null ? NOTHING : response;
    }

    private byte[] answer(String name, JsonRpc.Request request, byte[] body) {
        String id = request.id();
        if (!"2.0".equals(request.version())) {
            return JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "jsonrpc must be 2.0", new String(body, StandardCharsets.UTF_8));
        }
        String method = request.method();
        String[] parts = method.split("\\.", -1);
        if (parts.length != 2) {
            return serverError(id, "rpc: service/method request ill-formed: " + quote(method));
        }
        long deadline = System.nanoTime() + graceNanos;
        ServiceBindings bindings = local.get(name);
        if (bindings == null) {
            return serverError(id, "Plugin " + name + " is gone");
        }
        try {
            if (parts[0].equals("Handshake") || parts[0].equals("Plugin")) {
                if (!parts[1].equals("Implements")) {
                    return serverError(id, "rpc: can't find method " + quote(method));
                }
                return JsonRpc.result(id, ImplementsResponse.of(bindings.awaitInterfaces(deadline), bindings.vendor()));
            }
            Spi spi = Spi.ofService(parts[0]);
            if (spi == null || !bindings.knows(spi)) {
                return serverError(id, "rpc: can't find service " + quote(method));
            }
            ServedMethod<?, ?> served = ServedInterfaces.method(spi, parts[1]);
            if (served == null) {
                return serverError(id, "rpc: can't find method " + quote(method));
            }
            Object params;
            try {
                params = decodeParams(request.params(), served.requestType());
            } catch (IOException e) {
                String raw = request.params() == null ? null : new String(request.params(), StandardCharsets.UTF_8);
                return JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "invalid params for " + method + ": " + Json.describe(e), raw);
            }
            String type = served.typeOf(params);
            Object plugin = bindings.await(spi, type, deadline);
            if (plugin == null) {
                // another sub-type is still served: Go's typed servers answer no-plugin:<type>
                return serverError(id, spi.typed() && bindings.knows(spi) ? "no-plugin:" + type : "rpc: can't find service " + quote(method));
            }
            return JsonRpc.result(id, served.invoke(plugin, params, type));
        } catch (PluginException e) {
            return serverError(id, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return serverError(id, "plugin " + name + " is shutting down");
        } catch (RuntimeException e) {
            LOG.error("Plugin {} failed on {}", name, method, e);
            return serverError(id, "plugin " + name + " failed on " + method + ": " + e);
        }
    }

    /**
     * Decodes params as an object; like Go's json2 codec, a one-element array holding the object is
     * accepted too, and missing params are the zero value.
     */
    private static Object decodeParams(byte[] params, Class<?> type) throws IOException {
        if (params == null) {
            return Json.read(EMPTY_PARAMS, type);
        }
        int first = firstNonBlank(params);
        if (first >= 0 && params[first] == '[') {
            byte[] element = JsonRpc.firstElement(params);
            return Json.read(element == null ? EMPTY_PARAMS : element, type);
        }
        if (first < 0 || params[first] != '{') {
            throw new IOException("params must be an object, or an array holding one object");
        }
        return Json.read(params, type);
    }

    private static int firstNonBlank(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\n' && bytes[i] != '\r') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] serverError(String id, String message) {
        return JsonRpc.error(id, JsonRpc.SERVER_ERROR, message, null);
    }

    /** Quotes like Go's {@code %q} for the characters a method name may hold. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
