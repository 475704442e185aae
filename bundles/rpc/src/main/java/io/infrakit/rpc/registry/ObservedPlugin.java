package io.infrakit.rpc.registry;

import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.observe.ControllerObserver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * A plugin as handed out while someone measures: each call of the plugin interface is timed and told to every
 * {@link ControllerObserver} by the plugin's name and the method's name on the wire ({@code Instance.Provision}),
 * whether the plugin is a local service or a remote proxy. What the plugin returns or throws reaches the caller
 * unchanged, and an observer that throws is ignored.
 *
 * <p>Methods of {@link Object} are not plugin calls: {@code hashCode} and {@code toString} are the plugin's,
 * and two wrappers are equal when their plugins are. A default method of the interface that the plugin does not
 * override runs on the wrapper, so the calls it makes are the ones timed; one the plugin overrides is not a
 * wire method, and is called untimed.
 */
final class ObservedPlugin implements InvocationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ObservedPlugin.class);

    private final String name;
    private final Spi spi;
    private final Object plugin;
    private final List<ControllerObserver> observers;

    private ObservedPlugin(String name, Spi spi, Object plugin, List<ControllerObserver> observers) {
        this.name = name;
        this.spi = spi;
        this.plugin = plugin;
        this.observers = observers;
    }

    /**
     * Tells whether the calls of an interface are timed. {@code InstanceChanges} is not: its one call is a long poll
     * that waits for changes up to 30 s by design, and would only fill the latency histogram with its waits.
     *
     * @param spi the interface
     * @return {@code true} if plugins of it are wrapped
     */
    static boolean isTimed(Spi spi) {
        return spi != Spi.INSTANCE_CHANGES;
    }

    /**
     * Wraps a plugin.
     *
     * @param <T> the plugin interface
     * @param name the plugin name as looked up
     * @param spi the plugin interface
     * @param spiType its Java type
     * @param plugin the plugin (a local service or a client proxy)
     * @param observers the observers, read at each call
     * @return the wrapper
     */
    static <T> T wrap(String name, Spi spi, Class<T> spiType, T plugin, List<ControllerObserver> observers) {
        ObservedPlugin handler = new ObservedPlugin(name, spi, plugin, observers);
        return spiType.cast(Proxy.newProxyInstance(spiType.getClassLoader(), new Class<?>[] {spiType}, handler));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(method, args);
        }
        if (method.isDefault() && !overridden(method)) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        if (method.isDefault()) {
            return call(method, args);
        }
        long start = System.nanoTime();
        try {
            Object result = call(method, args);
            report(method, ControllerObserver.OK, System.nanoTime() - start);
            return result;
        } catch (Throwable t) {
            report(method, ControllerObserver.ERROR, System.nanoTime() - start);
            throw t;
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(plugin, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private Object objectMethod(Method method, Object[] args) throws Throwable {
        if (method.getName().equals("equals")) {
            Object other = args[0];
            return other != null && Proxy.isProxyClass(other.getClass())
                    && Proxy.getInvocationHandler(other) instanceof ObservedPlugin o && plugin.equals(o.plugin);
        }
        return call(method, args);
    }

    private boolean overridden(Method method) {
        try {
            return !plugin.getClass().getMethod(method.getName(), method.getParameterTypes()).isDefault();
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private void report(Method method, String outcome, long nanos) {
        if (observers.isEmpty()) {
            return;
        }
        String wire = spi.wireMethod(method.getName());
        for (ControllerObserver o : observers) {
            try {
                o.pluginCalled(name, wire, outcome, nanos);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("Observer {} failed on a call of {} {}: {}", o, name, wire, e.toString());
            }
        }
    }
}
