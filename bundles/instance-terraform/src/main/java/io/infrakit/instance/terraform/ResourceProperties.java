package io.infrakit.instance.terraform;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A group's instance properties: {@code {"type": "<resource type>", "value": {<resource body>}}}.
 *
 * @param type the Terraform resource type
 * @param value the resource's body
 */
record ResourceProperties(String type, Map<String, Object> value) {

    /** The plugin's kind, which its messages about the shape of properties start with. */
    static final String KIND = "instance-terraform";

    private static final Pattern TYPE = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    /**
     * The keys properties may have, for {@link #checkKeys}; their values are checked by {@link #parse}.
     *
     * @param type the resource type
     * @param value the resource body
     */
    record Keys(Object type, Object value) {
    }
    private static final String EXPECTED = " (expected {\"type\": \"<Terraform resource type>\", \"value\": {<resource body>}})";

    /**
     * Decodes and checks properties; every error names the field.
     *
     * @param json the codec
     * @param properties the properties, or {@code null}
     * @return the properties
     * @throws PluginException {@code Invalid properties: ...} naming the missing or wrong field
     */
    static ResourceProperties parse(JsonCodec json, RawJson properties) throws PluginException {
        Map<?, ?> map = properties == null ? null : decodeObject(json, properties);
        if (map == null) {
            throw new PluginException("Invalid properties: 'type' and 'value' are required" + EXPECTED);
        }
        Object type = field(map, "type");
        if (type == null) {
            throw new PluginException("Invalid properties: 'type' is required" + EXPECTED);
        }
        if (!(type instanceof String t) || !TYPE.matcher(t).matches()) {
            throw new PluginException("Invalid properties: 'type' must be a Terraform resource type name such as terraform_data, not " + json.encode(type));
        }
        Object value = field(map, "value");
        if (value == null) {
            throw new PluginException("Invalid properties: 'value' is required" + EXPECTED);
        }
        if (!(value instanceof Map<?, ?> v)) {
            throw new PluginException("Invalid properties: 'value' must be an object (the body of the " + t + " resource), not " + json.encode(value));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) v;
        check(json, t, body, Placement.tagsField(t), Placement.SOFTLAYER.equals(t) ? List.class : Map.class);
        check(json, t, body, Placement.initField(t), String.class);
        return new ResourceProperties(t, body);
    }

    /**
     * Checks, for Validate, what {@link #parse} lets pass as the original did: a key other than {@code type} and
     * {@code value} (a typo such as {@code tpye}), or one given twice. Provision does not check again, so that an
     * instance of a group committed before this check existed can still be created.
     *
     * @param json the codec
     * @param properties the properties, or {@code null}
     * @throws PluginException {@code instance-terraform: unknown key Properties.tpye: did you mean type?}
     */
    static void checkKeys(JsonCodec json, RawJson properties) throws PluginException {
        try {
            json.decodeStrict(properties, Keys.class, "Properties");
        } catch (PluginException e) {
            throw new PluginException(KIND + ": " + e.getMessage());
        }
    }

    /**
     * The properties of a kept spec, or {@code null} when there are none or they do not parse.
     *
     * @param json the codec
     * @param spec the spec, or {@code null}
     * @return the properties, or {@code null}
     */
    static ResourceProperties parseOrNull(JsonCodec json, InstanceSpec spec) {
        try {
            return spec == null || spec.properties() == null ? null : parse(json, spec.properties());
        } catch (PluginException e) {
            return null;
        }
    }

    private static Map<?, ?> decodeObject(JsonCodec json, RawJson properties) throws PluginException {
        if (properties.json().strip().equals("null")) {
            return null;
        }
        try {
            return json.decode(properties, Map.class);
        } catch (PluginException e) {
            throw new PluginException("Invalid properties: not an object" + EXPECTED + ": " + e.getMessage(), e);
        }
    }

    /** Checks that a field the plugin writes to has the shape it needs, when the user set it. */
    private static void check(JsonCodec json, String type, Map<String, Object> body, String dotted, Class<?> kind) throws PluginException {
        if (dotted == null) {
            return;
        }
        Object holder = body;
        String[] parts = dotted.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            Object next = ((Map<?, ?>) holder).get(parts[i]);
            if (next == null) {
                return;
            }
            Class<?> want = i == parts.length - 1 ? kind : Map.class;
            if (!want.isInstance(next)) {
                String field = "value." + String.join(".", List.of(parts).subList(0, i + 1));
                throw new PluginException("Invalid properties: '" + field + "' must be " + (want == Map.class ? "an object" : want == List.class ? "a list" : "a string")
                        + " for " + type + " (the plugin puts the instance's tags and init script there), not " + json.encode(next));
            }
            holder = next;
        }
    }

    private static Object field(Map<?, ?> map, String name) {
        Object exact = map.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (name.equalsIgnoreCase(String.valueOf(e.getKey()))) {
                return e.getValue(); // Go's decoder matches field names without regard to case
            }
        }
        return null;
    }
}
