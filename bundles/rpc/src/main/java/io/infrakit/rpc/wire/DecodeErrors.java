package io.infrakit.rpc.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import io.infrakit.spi.RawJson;

import java.io.CharConversionException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Decoding failures as one sentence a user can act on: the JSON path of the value at fault, from the root of the
 * document the user wrote, what was expected there and what was found. No Java type, Jackson feature or stack
 * detail reaches the text. Examples:
 *
 * <pre>
 * unknown key Properties.Updte: did you mean Update?
 * Properties.Allocation.Size: expected a whole number, got "three"
 * Properties.Update.MaxSurge: expected a whole number from -2147483648 to 2147483647, got 99999999999
 * Properties.Allocation: expected an object, got an array
 * not valid JSON at line 1, column 31: unexpected character '}', expected a value
 * </pre>
 */
public final class DecodeErrors {

    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern BACKTICKED = Pattern.compile("`(?:[A-Za-z_$][\\w$]*\\.)*([A-Za-z_$][\\w$]*)(?:<[^`]*>)?`");

    private DecodeErrors() {
    }

    /**
     * Describes a decoding failure.
     *
     * @param e the failure
     * @param root the JSON path of the decoded text within the user's document ({@code Properties}), or {@code ""}
     *        when the text is the document
     * @param source the text decoded, to quote the value at fault; or {@code null}
     * @return one sentence, without a final full stop
     */
    public static String describe(IOException e, String root, byte[] source) {
        String r = root == null ? "" : root;
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownKey(u, r);
        }
        if (e instanceof JsonMappingException m) {
            return mapping(m, r, source);
        }
        if (e instanceof StreamConstraintsException c) {
            return at(r, SyntaxErrors.path(c), "cannot read " + SyntaxErrors.limit(c));
        }
        if (e instanceof InputCoercionException c) {
            return at(r, SyntaxErrors.path(c), got(expected(c.getTargetType(), true), FoundValues.found(c, null, null)));
        }
        if (e instanceof JsonProcessingException p) {
            return SyntaxErrors.describe(p, r);
        }
        if (e instanceof CharConversionException) {
            return at(r, "", "is not valid UTF-8 text");
        }
        return at(r, "", "cannot be read");
    }

    /**
     * The JSON path of a value: {@code root} then each key ({@code .Key}, or {@code ["a key"]} when it is not a
     * plain name) and index ({@code [2]}).
     *
     * @param root the path of the document decoded, or {@code ""}
     * @param refs Jackson's references from the decoded text's root to the value
     * @return the path
     */
    static String path(String root, List<JsonMappingException.Reference> refs) {
        StringBuilder path = new StringBuilder(root);
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                appendKey(path, ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    static void appendKey(StringBuilder path, String key) {
        if (SIMPLE_KEY.matcher(key).matches()) {
            path.append(path.isEmpty() ? "" : ".").append(key);
        } else {
            path.append('[').append(FoundValues.quote(key)).append(']');
        }
    }

    private static String unknownKey(UnrecognizedPropertyException u, String root) {
        String key = u.getPropertyName();
        List<JsonMappingException.Reference> refs = new ArrayList<>(u.getPath());
        // Jackson's path ends with the unknown key itself
        if (!refs.isEmpty() && key.equals(refs.get(refs.size() - 1).getFieldName())) {
            refs.remove(refs.size() - 1);
        }
        StringBuilder path = new StringBuilder(path(root, refs));
        appendKey(path, key);
        Collection<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (u.getKnownPropertyIds() != null) {
            u.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
        }
        List<String> closest = ClosestKeys.of(key, known);
        if (!closest.isEmpty()) {
            return "unknown key " + path + ": did you mean " + String.join(" or ", closest.stream().map(k -> inCaseOf(key, k)).toList()) + "?";
        }
        if (known.isEmpty()) {
            return "unknown key " + path + ": no keys are allowed there";
        }
        return "unknown key " + path + " (the keys there are " + String.join(", ", known) + ")";
    }

    /**
     * A suggestion written as the user writes keys: keys match without regard to case, so {@code tpye} is told
     * {@code type}, {@code Tpye} is told {@code Type}. Acronyms ({@code ID}, {@code CPUs}) stay as they are.
     */
    private static String inCaseOf(String typed, String known) {
        boolean acronym = known.length() > 1 && Character.isUpperCase(known.charAt(0)) && Character.isUpperCase(known.charAt(1));
        if (!acronym && !typed.isEmpty() && Character.isLowerCase(typed.charAt(0))) {
            return Character.toLowerCase(known.charAt(0)) + known.substring(1);
        }
        return known;
    }

    private static String mapping(JsonMappingException m, String root, byte[] source) {
        String path = path(root, m.getPath());
        Throwable cause = m.getCause();
        if (m instanceof ValueInstantiationException || cause instanceof IllegalArgumentException) {
            return at(path, "", invalid(cause));
        }
        if (cause instanceof StreamConstraintsException c) {
            // the parser checks its limits as it reads the next token: the path is the enclosing value's
            return at(path, "", "cannot read " + SyntaxErrors.limit(c));
        }
        if (cause instanceof InputCoercionException c) {
            return at(path, "", got(expected(c.getTargetType(), true), FoundValues.found(c, source, m.getPath())));
        }
        if (cause instanceof JsonProcessingException p && !(cause instanceof JsonMappingException)) {
            return SyntaxErrors.describe(p, root);
        }
        String original = m.getOriginalMessage() == null ? "" : m.getOriginalMessage();
        if (m instanceof MismatchedInputException mi) {
            if (original.startsWith("No content to map")) {
                return at(path, "", "holds no JSON value");
            }
            if (original.startsWith("Trailing token")) {
                return at(path, "", "has more text after its JSON value");
            }
            String got = FoundValues.found(m, source, m.getPath());
            String expected = mi.getTargetType() != null ? expected(mi.getTargetType(), false) : null;
            if (expected == null) {
                return at(path, "", got == null ? "is not valid here" : "unexpected " + got);
            }
            return at(path, "", got == null ? expected : expected + ", got " + got);
        }
        // what is left is a type the mapping cannot build at all (a programming error, logged by StrictJson):
        // its text would only name Java classes
        return at(path, "", "cannot be decoded");
    }

    /** A value a record's constructor refused: its own message, which names the field and the rule. */
    private static String invalid(Throwable cause) {
        String message = cause == null ? null : cause.getMessage();
        if (cause instanceof IllegalArgumentException && message != null && !message.isBlank()) {
            return clean(message);
        }
        if (cause instanceof NullPointerException && message != null && SIMPLE_KEY.matcher(message).matches()) {
            return Character.toUpperCase(message.charAt(0)) + message.substring(1) + " is required";
        }
        return "is not valid";
    }

    /** What a type takes, in JSON words. */
    static String expected(Class<?> type, boolean outOfRange) {
        if (type == null) {
            return "expected another kind of value";
        }
        if (type == int.class || type == Integer.class) {
            return "expected a whole number" + (outOfRange ? " from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE : "");
        }
        if (type == long.class || type == Long.class) {
            return "expected a whole number" + (outOfRange ? " from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE : "");
        }
        if (type == short.class || type == Short.class) {
            return "expected a whole number" + (outOfRange ? " from " + Short.MIN_VALUE + " to " + Short.MAX_VALUE : "");
        }
        if (type == byte.class || type == Byte.class) {
            return "expected a whole number" + (outOfRange ? " from " + Byte.MIN_VALUE + " to " + Byte.MAX_VALUE : "");
        }
        if (type == BigInteger.class) {
            return "expected a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class || type == BigDecimal.class
                || type == Number.class) {
            return "expected a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "expected true or false";
        }
        if (type == String.class || type == char.class || type == Character.class || CharSequence.class.isAssignableFrom(type)) {
            return "expected a string";
        }
        if (type.isEnum()) {
            return "expected one of " + String.join(", ", Arrays.stream(type.getEnumConstants()).map(c -> FoundValues.quote(c.toString())).toList());
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "expected an array";
        }
        if (type == RawJson.class || type == Object.class) {
            return "expected a JSON value";
        }
        return "expected an object";
    }

    private static String got(String expected, String found) {
        return found == null ? expected : expected + ", got " + found;
    }

    /** {@code path: problem}, where the path is the root and a relative path joined; just the problem at the root. */
    static String at(String root, String relative, String problem) {
        String path = root.isEmpty() ? relative : relative.isEmpty() ? root : relative.startsWith("[") ? root + relative : root + "." + relative;
        if (path.isEmpty()) {
            return problem.startsWith("is ") || problem.startsWith("has ") || problem.startsWith("holds ")
                    ? "the value " + problem : problem;
        }
        return path + ": " + problem;
    }

    /** Whatever is left of a library's text: Java names shortened to their simple names, one line. */
    static String clean(String message) {
        String m = message;
        int newline = m.indexOf('\n');
        if (newline >= 0) {
            m = m.substring(0, newline);
        }
        return BACKTICKED.matcher(m).replaceAll("$1").replaceAll("\\s*\\(through reference chain:.*$", "").strip();
    }
}
