package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A flavor plugin recording what it is given; prepare appends to Init and adds a tag, as vanilla does. */
final class FakeFlavorPlugin implements FlavorPlugin {

    final List<Object> received = new ArrayList<>();
    Health health = Health.HEALTHY;

    @Override
    public void validate(RawJson properties, Allocation allocation) throws PluginException {
        received.add(properties);
        received.add(allocation);
        if (allocation.logicalIDs() != null && allocation.logicalIDs().size() % 2 == 0) {
            throw new PluginException("must have odd number for quorum");
        }
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
        received.add(properties);
        received.add(spec);
        received.add(allocation);
        TreeMap<String, String> tags = new TreeMap<>(spec.tags() == null ? java.util.Map.of() : spec.tags());
        tags.put("flavor", "fake");
        return spec.withTags(tags).withInit(spec.init().isEmpty() ? "echo prepared" : spec.init() + "\necho prepared");
    }

    @Override
    public Health healthy(RawJson properties, Description instance) {
        received.add(properties);
        received.add(instance);
        return health;
    }

    @Override
    public void drain(RawJson properties, Description instance) {
        received.add(instance);
    }
}
