package io.infrakit.itests;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import java.util.concurrent.atomic.AtomicReference;

/** A flavor plugin that judges every instance with a fixed health and remembers what it was asked. */
final class FakeFlavorPlugin implements FlavorPlugin {

    private final Health health;
    final AtomicReference<RawJson> lastProperties = new AtomicReference<>();
    final AtomicReference<Description> lastInstance = new AtomicReference<>();

    FakeFlavorPlugin(Health health) {
        this.health = health;
    }

    @Override
    public void validate(RawJson properties, Allocation allocation) {
    }

    @Override
    public InstanceSpec prepare(RawJson properties, InstanceSpec spec, Allocation allocation) {
        return spec;
    }

    @Override
    public Health healthy(RawJson properties, Description instance) {
        lastProperties.set(properties);
        lastInstance.set(instance);
        return health;
    }

    @Override
    public void drain(RawJson properties, Description instance) {
    }
}
