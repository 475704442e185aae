package io.infrakit.spi.instance;

import io.infrakit.spi.Tags;

import java.util.Map;
import java.util.Objects;

/**
 * An existing instance as listed by {@code DescribeInstances}: {@code {"ID","LogicalID","Tags"}}.
 *
 * @param id the instance ID given by the instance plugin
 * @param logicalID the logical ID of a pet, or {@code null}
 * @param tags the instance's tags (sorted by key), or {@code null}
 */
public record Description(String id, String logicalID, Map<String, String> tags) {

    /**
     * Copies the tags.
     *
     * @throws NullPointerException if {@code id} is {@code null}
     */
    public Description {
        Objects.requireNonNull(id, "ID");
        tags = Tags.copy(tags);
    }
}
