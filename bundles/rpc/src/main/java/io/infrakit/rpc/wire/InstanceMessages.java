package io.infrakit.rpc.wire;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.List;
import java.util.Map;

/** The params and results of the {@code Instance} methods, field for field as the Go plugins send them. */
public final class InstanceMessages {

    private InstanceMessages() {
    }

    /** {@code Instance.Validate} params. @param type the sub-type @param properties the instance properties */
    public record ValidateRequest(String type, RawJson properties) {
    }

    /** {@code Instance.Provision} params. @param type the sub-type @param spec what to provision */
    public record ProvisionRequest(String type, InstanceSpec spec) {
    }

    /** {@code Instance.Provision} result. @param type the sub-type @param id the new instance's ID */
    public record ProvisionResponse(String type, String id) {
    }

    /** {@code Instance.Label} params. @param type the sub-type @param instance the ID @param labels the tags */
    public record LabelRequest(String type, String instance, Map<String, String> labels) {
    }

    /** {@code Instance.Destroy} params. @param type the sub-type @param instance the ID */
    public record DestroyRequest(String type, String instance) {
    }

    /** {@code Instance.DescribeInstances} params. @param type the sub-type @param tags the filter */
    public record DescribeInstancesRequest(String type, Map<String, String> tags) {
    }

    /** {@code Instance.DescribeInstances} result. @param type the sub-type @param descriptions the instances */
    public record DescribeInstancesResponse(String type, List<Description> descriptions) {
    }
}
