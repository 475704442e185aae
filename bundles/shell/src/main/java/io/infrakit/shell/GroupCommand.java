package io.infrakit.shell;

import io.infrakit.ops.Pacing;
import io.infrakit.ops.Redraw;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A command against a group plugin, {@code group} unless {@code --name} says otherwise: its {@code Group} 0.1.0
 * and, when it has it, its {@code GroupControl} 0.1.0 (the manager and the default group plugin have it; a Go group
 * plugin behind a socket does not).
 */
abstract class GroupCommand extends InfrakitCommand {

    /** The name the Go group plugin listens on, and the default of the Go CLI's {@code --name}. */
    static final String DEFAULT_NAME = "group";

    @Option(name = "--name", aliases = "-n", description = "Name of the group plugin")
    @Completion(PluginNameCompleter.class)
    String name = DEFAULT_NAME;

    /** The clock and pause of the commands that wait or watch; the tests' is virtual. */
    Pacing pacing = Pacing.SYSTEM;

    /** A call to {@code GroupControl}. */
    @FunctionalInterface
    interface ControlCall<R> {
        R call(GroupControl control) throws PluginException;
    }

    /** Prints one view of {@link #redraw}. */
    @FunctionalInterface
    interface View {
        void print(PrintStream out) throws PluginException, CommandException;
    }

    /**
     * The answer of a {@code GroupControl} call, which may be {@code null}.
     *
     * @param value the answer
     */
    record Answer<R>(R value) {
    }

    /**
     * Looks the group plugin up; at each use, so that a replaced plugin is picked up.
     *
     * @return the plugin
     * @throws PluginNotFoundException if no group plugin answers to the name
     * @throws CommandException if the name is invalid
     */
    final GroupPlugin groupPlugin() throws PluginNotFoundException, CommandException {
        return lookup(name, GroupPlugin.class);
    }

    /**
     * Calls the plugin's {@code GroupControl}, when it has it; looked up at each call.
     *
     * @param <R> the answer
     * @param call the call
     * @return the answer, or {@code null} when the plugin implements {@code Group} 0.1.0 only (the caller falls back)
     * @throws PluginException if there is no such group plugin, or the call fails
     * @throws CommandException if the name is invalid
     */
    final <R> Answer<R> callIfAny(ControlCall<R> call) throws PluginException, CommandException {
        GroupControl control;
        try {
            control = lookup(name, GroupControl.class);
        } catch (PluginNotFoundException e) {
            // a local plugin without GroupControl is refused here; no plugin at all, or not a group plugin, fails here
            groupPlugin();
            return null;
        }
        try {
            return new Answer<>(call.call(control));
        } catch (PluginException e) {
            // a plugin behind a socket is handshaken at its first call: one without GroupControl fails then
            List<InterfaceSpec> listed = e.getMessage() != null && e.getMessage().contains(GroupControl.INTERFACE.name()) ? listed() : null;
            if (listed != null && !hasControl(listed)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Calls the plugin's {@code GroupControl} for a verb that needs it.
     *
     * @param <R> the answer
     * @param verb the verb, for the message ({@code pause})
     * @param call the call
     * @return the answer
     * @throws PluginException if there is no such group plugin, or the call fails
     * @throws CommandException if the plugin has no GroupControl, or the name is invalid
     */
    final <R> R call(String verb, ControlCall<R> call) throws PluginException, CommandException {
        Answer<R> answer = callIfAny(call);
        if (answer == null) {
            List<InterfaceSpec> listed = listed();
            throw new CommandException(withoutControl(name, listed == null ? List.of(GroupPlugin.INTERFACE) : listed, verb));
        }
        return answer.value();
    }

    /**
     * Prints a view, or with {@code watch} prints it again each time it changes, until Ctrl-C ends it quietly.
     *
     * @param out where to print
     * @param watch {@code false} to print it once
     * @param view the view
     * @throws CommandException if the view cannot be drawn (but not when Ctrl-C interrupted it)
     */
    final void redraw(PrintStream out, boolean watch, View view) throws CommandException {
        try {
            Redraw.run(text -> {
                out.print(text);
                out.flush();
            }, watch, pacing, stream -> {
                try {
                    view.print(stream);
                } catch (PluginException e) {
                    throw userError(e);
                }
            });
        } catch (InterruptedException e) {
            // Ctrl-C: the way a watch ends
        }
    }

    /**
     * The status of one group.
     *
     * @param control the plugin
     * @param id the group
     * @return its status
     * @throws PluginException if the group is unknown
     */
    static GroupStatus statusOf(GroupControl control, String id) throws PluginException {
        for (GroupStatus s : control.status(id)) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new PluginException("Group " + id + " has no status (the plugin answered for other groups only)");
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

    /** What the registry's listing says the plugin implements, or {@code null} when it does not list it or could not ask it. */
    private List<InterfaceSpec> listed() {
        String plugin = PluginName.parse(name).name();
        for (PluginInfo info : registry.plugins()) {
            if (info.name().equals(plugin)) {
                return info.error() == null ? info.interfaces() : null;
            }
        }
        return null;
    }

    private static boolean hasControl(List<InterfaceSpec> implemented) {
        return implemented.stream().anyMatch(spec -> spec.name().equals(GroupControl.INTERFACE.name()));
    }
}
