package io.infrakit.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flavor that judges an instance by a tag it carries: Prepare adds the {@code Tags} of the flavor
 * properties to the instance (as vanilla does), and Healthy answers Unhealthy for an instance tagged
 * {@code health=bad}, Healthy otherwise. So a configuration with {@code "Tags":{"health":"bad"}} makes
 * instances that are unhealthy from birth, while the members of other configurations stay healthy.
 */
final class TagHealthFlavor implements FlavorPlugin {

    /** The tag Healthy reads. */
    static final String HEALTH_TAG = "health";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How many Healthy calls came. */
    final AtomicInteger healthChecks = new AtomicInteger();

    @Override
    public void validate(RawJson properties, Allocation allocation) {
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) throws PluginException {
        Map<String, String> tags = new TreeMap<>(spec.tags() == null ? Map.of() : spec.tags());
        try {
            JsonNode declared = properties == null ? null : JSON.readTree(properties.json()).path("Tags");
            if (declared != null) {
                declared.properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
            }
        } catch (IOException e) {
            throw new PluginException("bad flavor properties: " + e.getMessage());
        }
        return spec.withTags(tags);
    }

    @Override
    public Health healthy(RawJson properties, Description instance) {
        healthChecks.incrementAndGet();
        return instance.tags() != null && "bad".equals(instance.tags().get(HEALTH_TAG)) ? Health.UNHEALTHY : Health.HEALTHY;
    }

    @Override
    public void drain(RawJson properties, Description instance) {
    }
}
