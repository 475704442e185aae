package io.infrakit.spi.group;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupEntriesTest {

    private static final String FILE = "groups.json";
    private static final JsonCodec CODEC = new MiniJsonCodec();

    private static List<GroupEntries.Entry> parse(String json) throws PluginException {
        return GroupEntries.parse(CODEC, new RawJson(json), FILE);
    }

    private static String error(String json) {
        return assertThrows(PluginException.class, () -> parse(json), json).getMessage();
    }

    @Test
    void entriesComeInFileOrderWithTheirIndexAndTheSpecTextAsWritten() throws Exception {
        List<GroupEntries.Entry> entries = parse("""
                [{"Plugin": "group", "Properties": {"ID": "workers", "Properties": {"Size": 3, "Tags": {"a": 1.50}}}},
                 {"plugin": "group-stateless/x", "properties": {"id": "managers"}}]""");

        assertEquals(2, entries.size());
        assertEquals(new GroupEntries.Entry(0, "group",
                new GroupSpec("workers", new RawJson("{\"Size\": 3, \"Tags\": {\"a\": 1.50}}"))), entries.get(0));
        assertEquals(new GroupEntries.Entry(1, "group-stateless/x", new GroupSpec("managers", null)), entries.get(1));
        assertThrows(UnsupportedOperationException.class, () -> entries.add(entries.get(0)), "the list is immutable");
    }

    @Test
    void anEntryDescribesItselfByIndexGroupAndPlugin() {
        GroupEntries.Entry entry = new GroupEntries.Entry(1, "group", new GroupSpec("workers", null));
        assertEquals("Entry 1 of groups.json (group workers, plugin group)", entry.describe(FILE));
    }

    @Test
    void anEntryHasAnIndexAPluginAndASpec() {
        GroupSpec spec = new GroupSpec("a", null);
        assertThrows(IllegalArgumentException.class, () -> new GroupEntries.Entry(-1, "group", spec));
        assertThrows(NullPointerException.class, () -> new GroupEntries.Entry(0, null, spec));
        assertThrows(NullPointerException.class, () -> new GroupEntries.Entry(0, "group", null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "not an array        | {\"Plugin\": \"group\"}                                | $ is not a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}",
        "a string            | \"[]\"                                               | $ is not a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}",
        "empty array         | []                                                   | $ holds no groups",
        "broken JSON         | [{\"Plugin\": \"group\",]                            | $ is not valid JSON: at [20]: Unexpected character ']'",
        "entry not an object | [\"group\"]                                          | Entry 0 of $ is not a JSON object {\"Plugin\": .., \"Properties\": ..}",
        "null entry          | [null]                                               | Entry 0 of $ is not a JSON object {\"Plugin\": .., \"Properties\": ..}",
        "plugin not a string | [{\"Plugin\": 7, \"Properties\": {\"ID\": \"a\"}}]   | Entry 0 of $ is not valid: at Plugin: cannot decode 7 as String",
        "no plugin           | [{\"Properties\": {\"ID\": \"a\"}}]                  | Entry 0 of $ names no Plugin",
        "blank plugin        | [{\"Plugin\": \" \", \"Properties\": {\"ID\": \"a\"}}] | Entry 0 of $ names no Plugin",
        "bad plugin name     | [{\"Plugin\": \"a b\", \"Properties\": {\"ID\": \"a\"}}] | Entry 0 of $: Invalid plugin name 'a b': use letters, digits, '.', '_' and '-' (at most 100, not starting with '.' or '-')",
        "escaping plugin     | [{\"Plugin\": \"../x\", \"Properties\": {\"ID\": \"a\"}}] | Entry 0 of $: Invalid plugin name '..': use letters, digits, '.', '_' and '-' (at most 100, not starting with '.' or '-')",
        "no properties       | [{\"Plugin\": \"group\"}]                            | Entry 0 of $ has no Properties (the group spec)",
        "null properties     | [{\"Plugin\": \"group\", \"Properties\": null}]      | Entry 0 of $ has no Properties (the group spec)",
        "spec not an object  | [{\"Plugin\": \"group\", \"Properties\": \"a\"}]     | Entry 0 of $ is not a valid group spec: at (root): cannot decode \"a\" as Map",
        "spec not a spec     | [{\"Plugin\": \"group\", \"Properties\": {\"ID\": 42}}] | Entry 0 of $ is not a valid group spec: at ID: cannot decode 42 as String",
        "spec without ID     | [{\"Plugin\": \"group\", \"Properties\": {\"Properties\": {}}}] | Entry 0 of $: the group spec has no ID",
        "spec with blank ID  | [{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"  \"}}] | Entry 0 of $: the group spec has no ID",
    })
    void aBadConfigurationIsRefusedWithOneSentenceNamingTheFileAndTheEntry(String what, String json, String expected) {
        String wanted = expected.replace("$ ", FILE + " ").replace("$:", FILE + ":");
        assertEquals(wanted, error(json), what);
        if (json.startsWith("[") && !json.equals("[]") && !what.equals("broken JSON")) {
            // after a good entry, the bad one is named by its own index, and the good one is not returned either
            String after = "[{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"good\"}}, " + json.substring(1);
            assertEquals(wanted.replace("Entry 0", "Entry 1"), error(after), what);
            // and before a good one, the entries after it are not needed to refuse it
            String before = json.substring(0, json.length() - 1) + ", {\"Plugin\": \"group\", \"Properties\": {\"ID\": \"good\"}}]";
            assertEquals(wanted, error(before), what);
        }
    }

    @Test
    void theCodecsErrorsKeepTheirCauseButNotTheirIntroduction() {
        PluginException e = assertThrows(PluginException.class,
                () -> parse("[{\"Plugin\": \"group\", \"Properties\": {\"ID\": 42}}]"));
        assertFalse(e.getMessage().contains("Invalid properties"), e.getMessage());
        assertTrue(e.getCause() instanceof PluginException, String.valueOf(e.getCause()));
        assertEquals("Invalid properties: at ID: cannot decode 42 as String", e.getCause().getMessage());

        PluginException name = assertThrows(PluginException.class,
                () -> parse("[{\"Plugin\": \"a b\", \"Properties\": {\"ID\": \"a\"}}]"));
        assertTrue(name.getCause() instanceof IllegalArgumentException, String.valueOf(name.getCause()));

        // a codec whose errors have no such introduction, or no message at all, is quoted as it is
        JsonCodec terse = codec((json, type) -> {
            throw new PluginException(type == List.class ? "bad syntax" : null);
        });
        assertEquals(FILE + " is not valid JSON: bad syntax",
                assertThrows(PluginException.class, () -> GroupEntries.parse(terse, new RawJson("[1]"), FILE)).getMessage());
    }

    @Test
    void anErrorInTheSyntaxDoesNotMentionTheWrapperTheArrayIsDecodedIn() {
        String message = error("[{\"Plugin\": \"group\" \"Properties\": {}}]");
        assertTrue(message.startsWith(FILE + " is not valid JSON: at [20]: "), message);
        assertFalse(message.contains("Entries"), message);
    }

    @Test
    void twoEntriesCommittingTheSameGroupToTheSamePluginAreRefused() throws Exception {
        String a = "{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"a\"}}";
        String b = "{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"b\"}}";
        assertEquals("Entries 0 and 2 of groups.json both commit group a to plugin group",
                error("[" + a + ", " + b + ", " + a.replace("\"a\"}", "\"a\", \"Properties\": {\"Size\": 2}}") + "]"));
        assertEquals("Entries 1 and 2 of groups.json both commit group b to plugin group", error("[" + a + ", " + b + ", " + b + "]"));

        // the same ID for two plugins, or two IDs for one plugin, are two groups
        List<GroupEntries.Entry> entries = parse("[" + a + ", " + a.replace("\"group\"", "\"group-stateless\"") + ", " + b + "]");
        assertEquals(List.of("group a", "group-stateless a", "group b"),
                entries.stream().map(e -> e.plugin() + " " + e.spec().id()).toList());
    }

    @Test
    void theCodecIsAskedNothingForAFileThatIsNoArray() throws Exception {
        List<Class<?>> asked = new ArrayList<>();
        JsonCodec recording = codec((json, type) -> {
            asked.add(type);
            return CODEC.decode(json, type);
        });
        assertThrows(PluginException.class, () -> GroupEntries.parse(recording, new RawJson("{}"), FILE));
        assertEquals(List.of(), asked);

        GroupEntries.parse(recording, new RawJson("[{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"a\"}}]"), FILE);
        assertEquals(List.of(List.class, asked.get(1), GroupEntries.GroupEntry.class, GroupSpec.class), asked);
    }

    @Test
    void aGroupEntryIsTheShapeOfTheFile() throws Exception {
        GroupEntries.GroupEntry entry = CODEC.decode(new RawJson("{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"a\"}}"),
                GroupEntries.GroupEntry.class);
        assertEquals(new GroupEntries.GroupEntry("group", new RawJson("{\"ID\": \"a\"}")), entry);
        assertNull(new GroupEntries.GroupEntry(null, null).plugin(), "what a file lacks is null, refused by parse");
    }

    @Test
    void theArgumentsAreRequired() {
        assertThrows(NullPointerException.class, () -> GroupEntries.parse(null, new RawJson("[]"), FILE));
        assertThrows(NullPointerException.class, () -> GroupEntries.parse(CODEC, null, FILE));
    }

    /** The one method of the codec that {@link GroupEntries} uses. */
    private interface Decoder {
        Object decode(RawJson json, Class<?> type) throws PluginException;
    }

    private static JsonCodec codec(Decoder decoder) {
        return new MiniJsonCodec() {
            @Override
            public <T> T decode(RawJson json, Class<T> type) throws PluginException {
                return type.cast(decoder.decode(json, type));
            }
        };
    }

    /**
     * A small stand-in for the rpc bundle's codec (the SPI cannot depend on it): decodes records, lists,
     * maps, strings and {@link RawJson} as the wire rules say (field names matched without regard to case,
     * no scalar converted into another type, raw values kept as their exact text) and reports errors as the
     * real codec does, {@code Invalid properties: at <where>: <why>}. Encoding is not needed here.
     */
    static class MiniJsonCodec implements JsonCodec {

        /** A parsed value and the exact text it was parsed from. */
        private record Node(Object value, String text) {
        }

        @Override
        public <T> T decode(RawJson json, Class<T> type) throws PluginException {
            if (json == null) {
                return null;
            }
            Parser parser = new Parser(json.json());
            Node node = parser.value();
            parser.space();
            if (parser.at < parser.text.length()) {
                throw parser.error("Unexpected character '" + parser.text.charAt(parser.at) + "'");
            }
            return type.cast(bind(node, type, "(root)"));
        }

        private static Object bind(Node node, Type type, String path) throws PluginException {
            Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
            if (node.value() == null) {
                return null;
            }
            if (raw == RawJson.class) {
                return new RawJson(node.text());
            }
            if (raw == String.class) {
                return expect(node, String.class, path);
            }
            if (raw == List.class) {
                Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
                List<Object> list = new ArrayList<>();
                List<?> nodes = expect(node, List.class, path);
                for (int i = 0; i < nodes.size(); i++) {
                    list.add(bind((Node) nodes.get(i), element, path + "[" + i + "]"));
                }
                return list;
            }
            if (raw.isRecord()) {
                Map<?, ?> fields = expect(node, Map.class, path);
                RecordComponent[] components = raw.getRecordComponents();
                Object[] values = new Object[components.length];
                Class<?>[] types = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++) {
                    types[i] = components[i].getType();
                    for (Map.Entry<?, ?> field : fields.entrySet()) {
                        if (((String) field.getKey()).equalsIgnoreCase(components[i].getName())) {
                            values[i] = bind((Node) field.getValue(), components[i].getGenericType(), (String) field.getKey());
                        }
                    }
                }
                try {
                    Constructor<?> constructor = raw.getDeclaredConstructor(types);
                    constructor.setAccessible(true);
                    return constructor.newInstance(values);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return plain(node);
        }

        private static <T> T expect(Node node, Class<T> type, String path) throws PluginException {
            if (!type.isInstance(node.value())) {
                throw new PluginException("Invalid properties: at " + path + ": cannot decode " + node.text()
                        + " as " + type.getSimpleName());
            }
            return type.cast(node.value());
        }

        private static Object plain(Node node) {
            if (node.value() instanceof List<?> list) {
                return list.stream().map(n -> plain((Node) n)).toList();
            }
            if (node.value() instanceof Map<?, ?> map) {
                Map<String, Object> plain = new LinkedHashMap<>();
                map.forEach((k, v) -> plain.put((String) k, plain((Node) v)));
                return plain;
            }
            return node.value();
        }

        /** JSON as RFC 8259 has it, minus string escapes other than {@code \"} and {@code \\}: enough for tests. */
        private static final class Parser {

            final String text;
            int at;

            Parser(String text) {
                this.text = text;
            }

            Node value() throws PluginException {
                space();
                int start = at;
                if (at >= text.length()) {
                    throw error("Unexpected end of input");
                }
                char c = text.charAt(at);
                Object value;
                if (c == '{') {
                    at++;
                    Map<String, Node> map = new LinkedHashMap<>();
                    space();
                    if (peek() == '}') {
                        at++;
                    } else {
                        do {
                            space();
                            if (peek() != '"') {
                                throw error("Unexpected character '" + peek() + "'");
                            }
                            String key = string();
                            space();
                            take(':');
                            map.put(key, value());
                            space();
                        } while (peek() == ',' && at++ >= 0);
                        take('}');
                    }
                    value = map;
                } else if (c == '[') {
                    at++;
                    List<Node> list = new ArrayList<>();
                    space();
                    if (peek() == ']') {
                        at++;
                    } else {
                        do {
                            list.add(value());
                            space();
                        } while (peek() == ',' && at++ >= 0);
                        take(']');
                    }
                    value = list;
                } else if (c == '"') {
                    value = string();
                } else if (text.startsWith("true", at) || text.startsWith("false", at) || text.startsWith("null", at)) {
                    value = c == 't' ? Boolean.TRUE : c == 'f' ? Boolean.FALSE : null;
                    at += c == 'f' ? 5 : 4;
                } else {
                    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                        at++;
                    }
                    try {
                        value = new BigDecimal(text.substring(start, at));
                    } catch (NumberFormatException e) {
                        throw error("Unexpected character '" + c + "'");
                    }
                }
                return new Node(value, text.substring(start, at));
            }

            private String string() throws PluginException {
                take('"');
                StringBuilder s = new StringBuilder();
                while (peek() != '"') {
                    char c = text.charAt(at++);
                    s.append(c == '\\' ? text.charAt(at++) : c);
                }
                at++;
                return s.toString();
            }

            private void take(char c) throws PluginException {
                if (peek() != c) {
                    throw error("Unexpected character '" + peek() + "', expected '" + c + "'");
                }
                at++;
            }

            private char peek() throws PluginException {
                if (at >= text.length()) {
                    throw error("Unexpected end of input");
                }
                return text.charAt(at);
            }

            void space() {
                while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                    at++;
                }
            }

            PluginException error(String why) {
                return new PluginException("Invalid properties: at [" + at + "]: " + why);
            }
        }

        @Override
        public RawJson encode(Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String encodeIndented(Object value, String prefix, String indent) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String encodeStable(Object value, String prefix, String indent) {
            throw new UnsupportedOperationException();
        }
    }
}
