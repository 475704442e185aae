package io.infrakit.cli;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupPlugin;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The group plugin a command talks to: its {@code Group} 0.1.0 and, when it has it, its {@code GroupControl}
 * 0.1.0 (the manager and the default group plugin have it; a Go group plugin does not). The handshake says
 * which, before any call, so a plugin without GroupControl is never sent a call it cannot answer.
 */
final class GroupTarget {

    private final Session session;
    private final String name;
    private List<InterfaceSpec> implemented;

    /**
     * @param session the session
     * @param name the plugin name ({@code group} by default)
     */
    GroupTarget(Session session, String name) {
        this.session = session;
        this.name = name;
    }

    String name() {
        return name;
    }

    /**
     * The plugin's {@code Group} 0.1.0.
     *
     * @return a proxy
     * @throws CliException if there is no socket of that name
     */
    GroupPlugin group() {
        return session.plugins().find(name, GroupPlugin.class);
    }

    /**
     * The plugin's {@code GroupControl}, when it implements it.
     *
     * @return a proxy, or {@code null} when the plugin implements only other interfaces (a Go group plugin)
     * @throws CliException if there is no socket of that name
     * @throws PluginException if the plugin does not answer the handshake
     */
    GroupControl controlIfAny() throws PluginException {
        if (implemented == null) {
            PluginName plugin = session.plugins().locate(name);
            implemented = session.plugins().interfaces(plugin.name());
        }
        boolean has = implemented.stream().anyMatch(spec -> spec.name().equals(GroupControl.INTERFACE.name()));
        return has ? session.plugins().find(name, GroupControl.class) : null;
    }

    /**
     * The plugin's {@code GroupControl}, for a verb that needs it.
     *
     * @param verb the verb, for the message ({@code pause})
     * @return a proxy
     * @throws CliException if there is no such plugin, or it does not implement GroupControl
     * @throws PluginException if the plugin does not answer the handshake
     */
    GroupControl control(String verb) throws PluginException {
        GroupControl control = controlIfAny();
        if (control == null) {
            throw new CliException(withoutControl(name, implemented, verb));
        }
        return control;
    }

    /**
     * What a verb that needs GroupControl says of a plugin without it.
     *
     * @param name the plugin
     * @param implemented what it implements
     * @param verb the verb
     * @return the message
     */
    static String withoutControl(String name, List<InterfaceSpec> implemented, String verb) {
        String what = implemented.isEmpty() ? "no interface"
                : implemented.stream().map(s -> s.name() + " " + s.version()).collect(Collectors.joining(", "));
        return "the group plugin '" + name + "' implements " + what + " only: " + verb + " needs "
                + GroupControl.INTERFACE.name() + " " + GroupControl.INTERFACE.version()
                + " (an InfraKit for OSGi manager or group plugin)";
    }
}
