package io.infrakit.spi.manager;

/**
 * The stored document and its version.
 *
 * @param json the JSON text as stored, or {@code null} when nothing is stored
 * @param version the version to pass to {@link GroupStore#save}; {@link #NONE} when nothing is stored
 */
public record StoredGroups(String json, long version) {

    /** The version of a store that holds nothing yet. */
    public static final long NONE = -1;
}
