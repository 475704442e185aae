package io.infrakit.rpc.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failures of the JSON text itself, in a few words: not JSON ({@code not valid JSON at line 1, column 25: unexpected
 * character '}', expected a value}), a key given twice ({@code duplicate key Properties.Allocation}), a value over
 * the parser's limits ({@code a number of more than 1000 digits}).
 */
final class SyntaxErrors {

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) '(.*)'");

    private SyntaxErrors() {
    }

    static String limit(StreamConstraintsException c) {
        String m = c.getOriginalMessage() == null ? "" : c.getOriginalMessage();
        Matcher n = Pattern.compile("\\((\\d+), from").matcher(m);
        String max = n.find() ? n.group(1) : null;
        String most = max == null ? "the most allowed" : max;
        if (m.contains("nesting depth")) {
            return "JSON nested more than " + most + " levels deep";
        }
        if (m.contains("Number value length") || m.contains("Number length")) {
            return "a number of more than " + most + " digits";
        }
        if (m.contains("String value length") || m.contains("String length")) {
            return "a string of more than " + most + " characters";
        }
        if (m.contains("Name length") || m.contains("Name value length")) {
            return "a key of more than " + most + " characters";
        }
        return "JSON this large";
    }

    /** Text that is not JSON, or a key given twice: where, and why in a few words. */
    static String describe(JsonProcessingException e, String root) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.find()) {
            StringBuilder path = new StringBuilder(DecodeErrors.at(root, path(e), ""));
            if (path.toString().endsWith(": ")) {
                path.setLength(path.length() - 2);
            }
            DecodeErrors.appendKey(path, duplicate.group(1));
            return "duplicate key " + path;
        }
        String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return DecodeErrors.at(root, "", "not valid JSON" + where + ": " + reason(original));
    }

    /** Jackson's reason for a syntax error, without its codes and source excerpts. */
    private static String reason(String original) {
        String m = original;
        int newline = m.indexOf('\n');
        if (newline >= 0) {
            m = m.substring(0, newline);
        }
        m = m.replaceAll("\\s*\\(?\\s*(start marker )?at \\[Source:.*$", "");
        if (m.startsWith("Unexpected end-of-input")) {
            if (m.contains("Object")) {
                return "the text ends before the object is closed";
            }
            if (m.contains("Array")) {
                return "the text ends before the array is closed";
            }
            if (m.contains("VALUE_STRING") || m.contains("quote")) {
                return "the text ends inside a string";
            }
            return "the text ends too early";
        }
        m = m.replaceAll("^Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*$", "control character $1 must be escaped in a string")
                .replaceAll("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)", "(control character $1)")
                .replaceAll("\\('(.)' \\(code \\d+\\)\\)", "'$1'")
                .replaceAll(": (?:was expecting|expected) (?:a valid value )?\\(JSON String.*$", ", expected a value")
                .replace(": was expecting double-quote to start field name", ", expected a key in double quotes")
                .replace(": was expecting a colon to separate field name and value", ", expected a colon after the key")
                .replace(": was expecting comma to separate Object entries", ", expected a comma or the end of the object")
                .replace(": was expecting comma to separate Array entries", ", expected a comma or the end of the array")
                .replace(": has to be escaped using backslash to be included in string value", " must be escaped in a string")
                .replace("Unrecognized token", "unrecognized word")
                .replaceAll("^Non-standard token '(.*)'.*$", "$1 is not a JSON value")
                .replaceAll(": enable [A-Z_]+ to allow.*$", "")
                .replace(": was expecting ", ", expected ")
                .replace(": expected ", ", expected ");
        m = Pattern.compile("^Invalid numeric value: (.)").matcher(DecodeErrors.clean(m))
                .replaceFirst(r -> "invalid number: " + r.group(1).toLowerCase(Locale.ROOT));
        if (m.isEmpty()) {
            return "unexpected text";
        }
        // a sentence starts in lower case after the colon; a quoted value or a word such as NaN stays as it is
        String first = m.split("[^A-Za-z]", 2)[0];
        boolean word = first.length() > 1 && Character.isUpperCase(first.charAt(0)) && first.substring(1).chars().allMatch(Character::isLowerCase);
        return word ? Character.toLowerCase(m.charAt(0)) + m.substring(1) : m;
    }

    /** The path the parser was at, from its contexts: each enclosing object's key and array's index. */
    static String path(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser p)) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        JsonStreamContext ctx = p.getParsingContext();
        for (JsonStreamContext c = ctx == null ? null : ctx.getParent(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                StringBuilder key = new StringBuilder();
                DecodeErrors.appendKey(key, c.getCurrentName());
                parts.add(0, key.charAt(0) == '[' ? key.toString() : "." + key);
            } else if (c.inArray()) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            }
        }
        if (e instanceof InputCoercionException || e instanceof StreamConstraintsException) {
            // the value itself is at the parser's own context
            if (ctx != null && ctx.inObject() && ctx.getCurrentName() != null) {
                StringBuilder key = new StringBuilder();
                DecodeErrors.appendKey(key, ctx.getCurrentName());
                parts.add(key.charAt(0) == '[' ? key.toString() : "." + key);
            } else if (ctx != null && ctx.inArray()) {
                parts.add("[" + ctx.getCurrentIndex() + "]");
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }
}
