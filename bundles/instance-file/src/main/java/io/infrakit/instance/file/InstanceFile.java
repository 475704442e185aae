package io.infrakit.instance.file;

import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.Map;

/**
 * The content of an instance file: the description's fields flattened, then the spec, as the Go file
 * plugin writes it ({@code {"ID","LogicalID","Tags","Spec"}}).
 *
 * @param id the instance ID, {@code null} in a hand-made file (then the file name is the ID)
 * @param logicalID the logical ID, or {@code null}
 * @param tags the tags, or {@code null}
 * @param spec the spec it was provisioned with
 */
record InstanceFile(String id, String logicalID, Map<String, String> tags, InstanceSpec spec) {

    /**
     * The instance as listed.
     *
     * @param fileName the name of the file it was read from
     * @return its description
     */
    Description description(String fileName) {
        return new Description(id == null ? fileName : id, logicalID, tags);
    }
}
