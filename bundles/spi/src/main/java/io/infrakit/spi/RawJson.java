package io.infrakit.spi;

import java.util.Objects;

/**
 * An opaque JSON value (the {@code Properties} of a plugin), kept as the exact text it arrived as.
 *
 * <p>Plugins decode their own properties; everything in between passes them through untouched, so key
 * order, number spelling and unknown fields survive a round trip. A JSON {@code null} or an absent
 * value is represented by a Java {@code null} reference where a {@code RawJson} is expected, never by an
 * instance.
 *
 * @param json the JSON text of one value (object, array, string, number, boolean); never {@code null} or blank
 */
public record RawJson(String json) {

    /**
     * Checks that the text is present.
     *
     * @throws NullPointerException if {@code json} is {@code null}
     * @throws IllegalArgumentException if {@code json} is blank
     */
    public RawJson {
        Objects.requireNonNull(json, "json");
        if (json.isBlank()) {
            throw new IllegalArgumentException("raw JSON must not be blank");
        }
    }

    /**
     * Wraps JSON text, mapping {@code null} to {@code null}.
     *
     * @param json JSON text or {@code null}
     * @return the wrapped value, or {@code null} when {@code json} is {@code null}
     */
    public static RawJson of(String json) {
        return json == null ? null : new RawJson(json);
    }

    @Override
    public String toString() {
        return json;
    }
}
