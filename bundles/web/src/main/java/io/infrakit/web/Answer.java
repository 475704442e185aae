package io.infrakit.web;

import io.infrakit.spi.JsonCodec;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the endpoint answers to one request: a status, a content type and a body.
 *
 * @param status the HTTP status
 * @param contentType the content type
 * @param body the body
 */
record Answer(int status, String contentType, byte[] body) {

    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    /** A value as JSON, in the wire protocol's field names. */
    static Answer json(JsonCodec codec, int status, Object value) {
        return new Answer(status, JSON, codec.encode(value).json().getBytes(StandardCharsets.UTF_8));
    }

    /** An error as JSON: {@code {"error": "<sentence>"}}. */
    static Answer error(JsonCodec codec, int status, String message) {
        return json(codec, status, Map.of("error", message == null ? "" : message));
    }

    /** What an action did, as JSON: {@code {"message": "<sentence>"}}. */
    static Answer message(JsonCodec codec, String message) {
        return json(codec, 200, Map.of("message", message == null ? "" : message));
    }

    static Answer text(int status, String text) {
        return new Answer(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
