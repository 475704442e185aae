package io.infrakit.spi.group;

import io.infrakit.spi.RawJson;

import java.util.Objects;

/**
 * A declared group: {@code {"ID":..,"Properties":..}}. The properties are opaque to everything but the
 * group plugin that manages the group.
 *
 * @param id the group ID ({@code ""} when missing, which group plugins reject)
 * @param properties the group plugin's properties, or {@code null}
 */
public record GroupSpec(String id, RawJson properties) {

    /**
     * Turns a missing ID into {@code ""}.
     */
    public GroupSpec {
        id = Objects.requireNonNullElse(id, "");
    }
}
