package io.infrakit.shell;

import io.infrakit.spi.group.Allocation;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;

import java.util.ArrayList;
import java.util.List;

/** A flavor command that passes the group's allocation: {@code --size n} or {@code --logical-ids a,b}. */
abstract class FlavorAllocationCommand extends FlavorCommand {

    @Option(name = "--size", description = "Group size, for cattle")
    long size;

    @Option(name = "--logical-ids", multiValued = true,
            description = "Logical IDs of the members, comma-separated, for pets")
    List<String> logicalIds;

    /**
     * The allocation the options describe; size 0 without logical IDs when neither is given.
     *
     * @return the allocation
     * @throws CommandException if both or a negative size are given
     */
    final Allocation allocation() throws CommandException {
        List<String> ids = new ArrayList<>();
        if (logicalIds != null) {
            for (String value : logicalIds) {
                for (String id : value.split(",")) {
                    if (!id.isBlank()) {
                        ids.add(id.strip());
                    }
                }
            }
        }
        if (size < 0) {
            throw new CommandException("--size must not be negative: " + size);
        }
        if (!ids.isEmpty() && size > 0) {
            throw new CommandException("Give either --size or --logical-ids, not both");
        }
        return ids.isEmpty() ? Allocation.ofSize(size) : Allocation.ofLogicalIDs(ids);
    }
}
