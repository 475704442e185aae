package io.infrakit.bench;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An Instance plugin that answers {@code DescribeInstances} with the same precomputed descriptions every
 * time, so a benchmark measures the transport and the JSON, not the plugin. The descriptions look like
 * the ones of the InfraKit tutorial: a long numeric ID, no logical ID, four tags.
 */
final class FixedInstances implements InstancePlugin {

    /** The group every description is tagged with; clients filter on it. */
    static final String GROUP = "cattle";

    private final List<Description> descriptions;

    FixedInstances(int count) {
        List<Description> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(new Description("instance-" + (1_234_567_890_123_456_789L + i * 7_919L), null, Map.of(
                    "infrakit.config_sha", "006438mjfz4rrt4jmbxypnh2ap1aod2f",
                    "infrakit.group", GROUP,
                    "project", "infrakit",
                    "tier", "web")));
        }
        this.descriptions = List.copyOf(list);
    }

    @Override
    public void validate(RawJson properties) {
        // every configuration is acceptable
    }

    @Override
    public String provision(InstanceSpec spec) {
        throw new UnsupportedOperationException("the benchmark plugin only describes");
    }

    @Override
    public void label(String instance, Map<String, String> labels) {
        throw new UnsupportedOperationException("the benchmark plugin only describes");
    }

    @Override
    public void destroy(String instance) {
        throw new UnsupportedOperationException("the benchmark plugin only describes");
    }

    /** The filter is ignored: every precomputed description carries the tags clients ask for. */
    @Override
    public List<Description> describeInstances(Map<String, String> tags) {
        return descriptions;
    }
}
