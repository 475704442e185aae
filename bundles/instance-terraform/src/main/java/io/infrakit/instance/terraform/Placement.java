package io.infrakit.instance.terraform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an instance's tags and init script go inside the resource body, per resource type.
 *
 * <p>The types the Go plugin knew get them as it placed them: tags merged into {@code tags} (a map, or
 * {@code "k:v"} strings plus {@code hostname} for SoftLayer), Init appended to the type's user-data field.
 * {@code terraform_data} gets them in its {@code input} object ({@code input.tags}, {@code input.init},
 * {@code input.logical_id}), so they show in the Terraform state. Any other type's body is left as the
 * user wrote it: an attribute its provider does not know would fail the apply. Whatever the type, the
 * plugin also keeps ID, LogicalID, Tags and the spec in the file's {@code "//"} comment, which Describe reads.
 */
final class Placement {

    /** The resource type that needs no provider. */
    static final String TERRAFORM_DATA = "terraform_data";
    static final String SOFTLAYER = "softlayer_virtual_guest";
    static final String AZURE = "azurerm_virtual_machine";

    /** The types whose {@code tags} is a map, and the field their Init goes to. */
    private static final Map<String, String> INIT_FIELD = Map.of(
            "aws_instance", "user_data",
            "digitalocean_droplet", "user_data",
            "google_compute_instance", "metadata_startup_script",
            AZURE, "os_profile.custom_data",
            SOFTLAYER, "user_metadata");

    private Placement() {
    }

    /**
     * Tells whether the plugin writes tags into the body of this type.
     *
     * @param type the resource type
     * @return {@code true} for the types the Go plugin knew and {@code terraform_data}
     */
    static boolean placesTags(String type) {
        return INIT_FIELD.containsKey(type) || TERRAFORM_DATA.equals(type);
    }

    /**
     * The dotted name of the field a type's tags go to, for messages and validation.
     *
     * @param type the resource type
     * @return the field, or {@code null} when the type gets none
     */
    static String tagsField(String type) {
        return TERRAFORM_DATA.equals(type) ? "input.tags" : INIT_FIELD.containsKey(type) ? "tags" : null;
    }

    /**
     * The dotted name of the field a type's init script goes to.
     *
     * @param type the resource type
     * @return the field, or {@code null} when the type gets none
     */
    static String initField(String type) {
        return TERRAFORM_DATA.equals(type) ? "input.init" : INIT_FIELD.get(type);
    }

    /**
     * Builds a resource body from the user's {@code value} (which is not changed).
     *
     * @param type the resource type
     * @param value the user's resource body
     * @param id the instance ID
     * @param tags the instance's tags (with {@code Name})
     * @param init the init script, {@code ""} for none
     * @param logicalID the logical ID, or {@code null}
     * @return the body to write
     */
    static Map<String, Object> body(String type, Map<String, Object> value, String id, Map<String, String> tags, String init, String logicalID) {
        Map<String, Object> body = deepCopy(value);
        if (TERRAFORM_DATA.equals(type)) {
            Map<String, Object> input = object(body, "input");
            input.put("tags", mergeMap(input.get("tags"), tags));
            if (!init.isEmpty()) {
                input.put("init", append(input.get("init"), init));
            }
            if (logicalID != null) {
                input.put("logical_id", logicalID);
            }
            return body;
        }
        if (!INIT_FIELD.containsKey(type)) {
            return body;
        }
        if (SOFTLAYER.equals(type)) {
            body.put("tags", mergeList(body.get("tags"), tags));
            body.put("hostname", id);
        } else {
            body.put("tags", mergeMap(body.get("tags"), tags));
        }
        if (!init.isEmpty()) {
            String field = INIT_FIELD.get(type);
            Map<String, Object> holder = body;
            int dot = field.indexOf('.');
            if (dot > 0) {
                holder = object(body, field.substring(0, dot));
                field = field.substring(dot + 1);
            }
            holder.put(field, append(holder.get(field), init));
        }
        return body;
    }

    /**
     * Reads the tags out of a body written without the plugin's comment (by the Go plugin, say).
     *
     * @param type the resource type
     * @param body the resource body
     * @return the tags, empty when none can be found
     */
    static Map<String, String> tagsOf(String type, Map<String, Object> body) {
        Object tags = TERRAFORM_DATA.equals(type) && body.get("input") instanceof Map<?, ?> input ? input.get("tags") : body.get("tags");
        Map<String, String> found = new TreeMap<>();
        if (tags instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof String s) {
                    found.put(String.valueOf(k), s);
                }
            });
        } else if (tags instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s) {
                    int colon = s.indexOf(':');
                    found.put(colon < 0 ? s : s.substring(0, colon), colon < 0 ? "" : s.substring(colon + 1));
                }
            }
        }
        return found;
    }

    private static Map<String, Object> mergeMap(Object existing, Map<String, String> tags) {
        Map<String, Object> merged = new TreeMap<>();
        if (existing instanceof Map<?, ?> map) {
            map.forEach((k, v) -> merged.put(String.valueOf(k), v));
        }
        merged.putAll(tags);
        return merged;
    }

    private static List<Object> mergeList(Object existing, Map<String, String> tags) {
        List<Object> merged = new ArrayList<>();
        if (existing instanceof List<?> list) {
            for (Object o : list) {
                // a user's "k:v" is replaced by the instance's tag of the same key
                if (!(o instanceof String s) || !tags.containsKey(s.indexOf(':') < 0 ? s : s.substring(0, s.indexOf(':')))) {
                    merged.add(o);
                }
            }
        }
        tags.forEach((k, v) -> merged.add(k + ":" + v));
        return merged;
    }

    private static String append(Object existing, String init) {
        return existing instanceof String s && !s.isEmpty() ? s + "\n" + init : init;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> body, String key) {
        Object o = body.get(key);
        if (o instanceof Map<?, ?>) {
            return (Map<String, Object>) o;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        body.put(key, created);
        return created;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return copy;
    }
}
