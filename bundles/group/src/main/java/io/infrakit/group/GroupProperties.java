package io.infrakit.group;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The {@code Properties} of a group managed by the default group plugin:
 * {@code {"Instance":{"Plugin","Properties"},"Flavor":{"Plugin","Properties"},"Allocation":{"Size"|"LogicalIDs"},"Update":{...}}}.
 *
 * @param instance the instance plugin and its properties
 * @param flavor the flavor plugin and its properties
 * @param allocation the size, or the logical IDs
 * @param update how rolling updates proceed; optional
 */
public record GroupProperties(PluginSpec instance, PluginSpec flavor, Allocation allocation, UpdatePolicy update) {

    /**
     * A plugin and its opaque properties.
     *
     * @param plugin the plugin name ({@code name} or {@code name/type})
     * @param properties the plugin's properties, or {@code null}
     */
    public record PluginSpec(String plugin, RawJson properties) {
        /** Turns a missing name into {@code ""}. */
        public PluginSpec {
            plugin = Objects.requireNonNullElse(plugin, "");
        }
    }

    /**
     * Rolling update settings, all optional. The defaults replace one instance at a time, as the original did.
     *
     * @param maxUnavailable how many members may be missing or not yet healthy at once (default 1)
     * @param maxSurge how many extra instances may be created during the roll (default 0; Size groups only)
     * @param minHealthySeconds how long a new instance must stay healthy before the roll moves on (default 0)
     * @param healthTimeoutSeconds how long a new instance may take to become healthy before the rollout fails (default 600)
     * @param unhealthySeconds how long a new instance must stay unhealthy, without a break, before the rollout fails (default 10)
     * @param autoRollback whether a failed rollout moves the members back to the last configuration that completed (default false)
     */
    public record UpdatePolicy(Integer maxUnavailable, Integer maxSurge, Integer minHealthySeconds, Integer healthTimeoutSeconds,
                               Integer unhealthySeconds, Boolean autoRollback) {
        static final UpdatePolicy DEFAULT = new UpdatePolicy(null, null, null, null, null, null);

        /** Fills in the defaults. */
        public UpdatePolicy {
            maxUnavailable = Objects.requireNonNullElse(maxUnavailable, 1);
            maxSurge = Objects.requireNonNullElse(maxSurge, 0);
            minHealthySeconds = Objects.requireNonNullElse(minHealthySeconds, 0);
            healthTimeoutSeconds = Objects.requireNonNullElse(healthTimeoutSeconds, 600);
            unhealthySeconds = Objects.requireNonNullElse(unhealthySeconds, 10);
            autoRollback = Objects.requireNonNullElse(autoRollback, false);
        }
    }

    /** The JSON path of the group's properties in a group spec, which every message starts with. */
    static final String PATH = "Properties";

    /**
     * Decodes and checks group properties strictly: an unknown key (a typo such as {@code Updte}) is refused with
     * the closest known key, a value of the wrong type with its JSON path, what was expected and what was found
     * ({@code Properties.Allocation.Size: expected a whole number, got "three"}). The instance's and flavor's own
     * {@code Properties} are not looked into here: their plugins check them in Validate. The checks of the
     * allocation keep the original's messages.
     *
     * @param properties the group's properties
     * @param json the JSON codec
     * @return the parsed properties
     * @throws PluginException if they are invalid
     */
    public static GroupProperties parse(RawJson properties, JsonCodec json) throws PluginException {
        return parse(properties, json, true);
    }

    /**
     * Decodes and checks group properties; leniently (unknown keys ignored, as before they were checked) for
     * a spec that was accepted once and is read again: a stored group resumed after a restart or by a new
     * leader, the stable configuration of a rollback.
     *
     * @param properties the group's properties
     * @param json the JSON codec
     * @param strict whether unknown keys are refused
     * @return the parsed properties
     * @throws PluginException if they are invalid
     */
    public static GroupProperties parse(RawJson properties, JsonCodec json, boolean strict) throws PluginException {
        GroupProperties p = strict ? json.decodeStrict(properties, GroupProperties.class, PATH) : json.decode(properties, GroupProperties.class);
        if (p == null) {
            p = new GroupProperties(null, null, null, null);
        }
        Allocation allocation = p.allocation() == null ? new Allocation(0, null) : p.allocation();
        boolean byIds = allocation.logicalIDs() != null && !allocation.logicalIDs().isEmpty();
        if (!byIds && allocation.size() == 0) {
            throw new PluginException("Allocation must not be blank");
        }
        if (byIds && allocation.size() > 0) {
            throw new PluginException("Only one Allocation method may be used");
        }
        if (byIds) {
            List<String> ids = allocation.logicalIDs();
            if (new HashSet<>(ids).size() != ids.size() || ids.stream().anyMatch(id -> id == null || id.isBlank())) {
                throw new PluginException("LogicalIDs must be unique and not blank: " + ids);
            }
        }
        UpdatePolicy update = p.update() == null ? UpdatePolicy.DEFAULT : p.update();
        atLeast("MaxUnavailable", update.maxUnavailable(), 0);
        atLeast("MaxSurge", update.maxSurge(), 0);
        atLeast("MinHealthySeconds", update.minHealthySeconds(), 0);
        atLeast("HealthTimeoutSeconds", update.healthTimeoutSeconds(), 1);
        atLeast("UnhealthySeconds", update.unhealthySeconds(), 0);
        if (update.maxUnavailable() == 0 && (update.maxSurge() == 0 || byIds)) {
            throw new PluginException("Update.MaxUnavailable 0 needs a MaxSurge above 0 (and a Size allocation), or no update could ever proceed");
        }
        return new GroupProperties(p.instance() == null ? new PluginSpec("", null) : p.instance(),
                p.flavor() == null ? new PluginSpec("", null) : p.flavor(), allocation, update);
    }

    private static void atLeast(String key, int value, int least) throws PluginException {
        if (value < least) {
            throw new PluginException(PATH + ".Update." + key + ": expected a whole number of " + least + " or more, got " + value);
        }
    }

    /**
     * The same group with another configuration: the instance and flavor of {@code other}, this allocation and
     * update policy (a rollback keeps the size declared last).
     *
     * @param other the properties whose configuration to take
     * @return the properties
     */
    public GroupProperties withConfigurationOf(GroupProperties other) {
        return new GroupProperties(other.instance(), other.flavor(), allocation, update);
    }

    /**
     * Checks the allocation against an upper bound, so a typing error cannot make the controller plan for a
     * billion instances.
     *
     * @param maxSize the most members a group may declare
     * @throws PluginException if the size or the number of logical IDs is above it
     */
    public void checkSize(long maxSize) throws PluginException {
        if (allocation.size() > maxSize) {
            throw new PluginException("Allocation.Size " + allocation.size() + " is above the limit of " + maxSize
                    + " instances per group (the group plugin's max.size)");
        }
        if (isQuorum() && allocation.logicalIDs().size() > maxSize) {
            throw new PluginException("Allocation.LogicalIDs has " + allocation.logicalIDs().size() + " entries, above the limit of "
                    + maxSize + " instances per group (the group plugin's max.size)");
        }
    }

    /**
     * Whether members are pets with logical IDs rather than a counted size.
     *
     * @return {@code true} for a quorum
     */
    public boolean isQuorum() {
        return allocation.logicalIDs() != null && !allocation.logicalIDs().isEmpty();
    }

    /**
     * The number of members declared.
     *
     * @return the size, or the number of logical IDs
     */
    public int targetSize() {
        return isQuorum() ? allocation.logicalIDs().size() : (int) Math.min(Integer.MAX_VALUE, allocation.size());
    }
}
