package io.infrakit.spi.instance;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.Tags;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to provision: {@code {"Properties","Tags","Init","LogicalID","Attachments"}}.
 *
 * <p>{@code null} collections and IDs are kept as {@code null} (written as JSON {@code null}); empty ones
 * stay empty. Tags are kept sorted by key.
 *
 * @param properties the instance plugin's own properties, or {@code null}
 * @param tags tags to put on the instance, or {@code null}
 * @param init the initialisation script, {@code ""} when there is none
 * @param logicalID the logical ID of a pet, or {@code null} for cattle
 * @param attachments resources to attach, or {@code null}
 */
public record InstanceSpec(RawJson properties, Map<String, String> tags, String init, String logicalID,
                           List<Attachment> attachments) {

    /**
     * Copies the collections and turns a missing init script into {@code ""}.
     */
    public InstanceSpec {
        tags = Tags.copy(tags);
        init = Objects.requireNonNullElse(init, "");
        attachments = attachments == null ? null : List.copyOf(attachments);
    }

    /**
     * Returns a copy with other tags.
     *
     * @param newTags the tags of the copy
     * @return the copy
     */
    public InstanceSpec withTags(Map<String, String> newTags) {
        return new InstanceSpec(properties, newTags, init, logicalID, attachments);
    }

    /**
     * Returns a copy with another init script.
     *
     * @param newInit the init script of the copy
     * @return the copy
     */
    public InstanceSpec withInit(String newInit) {
        return new InstanceSpec(properties, tags, newInit, logicalID, attachments);
    }
}
