package io.infrakit.rpc.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the user wrote where decoding failed, as a message quotes it: {@code "three"}, {@code 3.5}, {@code an array}. */
final class FoundValues {

    private static final Pattern COERCE = Pattern.compile("^(?:Cannot coerce [\\w-]+ value|Numeric value) \\((.+?)\\) (?:to|out of range)");
    private static final Pattern FROM_STRING = Pattern.compile(" from String (\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final int SHOWN = 40;

    private FoundValues() {
    }

    /**
     * The value at fault as the user wrote it, or {@code null} when it cannot be told: read again from the source
     * along the path; else the scalar Jackson kept; else what Jackson's own message quotes of it (the wire's
     * messages are decoded without their source at hand; the parser itself is closed by then).
     */
    static String found(JsonProcessingException e, byte[] source, List<JsonMappingException.Reference> refs) {
        String got = source == null || refs == null ? null : fromSource(source, refs);
        if (got == null && e instanceof InvalidFormatException f) {
            got = value(f.getValue());
        }
        if (got == null && e.getOriginalMessage() != null) {
            got = fromMessage(e.getOriginalMessage());
        }
        return got;
    }

    private static String fromSource(byte[] source, List<JsonMappingException.Reference> refs) {
        try (JsonParser p = Json.mapper().getFactory().createParser(source)) {
            return p.nextToken() != null && walk(p, refs) ? token(p) : null;
        } catch (IOException | RuntimeException e) {
            return null; // not readable along that path
        }
    }

    private static String fromMessage(String message) {
        Matcher coerce = COERCE.matcher(message);
        if (coerce.find()) {
            return shorten(coerce.group(1));
        }
        Matcher string = FROM_STRING.matcher(message);
        if (string.find()) {
            return shorten(string.group(1));
        }
        if (message.contains("from Array value")) {
            return "an array";
        }
        if (message.contains("from Object value")) {
            return "an object";
        }
        return null;
    }

    /** Moves a parser, at the start of a value, to the value at the end of the path. */
    private static boolean walk(JsonParser p, List<JsonMappingException.Reference> refs) throws IOException {
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (p.currentToken() != JsonToken.START_OBJECT || !toField(p, ref.getFieldName())) {
                    return false;
                }
            } else if (ref.getIndex() >= 0) {
                if (p.currentToken() != JsonToken.START_ARRAY || !toIndex(p, ref.getIndex())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean toField(JsonParser p, String name) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            // the path has the key as written, or the property's own name when keys matched without regard to case
            if (key.equalsIgnoreCase(name)) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private static boolean toIndex(JsonParser p, int index) throws IOException {
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            if (p.currentToken() == null) {
                return false;
            }
            if (i == index) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private static String token(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> quote(shorten(p.getText()));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> shorten(p.getText());
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> null;
        };
    }

    /** A scalar Jackson kept from the input, as JSON would show it. */
    private static String value(Object v) {
        if (v instanceof String text) {
            return quote(shorten(text));
        }
        if (v instanceof Number || v instanceof Boolean) {
            return shorten(v.toString());
        }
        return null;
    }

    private static String shorten(String text) {
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN - 3) + "... (" + text.length() + " characters)";
    }

    /** A string as JSON text (as Go writes it), so that quotes and control characters in it stay visible and harmless. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        GoJson.quote(s, out);
        return out.toString();
    }
}
