package io.infrakit.rpc.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.registry.PluginInfo;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one JSON mapping of the wire protocol: Go field names (upper camel case, {@code ID}, {@code OK}),
 * case-insensitive reading, unknown fields ignored, strict scalar types (as Go's decoder), nulls written,
 * map keys sorted, and {@link RawJson} kept as the exact text it arrived as.
 */
public final class Json {

    /** Deserialization attribute holding the byte array being decoded, so raw values can be sliced out of it. */
    static final String SOURCE = "infrakit.source";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(new GoNames())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Go does not turn numbers or booleans into strings
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .addMixIn(GroupDescription.class, GroupDescriptionExtras.class)
            .addMixIn(GroupStatus.class, GroupStatusOptionals.class)
            .addMixIn(GroupStatus.Member.class, MemberOptionals.class)
            .addMixIn(GroupEvent.class, GroupEventOptionals.class)
            .addMixIn(Revision.class, RevisionOptionals.class)
            .addMixIn(PluginInfo.class, PluginInfoOptionals.class)
            .addMixIn(InstanceChanges.Change.class, ChangeOptionals.class)
            .addModule(new SimpleModule("infrakit-raw-json")
                    .addSerializer(RawJson.class, new RawJsonSerializer())
                    .addDeserializer(RawJson.class, new RawJsonDeserializer()))
            .build();

    private static final Map<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, ObjectWriter> WRITERS = new ConcurrentHashMap<>();

    private Json() {
    }

    /**
     * The configured mapper.
     *
     * @return the shared mapper
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Decodes a value, slicing raw JSON values out of {@code bytes} exactly.
     *
     * @param <T> the value type
     * @param bytes UTF-8 JSON text
     * @param type the value type
     * @return the value
     * @throws IOException if the text is not JSON or does not fit the type
     */
    public static <T> T read(byte[] bytes, Class<T> type) throws IOException {
        return reader(type).withAttribute(SOURCE, bytes).readValue(bytes);
    }

    /**
     * A reader of values of a type embedded in a larger message (a JSON-RPC result), slicing raw JSON
     * values out of the message exactly.
     *
     * @param <T> the value type
     * @param type the value type
     * @return the reader
     */
    public static <T> JsonRpc.ValueReader<T> valueReader(Class<T> type) {
        ObjectReader reader = reader(type);
        return (p, source) -> reader.withAttribute(SOURCE, source).readValue(p);
    }

    private static ObjectReader reader(Class<?> type) {
        return READERS.computeIfAbsent(type, MAPPER::readerFor);
    }

    /**
     * Encodes a value.
     *
     * @param value the value
     * @return UTF-8 JSON text
     */
    public static byte[] write(Object value) {
        if (value == null) {
            return "null".getBytes(StandardCharsets.UTF_8);
        }
        try {
            return writer(value.getClass()).writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Encodes a value into a generator.
     *
     * @param gen the generator
     * @param value the value
     * @throws IOException if writing fails
     */
    public static void write(JsonGenerator gen, Object value) throws IOException {
        writer(value.getClass()).writeValue(gen, value);
    }

    private static ObjectWriter writer(Class<?> type) {
        return WRITERS.computeIfAbsent(type, MAPPER::writerFor);
    }

    /**
     * A readable description of a decoding failure: where and what, without Java class names
     * ({@link DecodeErrors}; the path starts at the decoded text's root).
     *
     * @param e the failure
     * @return one line
     */
    public static String describe(IOException e) {
        return DecodeErrors.describe(e, "", null);
    }

    /**
     * The exact bytes of the value at the parser's current token, which is consumed.
     *
     * @param p a parser reading {@code source}
     * @param source the bytes the parser reads
     * @return a copy of the value's bytes
     * @throws IOException if the value cannot be read
     */
    static byte[] slice(JsonParser p, byte[] source) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        if (p.currentToken().isStructStart()) {
            p.skipChildren();
        } else {
            p.finishToken();
        }
        long end = p.currentLocation().getByteOffset();
        if (start < 0 || end <= start || end > source.length) {
            throw new IOException("cannot locate a raw value in its source");
        }
        return Arrays.copyOfRange(source, (int) start, (int) end);
    }

    /**
     * Removes the whitespace between the tokens of JSON text, as Go does when it embeds raw JSON in a
     * message. Everything else (key order, number spelling, string escapes) stays as it is.
     *
     * @param json JSON text
     * @return the compacted text
     */
    public static String compact(String json) {
        StringBuilder out = null;
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean drop = false;
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                drop = true;
            }
            if (drop && out == null) {
                out = new StringBuilder(json.length()).append(json, 0, i);
            } else if (!drop && out != null) {
                out.append(c);
            }
        }
        return out == null ? json : out.toString();
    }

    /** The product's additions to a group description are left out when empty, so the original's shape is unchanged. */
    private interface GroupDescriptionExtras {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String update();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String error();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String status();
    }

    /** The empty parts of a group's status are left out. */
    private interface GroupStatusOptionals {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String configSHA();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String update();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String error();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        List<GroupStatus.Member> members();
    }

    /** A member without a logical ID or configuration tag leaves them out. */
    private interface MemberOptionals {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String logicalID();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String configSHA();
    }

    /** The empty parts of an event are left out. */
    private interface GroupEventOptionals {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String instance();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String configSHA();

        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        int revision();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String source();

        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        int count();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        String cause();
    }

    /** A plugin reached only through its socket has no bundle. */
    private interface PluginInfoOptionals {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String bundle();
    }

    /** A change without a detail leaves it out. */
    private interface ChangeOptionals {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String detail();
    }

    /** A plain commit has no reason. */
    private interface RevisionOptionals {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String reason();
    }

    /** Go's field names: the record component with its first letter capitalised; {@code id} and {@code ok} in capitals. */
    private static final class GoNames extends PropertyNamingStrategies.NamingBase {
        private static final long serialVersionUID = 1L;

        @Override
        public String translate(String name) {
            if (name == null || name.isEmpty()) {
                return name;
            }
            switch (name) {
                case "id":
                    return "ID";
                case "ok":
                    return "OK";
                default:
                    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
            }
        }
    }

    private static final class RawJsonSerializer extends JsonSerializer<RawJson> {
        @Override
        public void serialize(RawJson value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeRawValue(compact(value.json()));
        }
    }

    /**
     * Captures a raw value as the exact bytes it occupies in the source, when the source is known;
     * otherwise copies the tokens (the value is the same, whitespace and escapes may differ).
     */
    private static final class RawJsonDeserializer extends JsonDeserializer<RawJson> {
        @Override
        public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object source = ctxt.getAttribute(SOURCE);
            if (source instanceof byte[] bytes) {
                return new RawJson(new String(slice(p, bytes), StandardCharsets.UTF_8));
            }
            StringWriter text = new StringWriter();
            try (JsonGenerator gen = p.getCodec().getFactory().createGenerator(text)) {
                copy(p, gen);
            }
            return new RawJson(text.toString());
        }

        @Override
        public RawJson getNullValue(DeserializationContext ctxt) {
            return null;
        }

        private static void copy(JsonParser p, JsonGenerator gen) throws IOException {
            int depth = 0;
            JsonToken t = p.currentToken();
            do {
                switch (t) {
                    case START_OBJECT -> { gen.writeStartObject(); depth++; }
                    case START_ARRAY -> { gen.writeStartArray(); depth++; }
                    case END_OBJECT -> { gen.writeEndObject(); depth--; }
                    case END_ARRAY -> { gen.writeEndArray(); depth--; }
                    case FIELD_NAME -> gen.writeFieldName(p.currentName());
                    case VALUE_STRING -> gen.writeString(p.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> gen.writeNumber(p.getText());
                    case VALUE_TRUE -> gen.writeBoolean(true);
                    case VALUE_FALSE -> gen.writeBoolean(false);
                    case VALUE_NULL -> gen.writeNull();
                    default -> throw new IOException("unexpected token " + t);
                }
                if (depth == 0) {
                    return;
                }
                t = p.nextToken();
            } while (t != null);
            throw new IOException("truncated JSON value");
        }
    }
}
