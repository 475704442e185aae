package io.infrakit.spi.group;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.RawJson;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A multi-group configuration, as the Go CLI's {@code manager commit} takes it: a JSON array of
 * {@code {"Plugin": <group plugin or manager>, "Properties": <group spec>}}. Every entry is checked before
 * any is returned, so that a caller committing the result commits nothing from a file with one bad entry;
 * each error names the entry by its index. The shell's {@code infrakit:manager-commit} and the standalone
 * CLI's {@code manager commit} both read their files with it.
 */
public final class GroupEntries {

    /**
     * One entry as written in the configuration, and as {@code manager inspect} prints it. Either component
     * may be {@code null} when the configuration lacks it; {@link #parse} refuses such an entry.
     *
     * @param plugin the group plugin (or manager) the group is committed to
     * @param properties the group spec, as its JSON text
     */
    public record GroupEntry(String plugin, RawJson properties) {
    }

    /**
     * A checked entry.
     *
     * @param index its position in the array, from 0
     * @param plugin the plugin name, valid
     * @param spec the group spec, with an ID
     */
    public record Entry(int index, String plugin, GroupSpec spec) {

        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException if {@code index} is negative
         * @throws NullPointerException if {@code plugin} or {@code spec} is {@code null}
         */
        public Entry {
            if (index < 0) {
                throw new IllegalArgumentException("negative index " + index);
            }
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(spec, "spec");
        }

        /**
         * The entry in an error message.
         *
         * @param location the file or URL it came from, as the user gave it
         * @return {@code Entry 1 of groups.json (group workers, plugin group)}
         */
        public String describe(String location) {
            return "Entry " + index + " of " + location + " (group " + spec.id() + ", plugin " + plugin + ")";
        }
    }

    /** The array wrapped in an object, so that the codec decodes it as a record: the entries stay raw JSON text. */
    private record Document(List<RawJson> entries) {
    }

    private static final String SHAPE = "a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}";

    /** How the wire codec introduces its decoding errors; replaced here by the name of the file and the entry. */
    private static final String CODEC_PREFIX = "Invalid properties: ";

    private GroupEntries() {
    }

    /**
     * Checks a configuration.
     *
     * @param codec the codec
     * @param json the configuration's text, without surrounding white space
     * @param location the file or URL it came from, as the user gave it, for messages
     * @return the entries in file order, at least one
     * @throws PluginException if the text is not such an array, or one entry is invalid, or two commit the same
     *                         group to the same plugin; the message is one sentence naming the location
     */
    public static List<Entry> parse(JsonCodec codec, RawJson json, String location) throws PluginException {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(json, "json");
        if (json.json().charAt(0) != '[') {
            throw new PluginException(location + " is not " + SHAPE);
        }
        List<RawJson> items;
        try {
            // first the syntax, so that an error does not mention the wrapper
            codec.decode(json, List.class);
            items = codec.decode(new RawJson("{\"Entries\":" + json.json() + "}"), Document.class).entries();
        } catch (PluginException e) {
            throw new PluginException(location + " is not valid JSON: " + reason(e), e);
        }
        if (items == null || items.isEmpty()) {
            throw new PluginException(location + " holds no groups");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Entry> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Entry entry = entry(codec, location, i, items.get(i));
            Entry before = seen.putIfAbsent(entry.plugin() + "\n" + entry.spec().id(), entry);
            if (before != null) {
                throw new PluginException("Entries " + before.index() + " and " + i + " of " + location
                        + " both commit group " + entry.spec().id() + " to plugin " + entry.plugin());
            }
            entries.add(entry);
        }
        return List.copyOf(entries);
    }

    private static Entry entry(JsonCodec codec, String location, int index, RawJson item) throws PluginException {
        String where = "Entry " + index + " of " + location;
        if (item == null || item.json().charAt(0) != '{') {
            throw new PluginException(where + " is not a JSON object {\"Plugin\": .., \"Properties\": ..}");
        }
        GroupEntry raw = decode(codec, item, GroupEntry.class, where + " is not valid");
        if (raw.plugin() == null || raw.plugin().isBlank()) {
            throw new PluginException(where + " names no Plugin");
        }
        try {
            PluginName.parse(raw.plugin());
        } catch (IllegalArgumentException e) {
            throw new PluginException(where + ": " + e.getMessage(), e);
        }
        if (raw.properties() == null) {
            throw new PluginException(where + " has no Properties (the group spec)");
        }
        GroupSpec spec = decode(codec, raw.properties(), GroupSpec.class, where + " is not a valid group spec");
        if (spec.id().isBlank()) {
            throw new PluginException(where + ": the group spec has no ID");
        }
        return new Entry(index, raw.plugin(), spec);
    }

    private static <T> T decode(JsonCodec codec, RawJson json, Class<T> type, String what) throws PluginException {
        try {
            return codec.decode(json, type);
        } catch (PluginException e) {
            throw new PluginException(what + ": " + reason(e), e);
        }
    }

    /** A codec error without the codec's own introduction, for messages that name the file instead. */
    private static String reason(PluginException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.startsWith(CODEC_PREFIX) ? message.substring(CODEC_PREFIX.length()) : message;
    }
}
