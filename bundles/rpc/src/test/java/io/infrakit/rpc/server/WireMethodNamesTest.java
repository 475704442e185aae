package io.infrakit.rpc.server;

import io.infrakit.rpc.wire.Spi;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The wire name of each Java method of a plugin interface ({@link Spi#wireMethod}) is a method the server serves. */
class WireMethodNamesTest {

    @Test
    void everyMethodOfEveryInterfaceIsNamedAsTheServerServesIt() {
        for (Spi spi : Spi.values()) {
            Set<String> named = new TreeSet<>();
            for (Method m : spi.type().getMethods()) {
                if (Modifier.isAbstract(m.getModifiers())) {
                    named.add(spi.wireMethod(m.getName()));
                }
            }
            Set<String> served = new TreeSet<>();
            ServedInterfaces.methods(spi).keySet().forEach(name -> served.add(spi.service() + "." + name));
            assertEquals(served, named, spi.name());
        }
    }

    @Test
    void examples() {
        assertEquals("Instance.DescribeInstances", Spi.INSTANCE.wireMethod("describeInstances"));
        assertEquals("Flavor.Healthy", Spi.FLAVOR.wireMethod("healthy"));
        assertEquals("GroupControl.Events", Spi.GROUP_CONTROL.wireMethod("events"));
        assertEquals("Manager.IsLeader", Spi.MANAGER.wireMethod("isLeader"));
        assertEquals("InstanceChanges.Changes", Spi.INSTANCE_CHANGES.wireMethod("changes"));
    }
}
