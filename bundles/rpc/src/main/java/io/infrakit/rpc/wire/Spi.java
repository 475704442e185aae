package io.infrakit.rpc.wire;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.manager.Manager;

/**
 * The plugin interfaces, with their Java type, their JSON-RPC service name and their wire identity.
 * The declaration order is the order a handshake lists them in.
 */
public enum Spi {
    /** {@code Instance} 0.3.0. */
    INSTANCE(InstancePlugin.class, "Instance", InstancePlugin.INTERFACE, true),
    /**
     * {@code InstanceChanges} 0.1.0: an instance plugin's long poll of the changes of its instances (this product's,
     * beside {@code Instance}; optional). Untyped: one log per plugin name, whatever sub-type an instance has.
     */
    INSTANCE_CHANGES(InstanceChanges.class, "InstanceChanges", InstanceChanges.INTERFACE, false),
    /** {@code Flavor} 0.1.0. */
    FLAVOR(FlavorPlugin.class, "Flavor", FlavorPlugin.INTERFACE, true),
    /** {@code Group} 0.1.0. */
    GROUP(GroupPlugin.class, "Group", GroupPlugin.INTERFACE, false),
    /** {@code Manager} 0.1.0. */
    MANAGER(Manager.class, "Manager", Manager.INTERFACE, false),
    /** {@code GroupControl} 0.1.0: status, events, revisions, pause (this product's, beside {@code Group}). */
    GROUP_CONTROL(GroupControl.class, "GroupControl", GroupControl.INTERFACE, false);

    private final Class<?> type;
    private final String service;
    private final InterfaceSpec spec;
    private final boolean typed;

    Spi(Class<?> type, String service, InterfaceSpec spec, boolean typed) {
        this.type = type;
        this.service = service;
        this.spec = spec;
        this.typed = typed;
    }

    /**
     * The Java interface.
     *
     * @return the interface class
     */
    public Class<?> type() {
        return type;
    }

    /**
     * The JSON-RPC service name ({@code Instance} in {@code Instance.Provision}).
     *
     * @return the service name
     */
    public String service() {
        return service;
    }

    /**
     * The interface name and version exchanged by the handshake.
     *
     * @return the identity
     */
    public InterfaceSpec spec() {
        return spec;
    }

    /**
     * Whether requests carry a {@code Type} that selects a sub-plugin.
     *
     * @return {@code true} for Instance and Flavor
     */
    public boolean typed() {
        return typed;
    }

    /**
     * The JSON-RPC method a Java method of this interface is called by: the service name, a dot and the
     * method's name with its first letter capitalised, as every client proxy and the server name them
     * ({@code describeInstances} is {@code Instance.DescribeInstances}, {@code healthy} is {@code Flavor.Healthy}).
     *
     * @param javaMethod the name of a method of {@link #type()}
     * @return the method name on the wire
     */
    public String wireMethod(String javaMethod) {
        return service + "." + Character.toUpperCase(javaMethod.charAt(0)) + javaMethod.substring(1);
    }

    /**
     * The SPI of a Java interface.
     *
     * @param type a plugin interface
     * @return its SPI
     * @throws IllegalArgumentException if the class is not a plugin interface
     */
    public static Spi of(Class<?> type) {
        for (Spi spi : values()) {
            if (spi.type == type) {
                return spi;
            }
        }
        throw new IllegalArgumentException(type.getName() + " is not a plugin interface; use InstancePlugin, InstanceChanges, FlavorPlugin, GroupPlugin, Manager or GroupControl");
    }

    /**
     * The SPI with a JSON-RPC service name.
     *
     * @param service a service name such as {@code Instance}
     * @return the SPI, or {@code null}
     */
    public static Spi ofService(String service) {
        for (Spi spi : values()) {
            if (spi.service.equals(service)) {
                return spi;
            }
        }
        return null;
    }
}
