package io.infrakit.cli;

import io.infrakit.spi.group.Allocation;

import picocli.CommandLine.Option;

import java.util.List;

/** How many instances a flavor is asked about: {@code --size n} or {@code --logical-ids a,b} (one or the other). */
final class AllocationOptions {

    @Option(names = "--size", paramLabel = "<n>", required = true, description = "Group Size to use as the Allocation method")
    long size;

    @Option(names = "--logical-ids", paramLabel = "<id>", split = ",", required = true,
            description = "Logical IDs to use as the Allocation method (comma-separated)")
    List<String> logicalIds;

    /**
     * The allocation of the options given; as the original, the logical IDs are an empty list rather than
     * absent when none are given.
     *
     * @param options the options, {@code null} when neither was given
     * @return the allocation
     * @throws CliException if the size is negative
     */
    static Allocation of(AllocationOptions options) {
        if (options == null) {
            return new Allocation(0, List.of());
        }
        if (options.size < 0) {
            throw new CliException("Invalid --size " + options.size + ": it must not be negative");
        }
        return new Allocation(options.size, options.logicalIds == null ? List.of() : options.logicalIds);
    }
}
