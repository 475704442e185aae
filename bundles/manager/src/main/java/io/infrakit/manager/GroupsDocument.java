package io.infrakit.manager;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.Revision;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored desired state in the original's format: {@code {"Groups": {"<ID>": {"Plugin": "group-stateless",
 * "Properties": <GroupSpec>}}}}, written as Go's {@code json.MarshalIndent(v, "  ", "  ")} with the groups
 * sorted by ID (as Go writes maps), so that files written by either implementation are read by the other.
 * An entry may also hold the group controller's {@link GroupState} as {@code "State"} (a rollout, the stable
 * configuration, a destroy in progress) and the group's {@link Revision}s as {@code "Revisions"}: each written
 * only when there is one, so a document without them is byte for byte the original's, and ignored by the
 * original, which reads no unknown field.
 *
 * @param groups the groups by ID, sorted; never {@code null}
 */
record GroupsDocument(Map<String, Entry> groups) {

    /**
     * One stored group.
     *
     * @param plugin the group plugin the spec is committed to
     * @param properties the group's specification
     * @param state the group controller's state, or {@code null}
     * @param revisions the group's revisions, oldest first, or {@code null}
     */
    record Entry(String plugin, GroupSpec properties, GroupState state, List<Revision> revisions) {

        /** Copies the revisions; none is {@code null}. */
        Entry {
            revisions = revisions == null || revisions.isEmpty() ? null : List.copyOf(revisions);
        }

        /** An entry without state or revisions. */
        Entry(String plugin, GroupSpec properties) {
            this(plugin, properties, null, null);
        }

        /** The revisions, none when none is kept. */
        List<Revision> revisionsOrNone() {
            return revisions == null ? List.of() : revisions;
        }

        /** The same group with other revisions. */
        Entry withRevisions(List<Revision> next) {
            return new Entry(plugin, properties, state, next);
        }

        /** The state, {@link GroupState#NONE} when none is kept. */
        GroupState stateOrNone() {
            return state == null ? GroupState.NONE : state;
        }

        /** The same group with another state. */
        Entry with(GroupState next) {
            return new Entry(plugin, properties, next == null || next.equals(GroupState.NONE) ? null : next, revisions);
        }

        boolean destroying() {
            return state != null && state.destroying();
        }
    }


    /** An empty document. */
    static final GroupsDocument EMPTY = new GroupsDocument(Map.of());

    /** Copies the map, sorted. */
    GroupsDocument {
        groups = groups == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(groups));
    }

    /**
     * Reads a stored document.
     *
     * @param json the stored text, or {@code null} for an empty store
     * @param codec the JSON codec
     * @return the document
     * @throws PluginException if the text is not such a document
     */
    static GroupsDocument parse(String json, JsonCodec codec) throws PluginException {
        if (json == null || json.isBlank()) {
            return EMPTY;
        }
        GroupsDocument document;
        try {
            document = codec.decode(new RawJson(json), GroupsDocument.class);
        } catch (PluginException e) {
            throw new PluginException("The stored groups are not valid: " + e.getMessage(), e);
        }
        if (document == null) {
            return EMPTY;
        }
        for (Map.Entry<String, Entry> group : document.groups().entrySet()) {
            Entry entry = group.getValue();
            if (entry == null || entry.properties() == null) {
                throw new PluginException("The stored groups are not valid: group '" + group.getKey() + "' has no Properties");
            }
        }
        return document;
    }

    /**
     * Writes the document as the original did.
     *
     * @param codec the JSON codec
     * @return the text
     */
    String format(JsonCodec codec) {
        Map<String, Object> out = new TreeMap<>();
        groups.forEach((id, e) -> {
            // the original's two fields, then what this product adds when there is some (keys sorted, as Go writes them)
            Map<String, Object> entry = new TreeMap<>();
            entry.put("Plugin", e.plugin());
            entry.put("Properties", e.properties());
            if (e.state() != null) {
                entry.put("State", e.state());
            }
            if (e.revisions() != null) {
                entry.put("Revisions", e.revisions());
            }
            out.put(id, entry);
        });
        return codec.encodeIndented(Map.of("Groups", out), "  ", "  ");
    }

    /**
     * The document with a group set.
     *
     * @param id the group ID
     * @param entry its entry
     * @return the new document
     */
    GroupsDocument with(String id, Entry entry) {
        Map<String, Entry> copy = new TreeMap<>(groups);
        copy.put(id, entry);
        return new GroupsDocument(copy);
    }

    /**
     * The document without a group.
     *
     * @param id the group ID
     * @return the new document
     */
    GroupsDocument without(String id) {
        Map<String, Entry> copy = new TreeMap<>(groups);
        copy.remove(id);
        return new GroupsDocument(copy);
    }
}
