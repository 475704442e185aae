package io.infrakit.spi.group;

import java.util.List;

/**
 * How many members a group has: {@code {"Size":n,"LogicalIDs":[..]}}. Cattle use a size; pets (a quorum)
 * list their logical IDs.
 *
 * @param size the number of members, {@code 0} when logical IDs are used
 * @param logicalIDs the logical IDs of the members, or {@code null}
 */
public record Allocation(long size, List<String> logicalIDs) {

    /**
     * Checks the size and copies the IDs.
     *
     * @throws IllegalArgumentException if the size is negative
     */
    public Allocation {
        if (size < 0) {
            throw new IllegalArgumentException("Size must not be negative: " + size);
        }
        logicalIDs = logicalIDs == null ? null : List.copyOf(logicalIDs);
    }

    /**
     * An allocation by size.
     *
     * @param size the number of members
     * @return the allocation
     */
    public static Allocation ofSize(long size) {
        return new Allocation(size, null);
    }

    /**
     * An allocation by logical IDs.
     *
     * @param logicalIDs the members' logical IDs
     * @return the allocation
     */
    public static Allocation ofLogicalIDs(List<String> logicalIDs) {
        return new Allocation(0, logicalIDs);
    }
}
