package io.infrakit.rpc.wire;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;

import io.infrakit.spi.PluginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoding of what a user wrote (a group spec, a plugin's properties), stricter than the wire: {@link Json}'s
 * mapping (Go field names matched without regard to case, no scalar coercion) plus no unknown key, no key given
 * twice and nothing after the value. Every failure is one sentence with the JSON path ({@link DecodeErrors}).
 *
 * <p>Messages on the wire stay lenient ({@link Json#read}): Go clients and plugins send the fields of their own
 * version, and a newer peer's extra fields must not break an older one.
 */
public final class StrictJson {

    private static final Logger LOG = LoggerFactory.getLogger(StrictJson.class);
    private static final Map<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();

    private StrictJson() {
    }

    /**
     * Decodes a value strictly.
     *
     * @param <T> the value type
     * @param bytes UTF-8 JSON text
     * @param type the value type
     * @param path the JSON path of the text within the user's document, for messages ({@code Properties}); {@code ""}
     *        when the text is the whole document
     * @return the value, or {@code null} for JSON {@code null}
     * @throws PluginException with a message such as {@code unknown key Properties.Updte: did you mean Update?}
     */
    public static <T> T read(byte[] bytes, Class<T> type, String path) throws PluginException {
        try {
            return reader(type).withAttribute(Json.SOURCE, bytes).readValue(bytes);
        } catch (IOException e) {
            // the cause is left out on purpose: the message says all a user needs, and the library's text must not
            // leak through it; the details are in the debug log
            LOG.debug("Strict decoding as {} failed", type.getName(), e);
            throw new PluginException(DecodeErrors.describe(e, path == null ? "" : path, bytes));
        }
    }

    private static ObjectReader reader(Class<?> type) {
        return READERS.computeIfAbsent(type, t -> Json.mapper().readerFor(t)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION));
    }
}
