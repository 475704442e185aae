package io.infrakit.rpc.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's {@code encoding/json} output forms, for compatibility where bytes matter: files the Go plugins
 * read, and the configuration hash. Jackson parses; this only lays the tokens out the way Go does.
 */
public final class GoJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /**
     * {@code json.MarshalIndent}: element order kept, number text kept.
     *
     * @param json compact or indented JSON text
     * @param prefix the prefix of every line after the first
     * @param indent one level of indentation
     * @return the indented text
     * @throws IOException if the text is not JSON
     */
    public static String indent(byte[] json, String prefix, String indent) throws IOException {
        StringBuilder out = new StringBuilder(json.length * 2);
        try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("no JSON value");
            }
            new Layout(out, prefix, indent).value(p, first, 0);
        }
        return out.toString();
    }

    /**
     * The "stable" form: keys sorted, numbers as 64-bit floats written the way Go writes them, then
     * {@code json.MarshalIndent}.
     *
     * @param json JSON text
     * @param prefix the prefix of every line after the first
     * @param indent one level of indentation
     * @return the text
     * @throws IOException if the text is not JSON
     */
    public static String stable(byte[] json, String prefix, String indent) throws IOException {
        JsonNode tree = Json.mapper().readTree(json);
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("no JSON value");
        }
        StringBuilder out = new StringBuilder(json.length * 2);
        new Layout(out, prefix, indent).tree(tree, 0);
        return out.toString();
    }

    /**
     * A 64-bit float as Go 1.8+ writes it in JSON: plain decimal digits, or an exponent below 1e-6 and
     * from 1e21.
     *
     * @param value the number
     * @return its text
     */
    public static String formatFloat(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal digits = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        double abs = Math.abs(value);
        if (abs >= 1e-6 && abs < 1e21) {
            return digits.toPlainString();
        }
        String unscaled = digits.unscaledValue().abs().toString();
        int exponent = unscaled.length() - 1 - digits.scale();
        StringBuilder b = new StringBuilder();
        if (value < 0) {
            b.append('-');
        }
        b.append(unscaled.charAt(0));
        if (unscaled.length() > 1) {
            b.append('.').append(unscaled, 1, unscaled.length());
        }
        b.append('e').append(exponent < 0 ? '-' : '+');
        int e = Math.abs(exponent);
        if (e < 10 && exponent > 0) {
            b.append('0');
        }
        return b.append(e).toString();
    }

    /**
     * A string as Go quotes it: control characters, {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped.
     *
     * @param s the string
     * @param out where to write it
     */
    public static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private record Layout(StringBuilder out, String prefix, String indent) {

        void newline(int depth) {
            out.append('\n').append(prefix);
            for (int i = 0; i < depth; i++) {
                out.append(indent);
            }
        }

        void value(JsonParser p, JsonToken t, int depth) throws IOException {
            switch (t) {
                case START_OBJECT -> {
                    JsonToken next = p.nextToken();
                    if (next == JsonToken.END_OBJECT) {
                        out.append("{}");
                        return;
                    }
                    out.append('{');
                    boolean first = true;
                    while (next == JsonToken.FIELD_NAME) {
                        out.append(first ? "" : ",");
                        first = false;
                        newline(depth + 1);
                        quote(p.currentName(), out);
                        out.append(": ");
                        value(p, p.nextToken(), depth + 1);
                        next = p.nextToken();
                    }
                    newline(depth);
                    out.append('}');
                }
                case START_ARRAY -> {
                    JsonToken next = p.nextToken();
                    if (next == JsonToken.END_ARRAY) {
                        out.append("[]");
                        return;
                    }
                    out.append('[');
                    boolean first = true;
                    while (next != JsonToken.END_ARRAY) {
                        out.append(first ? "" : ",");
                        first = false;
                        newline(depth + 1);
                        value(p, next, depth + 1);
                        next = p.nextToken();
                    }
                    newline(depth);
                    out.append(']');
                }
                case VALUE_STRING -> quote(p.getText(), out);
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.append(p.getText());
                case VALUE_TRUE -> out.append("true");
                case VALUE_FALSE -> out.append("false");
                case VALUE_NULL -> out.append("null");
                default -> throw new IOException("unexpected " + t);
            }
        }

        void tree(JsonNode node, int depth) {
            if (node.isObject()) {
                if (node.isEmpty()) {
                    out.append("{}");
                    return;
                }
                Map<String, JsonNode> sorted = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    sorted.put(e.getKey(), e.getValue());
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    newline(depth + 1);
                    quote(e.getKey(), out);
                    out.append(": ");
                    tree(e.getValue(), depth + 1);
                }
                newline(depth);
                out.append('}');
            } else if (node.isArray()) {
                if (node.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    newline(depth + 1);
                    tree(node.get(i), depth + 1);
                }
                newline(depth);
                out.append(']');
            } else if (node.isTextual()) {
                quote(node.textValue(), out);
            } else if (node.isNumber()) {
                out.append(formatFloat(node.doubleValue()));
            } else if (node.isBoolean()) {
                out.append(node.booleanValue());
            } else {
                out.append("null");
            }
        }
    }
}
