package io.infrakit.shell;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;

import org.apache.karaf.shell.support.CommandException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-group configuration, as the Go CLI's {@code manager commit} took it: a JSON array of
 * {@code {"Plugin": <group plugin or manager>, "Properties": <group spec>}}. Every entry is checked before
 * any is used, so that a file with one bad entry commits nothing; each error names the entry by its index.
 */
final class GroupEntries {

    /**
     * One entry as written in the file, and as {@code manager-inspect} prints it.
     *
     * @param plugin the group plugin (or manager) the group is committed to
     * @param properties the group spec
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
    record Entry(int index, String plugin, GroupSpec spec) {

        /**
         * The entry in an error message.
         *
         * @param location the file or URL it came from
         * @return {@code Entry 1 of groups.json (group workers, plugin group)}
         */
        String describe(String location) {
            return "Entry " + index + " of " + location + " (group " + spec.id() + ", plugin " + plugin + ")";
        }
    }

    /** The array wrapped in an object, so that the codec decodes it as a record: the entries stay raw JSON text. */
    private record Document(List<RawJson> entries) {
    }

    private static final String SHAPE = "a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}";

    private GroupEntries() {
    }

    /**
     * Reads and checks a configuration.
     *
     * @param codec the codec
     * @param location a path or a URL
     * @return the entries in file order, at least one
     * @throws CommandException if the file cannot be read, or is not such an array, or one entry is invalid
     */
    static List<Entry> read(JsonCodec codec, String location) throws CommandException {
        RawJson json = SpecReader.json(location);
        if (json.json().charAt(0) != '[') {
            throw new CommandException(location + " is not " + SHAPE);
        }
        List<RawJson> items;
        try {
            // first the syntax, so that an error does not mention the wrapper
            codec.decode(json, List.class);
            items = codec.decode(new RawJson("{\"Entries\":" + json.json() + "}"), Document.class).entries();
        } catch (PluginException e) {
            throw new CommandException(location + " is not valid JSON: " + SpecReader.reason(e));
        }
        if (items == null || items.isEmpty()) {
            throw new CommandException(location + " holds no groups");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Entry> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Entry entry = entry(codec, location, i, items.get(i));
            Entry before = seen.putIfAbsent(entry.plugin() + "\n" + entry.spec().id(), entry);
            if (before != null) {
                throw new CommandException("Entries " + before.index() + " and " + i + " of " + location
                        + " both commit group " + entry.spec().id() + " to plugin " + entry.plugin());
            }
            entries.add(entry);
        }
        return List.copyOf(entries);
    }

    private static Entry entry(JsonCodec codec, String location, int index, RawJson item) throws CommandException {
        String where = "Entry " + index + " of " + location;
        if (item == null || item.json().charAt(0) != '{') {
            throw new CommandException(where + " is not a JSON object {\"Plugin\": .., \"Properties\": ..}");
        }
        GroupEntry raw;
        try {
            raw = codec.decode(item, GroupEntry.class);
        } catch (PluginException e) {
            throw new CommandException(where + " is not valid: " + SpecReader.reason(e));
        }
        if (raw.plugin() == null || raw.plugin().isBlank()) {
            throw new CommandException(where + " names no Plugin");
        }
        try {
            PluginName.parse(raw.plugin());
        } catch (IllegalArgumentException e) {
            throw new CommandException(where + ": " + e.getMessage());
        }
        if (raw.properties() == null) {
            throw new CommandException(where + " has no Properties (the group spec)");
        }
        GroupSpec spec;
        try {
            spec = codec.decode(raw.properties(), GroupSpec.class);
        } catch (PluginException e) {
            throw new CommandException(where + " is not a valid group spec: " + SpecReader.reason(e));
        }
        if (spec.id().isBlank()) {
            throw new CommandException(where + ": the group spec has no ID");
        }
        return new Entry(index, raw.plugin(), spec);
    }
}
