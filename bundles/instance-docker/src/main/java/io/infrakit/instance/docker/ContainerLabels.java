package io.infrakit.instance.docker;

import io.infrakit.spi.PluginException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How instances are told apart on the engine. An instance's tags are its container's labels, as they are;
 * beside them the plugin puts its own labels, under the reserved prefix {@value #RESERVED}:
 * {@value #PLUGIN} (the plugin's name: which containers are its instances) and {@value #LOGICAL_ID} (a pet's
 * logical ID). A validation's throw-away container carries {@value #PROBE} instead, so that it is never
 * taken for an instance.
 */
final class ContainerLabels {

    /** The prefix of the plugin's own labels; tags and {@code Labels} may not use it. */
    static final String RESERVED = "io.infrakit.";
    /** The label naming the plugin a container is an instance of. */
    static final String PLUGIN = RESERVED + "plugin";
    /** The label holding a pet's logical ID. */
    static final String LOGICAL_ID = RESERVED + "logical-id";
    /** The label of a validation's throw-away container (never an instance). */
    static final String PROBE = RESERVED + "probe";

    private ContainerLabels() {
    }

    /**
     * The tags of an instance: its container's labels without the plugin's own.
     *
     * @param labels the container's labels, or {@code null}
     * @return the tags, sorted by key
     */
    static Map<String, String> tags(Map<String, String> labels) {
        Map<String, String> tags = new TreeMap<>();
        if (labels != null) {
            labels.forEach((k, v) -> {
                if (k != null && v != null && !k.startsWith(RESERVED)) {
                    tags.put(k, v);
                }
            });
        }
        return tags;
    }

    /**
     * The engine's {@code label} filter for the instances of a plugin that carry every given tag: {@code k=v}
     * each, the plugin's own label first.
     *
     * @param plugin the plugin's name
     * @param tags the required tags, or {@code null}
     * @return the filter values, or {@code null} when a tag can match no container (a key that is empty, has an
     *     {@code =} or uses the reserved prefix: no instance has such a label)
     */
    static List<String> filter(String plugin, Map<String, String> tags) {
        List<String> filter = new ArrayList<>();
        filter.add(PLUGIN + "=" + plugin);
        if (tags != null) {
            for (Map.Entry<String, String> tag : new TreeMap<>(tags).entrySet()) {
                if (!isUsableKey(tag.getKey())) {
                    return null;
                }
                filter.add(tag.getKey() + "=" + tag.getValue());
            }
        }
        return filter;
    }

    /**
     * Checks keys that are to become labels (tags, the {@code Labels} property).
     *
     * @param what what the keys are, for the message ({@code tag}, {@code Properties.Labels key})
     * @param labels the labels, or {@code null}
     * @throws PluginException naming the first key that cannot be a label of an instance
     */
    static void checkKeys(String what, Map<String, String> labels) throws PluginException {
        if (labels == null) {
            return;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            if (key == null || key.isEmpty() || key.indexOf('=') >= 0) {
                throw new PluginException(DockerProperties.KIND + ": " + what + " '" + key + "' cannot be a container label: it is empty or has an '='");
            }
            if (key.startsWith(RESERVED)) {
                throw new PluginException(DockerProperties.KIND + ": " + what + " '" + key + "' uses the prefix " + RESERVED
                        + ", which the plugin keeps for its own labels");
            }
            if (label.getValue() == null) {
                throw new PluginException(DockerProperties.KIND + ": " + what + " '" + key + "' has no value");
            }
        }
    }

    private static boolean isUsableKey(String key) {
        return key != null && !key.isEmpty() && key.indexOf('=') < 0 && !key.startsWith(RESERVED);
    }
}
