package io.infrakit.rpc.wire;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

/** The params and results of the {@code Flavor} methods, field for field as the Go plugins send them. */
public final class FlavorMessages {

    private FlavorMessages() {
    }

    /** {@code Flavor.Validate} params. @param type the sub-type @param properties flavor properties @param allocation the allocation */
    public record ValidateRequest(String type, RawJson properties, Allocation allocation) {
    }

    /** {@code Flavor.Prepare} params. @param type the sub-type @param properties flavor properties @param spec the spec @param allocation the allocation */
    public record PrepareRequest(String type, RawJson properties, InstanceSpec spec, Allocation allocation) {
    }

    /** {@code Flavor.Prepare} result. @param type the sub-type @param spec the prepared spec */
    public record PrepareResponse(String type, InstanceSpec spec) {
    }

    /** {@code Flavor.Healthy} and {@code Flavor.Drain} params. @param type the sub-type @param properties flavor properties @param instance the instance */
    public record InstanceRequest(String type, RawJson properties, Description instance) {
    }

    /** {@code Flavor.Healthy} result. @param type the sub-type @param health 0, 1 or 2 */
    public record HealthyResponse(String type, int health) {
    }
}
