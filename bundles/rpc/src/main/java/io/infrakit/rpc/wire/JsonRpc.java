package io.infrakit.rpc.wire;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON-RPC 2.0 framing as the Go InfraKit (gorilla/rpc json2) speaks it: envelope fields matched without
 * regard to case, {@code params} and {@code id} kept as raw JSON so the id is echoed verbatim, one JSON
 * object per message followed by a newline.
 */
public final class JsonRpc {

    /** The code for any error a plugin method returns, and for unknown services and methods. */
    public static final int SERVER_ERROR = -32000;
    /** The code for a request that is not valid JSON-RPC 2.0 or whose params do not fit the method. */
    public static final int INVALID_REQUEST = -32600;
    /** The code for a body that is not JSON. */
    public static final int PARSE_ERROR = -32700;

    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private JsonRpc() {
    }

    /**
     * A decoded request envelope.
     *
     * @param version the {@code jsonrpc} member, {@code null} when missing or not a string
     * @param method the {@code method} member, {@code ""} when missing
     * @param params the raw {@code params} member, {@code null} when missing or {@code null}
     * @param id the raw {@code id} member, {@code null} when missing or {@code null} (a notification)
     */
    public record Request(String version, String method, byte[] params, String id) {
    }

    /**
     * A decoded response envelope.
     *
     * @param <T> the type of the result
     * @param result the {@code result} member, {@code null} when missing or {@code null}
     * @param error the error, {@code null} when there is none
     */
    public record Response<T>(T result, Error error) {
    }

    /**
     * Reads the value at a parser's current token.
     *
     * @param <T> the type of the value
     */
    @FunctionalInterface
    public interface ValueReader<T> {
        /**
         * Reads the value, consuming it.
         *
         * @param p the parser, at the value's first token
         * @param source the bytes the parser reads
         * @return the value
         * @throws IOException if the value cannot be read
         */
        T read(JsonParser p, byte[] source) throws IOException;
    }

    /** Reads a value as the exact bytes it occupies in the message. */
    public static final ValueReader<byte[]> RAW = Json::slice;

    /**
     * A result that does not fit the expected type, in a message that is otherwise JSON-RPC.
     */
    public static final class ResultException extends IOException {
        private static final long serialVersionUID = 1L;

        ResultException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /**
     * A JSON-RPC error object.
     *
     * @param code the error code
     * @param message the message
     */
    public record Error(int code, String message) {
    }

    /**
     * Decodes a request envelope.
     *
     * @param body the HTTP body
     * @return the envelope
     * @throws IOException if the body is not a JSON object
     */
    public static Request parseRequest(byte[] body) throws IOException {
        String version = null;
        String method = "";
        byte[] params = null;
        String id = null;
        try (JsonParser p = FACTORY.createParser(body)) {
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equalsIgnoreCase("jsonrpc")) {
                    version = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                } else if (field.equalsIgnoreCase("method")) {
                    method = value == JsonToken.VALUE_STRING ? p.getText() : "";
                    p.skipChildren();
                } else if (field.equalsIgnoreCase("params")) {
                    params = value == JsonToken.VALUE_NULL ? skip(p) : Json.slice(p, body);
                } else if (field.equalsIgnoreCase("id")) {
                    id = value == JsonToken.VALUE_NULL ? skipText(p) : new String(Json.slice(p, body), StandardCharsets.UTF_8);
                } else {
                    p.skipChildren();
                }
            }
            expectEnd(p);
        }
        return new Request(version, method, params, id);
    }

    /**
     * Decodes a response envelope, reading the result in the same pass.
     *
     * @param <T> the type of the result
     * @param body the HTTP body
     * @param resultReader reads the {@code result} member when it is not {@code null}
     * @return the envelope
     * @throws ResultException if the result does not fit (the envelope was fine up to there)
     * @throws IOException if the body is not a JSON-RPC response
     */
    public static <T> Response<T> parseResponse(byte[] body, ValueReader<T> resultReader) throws IOException {
        T result = null;
        Error error = null;
        try (JsonParser p = FACTORY.createParser(body)) {
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equalsIgnoreCase("result") && value != JsonToken.VALUE_NULL) {
                    result = readResult(p, body, resultReader);
                } else if (field.equalsIgnoreCase("error") && value == JsonToken.START_OBJECT) {
                    error = readError(p);
                } else {
                    p.skipChildren();
                }
            }
            expectEnd(p);
        }
        return new Response<>(result, error);
    }

    private static <T> T readResult(JsonParser p, byte[] body, ValueReader<T> resultReader) throws IOException {
        try {
            return resultReader.read(p, body);
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            throw e;
        } catch (IOException e) {
            throw new ResultException(e);
        }
    }

    private static Error readError(JsonParser p) throws IOException {
        int code = 0;
        String message = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equalsIgnoreCase("code") && value == JsonToken.VALUE_NUMBER_INT) {
                code = p.getIntValue();
            } else if (field.equalsIgnoreCase("message") && value == JsonToken.VALUE_STRING) {
                message = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return new Error(code, message);
    }

    /**
     * Encodes a request.
     *
     * @param method {@code Service.Method}
     * @param params the params object
     * @param id the request id
     * @return the body
     */
    public static byte[] request(String method, Object params, long id) {
        return encode(gen -> {
            gen.writeStringField("jsonrpc", "2.0");
            gen.writeStringField("method", method);
            gen.writeFieldName("params");
            if (params instanceof RawParams raw) {
                gen.writeRawValue(raw.json());
            } else {
                Json.write(gen, params);
            }
            gen.writeNumberField("id", id);
        });
    }

    /**
     * Params already encoded as JSON text.
     *
     * @param json the JSON text of the params
     */
    public record RawParams(String json) {
    }

    /**
     * Encodes a successful response.
     *
     * @param id the raw request id
     * @param result the result object
     * @return the body
     */
    public static byte[] result(String id, Object result) {
        return encode(gen -> {
            gen.writeStringField("jsonrpc", "2.0");
            gen.writeFieldName("result");
            Json.write(gen, result);
            gen.writeFieldName("id");
            if (id == null) {
                gen.writeNull();
            } else {
                gen.writeRawValue(id);
            }
        });
    }

    /**
     * Encodes an error response.
     *
     * @param id the raw request id, or {@code null} (written as {@code null})
     * @param code the error code
     * @param message the message
     * @param data raw JSON for the {@code data} member, or {@code null}
     * @return the body
     */
    public static byte[] error(String id, int code, String message, String data) {
        return encode(gen -> {
            gen.writeStringField("jsonrpc", "2.0");
            gen.writeObjectFieldStart("error");
            gen.writeNumberField("code", code);
            gen.writeStringField("message", message);
            gen.writeFieldName("data");
            if (data == null) {
                gen.writeNull();
            } else {
                gen.writeRawValue(Json.compact(data));
            }
            gen.writeEndObject();
            gen.writeFieldName("id");
            if (id == null) {
                gen.writeNull();
            } else {
                gen.writeRawValue(id);
            }
        });
    }

    private interface Body {
        void write(JsonGenerator gen) throws IOException;
    }

    private static byte[] encode(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            gen.writeStartObject();
            body.write(gen);
            gen.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode JSON-RPC message", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void expectObject(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("a JSON-RPC message must be a JSON object");
        }
    }

    private static void expectEnd(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new IOException("a JSON-RPC message must be a JSON object");
        }
        if (p.nextToken() != null) {
            throw new IOException("unexpected data after the JSON-RPC message");
        }
    }

    private static byte[] skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static String skipText(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /**
     * The exact bytes of the first element of a JSON array.
     *
     * @param array JSON text of an array
     * @return the first element, or {@code null} when the array is empty
     * @throws IOException if the text is not an array
     */
    public static byte[] firstElement(byte[] array) throws IOException {
        try (JsonParser p = FACTORY.createParser(array)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("not a JSON array");
            }
            return p.nextToken() == JsonToken.END_ARRAY ? null : Json.slice(p, array);
        }
    }

}
