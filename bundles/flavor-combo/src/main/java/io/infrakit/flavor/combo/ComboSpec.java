package io.infrakit.flavor.combo;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.RawJson;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The combo flavor's properties, the original's format:
 * {@code {"Flavors": [{"Plugin": "flavor-vanilla", "Properties": {...}}, ...]}}.
 *
 * @param flavors the flavors combined, in the order they are applied; never empty once {@link #parse parsed}
 */
record ComboSpec(List<Part> flavors) {

    /**
     * One flavor of the combination.
     *
     * @param plugin the flavor plugin's name ({@code name} or {@code name/type})
     * @param properties that flavor's own properties, or {@code null}
     */
    record Part(String plugin, RawJson properties) {
    }

    /**
     * A part with its position, for messages: {@code Flavors[1] (flavor-vanilla)}.
     *
     * @param index the 0-based position in {@code Flavors}, as JSON paths count
     * @param part the part
     */
    record Indexed(int index, Part part) {
        /** @return how messages name this part */
        String label() {
            return "Flavors[" + index + "] (" + part.plugin() + ")";
        }
    }

    /** Copies the list, keeping {@code null} entries so that {@link #parse} can name them. */
    ComboSpec {
        flavors = flavors == null ? null : Collections.unmodifiableList(new ArrayList<>(flavors));
    }

    /**
     * Decodes and checks the combo's properties (not its parts' own properties, which only the parts
     * understand).
     *
     * @param properties the properties
     * @param json the codec
     * @param selfName the combo's own plugin name, which no part may name
     * @param strict whether an unknown key is an error ({@code flavor-combo: unknown key Properties.Flavours: did
     *        you mean Flavors?}), as in Validate; Prepare, Healthy and Drain read leniently, so that a group
     *        committed before Validate checked keys keeps converging
     * @return the parts in order, with their positions
     * @throws PluginException naming the field at fault
     */
    static List<Indexed> parse(RawJson properties, JsonCodec json, String selfName, boolean strict) throws PluginException {
        ComboSpec spec;
        if (strict) {
            try {
                spec = json.decodeStrict(properties, ComboSpec.class, "Properties");
            } catch (PluginException e) {
                throw new PluginException(ComboFlavorPlugin.DEFAULT_NAME + ": " + e.getMessage());
            }
        } else {
            spec = json.decode(properties, ComboSpec.class);
        }
        if (spec == null || spec.flavors() == null) {
            throw new PluginException("Flavors must be present: {\"Flavors\": [{\"Plugin\": \"flavor-vanilla\", \"Properties\": {...}}, ...]}");
        }
        if (spec.flavors().isEmpty()) {
            throw new PluginException("Flavors must not be empty: name at least one flavor to combine");
        }
        List<Indexed> parts = new ArrayList<>();
        for (int i = 0; i < spec.flavors().size(); i++) {
            Part part = spec.flavors().get(i);
            String field = "Flavors[" + i + "]";
            if (part == null) {
                throw new PluginException(field + " must be an object {\"Plugin\": ..., \"Properties\": ...}");
            }
            if (part.plugin() == null || part.plugin().isBlank()) {
                throw new PluginException(field + ".Plugin must not be blank");
            }
            PluginName name;
            try {
                name = PluginName.parse(part.plugin());
            } catch (IllegalArgumentException e) {
                throw new PluginException(field + ".Plugin is not a valid plugin name: " + e.getMessage(), e);
            }
            if (name.name().equals(selfName)) {
                throw new PluginException(field + ".Plugin must not be the combo flavor itself ('" + selfName + "')");
            }
            parts.add(new Indexed(i, part));
        }
        return List.copyOf(parts);
    }
}
