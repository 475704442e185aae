package io.infrakit.instance.process;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plugin's {@code Properties}: {@code {"Env": {"NAME": "value", ...}}}, all optional. {@code Env} adds
 * variables to the environment of the instance's process. Field names match without regard to case, as the
 * Go decoder does; any other field is an error naming the field it most likely meant, so a typo is reported
 * rather than ignored.
 */
final class ProcessProperties {

    /** The plugin's kind, which its messages about properties start with. */
    static final String KIND = "instance-process";

    /** Variables the plugin sets itself, which {@code Env} may not override. */
    static final Set<String> RESERVED = Set.of("INFRAKIT_INSTANCE_ID", "INFRAKIT_LOGICAL_ID");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The properties as written. @param env the variables to add */
    record Fields(Map<String, String> env) {
    }

    private ProcessProperties() {
    }

    /**
     * Checks properties and returns the variables they add to the environment.
     *
     * @param json the codec
     * @param properties the properties, or {@code null}
     * @return the variables, sorted by name; empty when there are none
     * @throws PluginException naming the offending field when the properties are not acceptable
     */
    static Map<String, String> env(JsonCodec json, RawJson properties) throws PluginException {
        Fields fields;
        try {
            fields = json.decodeStrict(properties, Fields.class, "Properties");
        } catch (PluginException e) {
            throw new PluginException(KIND + ": " + e.getMessage());
        }
        if (fields == null || fields.env() == null) {
            return Map.of();
        }
        Map<String, String> env = new TreeMap<>();
        for (Map.Entry<String, String> var : fields.env().entrySet()) {
            String key = var.getKey();
            if (!ENV_NAME.matcher(key).matches()) {
                throw new PluginException("Invalid Properties: Env name '" + abbreviate(key)
                        + "' is not a variable name (letters, digits and _, not starting with a digit)");
            }
            if (RESERVED.contains(key)) {
                throw new PluginException("Invalid Properties: Env." + key + " is set by the plugin and cannot be overridden");
            }
            String value = var.getValue();
            if (value == null) {
                throw new PluginException("Invalid Properties: Env." + key + " must be a string");
            }
            if (value.indexOf('\0') >= 0) {
                throw new PluginException("Invalid Properties: Env." + key + " contains a NUL character");
            }
            env.put(key, value);
        }
        return Collections.unmodifiableMap(env);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
