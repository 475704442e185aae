package io.infrakit.spi.instance;

import java.util.Objects;

/**
 * A resource to attach to an instance ({@code {"ID":..,"Type":..}}), such as a volume.
 *
 * @param id the identifier of the resource
 * @param type the kind of resource, meaningful to the instance plugin (for example {@code ebs})
 */
public record Attachment(String id, String type) {

    /**
     * Normalises missing parts to empty strings, as the wire format has no nulls here.
     */
    public Attachment {
        id = Objects.requireNonNullElse(id, "");
        type = Objects.requireNonNullElse(type, "");
    }
}
