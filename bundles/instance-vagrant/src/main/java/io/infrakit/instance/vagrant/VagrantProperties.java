package io.infrakit.instance.vagrant;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plugin's {@code Properties}: {@code {"Box": "bento/ubuntu-16.04", "CPUs": 2, "Memory": 512}}.
 *
 * <p>Field names are matched exactly, as the original looked them up in a map; a mistyped one is refused with
 * the name most likely meant. Unlike the original, which
 * accepted anything in Validate and failed only at Provision (or rendered a broken Vagrantfile), every
 * field is checked here and the message names it.
 *
 * @param box the box name, never blank and free of control characters
 * @param cpus the number of virtual CPUs, at least 1
 * @param memory the memory in MB, at least 1
 */
record VagrantProperties(String box, int cpus, int memory) {

    /** Default number of CPUs, as in the original. */
    static final int DEFAULT_CPUS = 2;
    /** Default memory in MB, as in the original. */
    static final int DEFAULT_MEMORY = 512;

    /** The plugin's kind, which its messages about the shape of properties start with. */
    static final String KIND = "instance-vagrant";

    private static final Set<String> KNOWN = Set.of("Box", "CPUs", "Memory");

    /**
     * The keys, for the codec's strict check of the shape (unknown keys, with the one most likely meant); the
     * values are checked here. {@code cPUs} is the record name that the codec spells {@code CPUs}.
     *
     * @param box the box
     * @param cPUs the CPUs
     * @param memory the memory
     */
    record Keys(Object box, Object cPUs, Object memory) {
    }

    /**
     * Decodes and checks properties.
     *
     * @param json the codec
     * @param properties the raw properties, or {@code null}
     * @return the checked properties, defaults filled in
     * @throws PluginException naming the field that is wrong
     */
    static VagrantProperties parse(JsonCodec json, RawJson properties) throws PluginException {
        if (properties == null || properties.json().strip().equals("null")) {
            throw new PluginException("Property 'Box' must be set");
        }
        try {
            json.decodeStrict(properties, Keys.class, "Properties");
        } catch (PluginException e) {
            throw new PluginException(KIND + ": " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = json.decode(properties, Map.class);
        for (String key : new TreeSet<>(map.keySet())) {
            if (!KNOWN.contains(key)) {
                // the codec matched it without regard to case; the original looked the names up exactly
                String known = KNOWN.stream().filter(key::equalsIgnoreCase).findFirst().orElse(String.join(", ", new TreeSet<>(KNOWN)));
                throw new PluginException(KIND + ": unknown key Properties." + key + ": did you mean " + known + "? (names are case-sensitive)");
            }
        }
        return new VagrantProperties(box(map.get("Box")), positive("CPUs", map.get("CPUs"), DEFAULT_CPUS),
                positive("Memory", map.get("Memory"), DEFAULT_MEMORY));
    }

    private static String box(Object value) throws PluginException {
        if (value == null) {
            throw new PluginException("Property 'Box' must be set");
        }
        if (!(value instanceof String box)) {
            throw new PluginException("Property 'Box' must be a string, not " + value);
        }
        if (box.isBlank()) {
            throw new PluginException("Property 'Box' must not be blank");
        }
        for (int i = 0; i < box.length(); i++) {
            char c = box.charAt(i);
            // A box name never holds line breaks or other control characters; refusing them keeps the
            // Vagrantfile one literal per line whatever the template does with it.
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new PluginException("Property 'Box' must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + " at position " + i + ")");
            }
        }
        return box;
    }

    private static int positive(String field, Object value, int defaultValue) throws PluginException {
        if (value == null) {
            return defaultValue;
        }
        boolean integral = value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof BigInteger;
        if (!integral) {
            throw new PluginException("Property '" + field + "' must be a whole number, not " + describe(value));
        }
        BigInteger n = new BigInteger(value.toString());
        if (n.signum() <= 0 || n.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new PluginException("Property '" + field + "' must be a positive whole number (1 to " + Integer.MAX_VALUE + "), not " + n);
        }
        return n.intValue();
    }

    private static String describe(Object value) {
        return value instanceof String s ? "the string \"" + s + "\"" : String.valueOf(value);
    }
}
