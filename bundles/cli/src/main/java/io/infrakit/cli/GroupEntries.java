package io.infrakit.cli;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The multi-group file of {@code manager commit}: a JSON array of
 * {@code {"Plugin": <group plugin or manager>, "Properties": <group spec>}}. Every entry is checked before
 * any is used, so that a file with one bad entry commits nothing; each error names the entry by its index.
 * (The shell's {@code infrakit:manager-commit} applies the same rules.)
 */
final class GroupEntries {

    /**
     * One entry as written in the file, and as {@code manager inspect} prints it.
     *
     * @param plugin the group plugin (or manager) the group is committed to
     * @param properties the group spec
     */
    record GroupEntry(String plugin, RawJson properties) {
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
         * @param location the file it came from, as given
         * @return {@code Entry 1 of groups.json (group workers, plugin group)}
         */
        String describe(String location) {
            return "Entry " + index + " of " + location + " (group " + spec.id() + ", plugin " + plugin + ")";
        }
    }

    private static final String SHAPE = "a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}";
    private static final String CODEC_PREFIX = "Invalid properties: ";

    private static final JsonCodec JSON = new WireJsonCodec();

    private GroupEntries() {
    }

    /**
     * Reads and checks a file.
     *
     * @param file the file
     * @param location the file as the user gave it, for messages
     * @return the entries in file order, at least one
     * @throws CliException if the file cannot be read, or is not such an array, or one entry is invalid
     */
    static List<Entry> read(Path file, String location) {
        RawJson json = new InputFile(file).raw();
        if (json.json().charAt(0) != '[') {
            throw new CliException(location + " is not " + SHAPE);
        }
        RawJson[] items = decode(json, RawJson[].class, location + " is not valid JSON");
        if (items.length == 0) {
            throw new CliException(location + " holds no groups");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Entry> seen = new HashMap<>();
        for (int i = 0; i < items.length; i++) {
            Entry entry = entry(location, i, items[i]);
            Entry before = seen.putIfAbsent(entry.plugin() + "\n" + entry.spec().id(), entry);
            if (before != null) {
                throw new CliException("Entries " + before.index() + " and " + i + " of " + location
                        + " both commit group " + entry.spec().id() + " to plugin " + entry.plugin());
            }
            entries.add(entry);
        }
        return List.copyOf(entries);
    }

    private static Entry entry(String location, int index, RawJson item) {
        String where = "Entry " + index + " of " + location;
        if (item == null || item.json().charAt(0) != '{') {
            throw new CliException(where + " is not a JSON object {\"Plugin\": .., \"Properties\": ..}");
        }
        GroupEntry raw = decode(item, GroupEntry.class, where + " is not valid");
        if (raw.plugin() == null || raw.plugin().isBlank()) {
            throw new CliException(where + " names no Plugin");
        }
        try {
            PluginName.parse(raw.plugin());
        } catch (IllegalArgumentException e) {
            throw new CliException(where + ": " + e.getMessage(), e);
        }
        if (raw.properties() == null) {
            throw new CliException(where + " has no Properties (the group spec)");
        }
        GroupSpec spec = decode(raw.properties(), GroupSpec.class, where + " is not a valid group spec");
        if (spec.id().isBlank()) {
            throw new CliException(where + ": the group spec has no ID");
        }
        return new Entry(index, raw.plugin(), spec);
    }

    private static <T> T decode(RawJson json, Class<T> type, String what) {
        try {
            return JSON.decode(json, type);
        } catch (PluginException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            throw new CliException(what + ": " + (message.startsWith(CODEC_PREFIX) ? message.substring(CODEC_PREFIX.length()) : message), e);
        }
    }
}
