package io.infrakit.shell;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.registry.PluginNotFoundException;
import io.infrakit.spi.registry.PluginRegistry;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/**
 * The common ground of every {@code infrakit:*} command: the plugin registry and the JSON codec, and the
 * rule that a user error (a plugin's {@link PluginException}, an unknown plugin, a bad file, bad JSON, a
 * bad {@code k=v}) ends the command with one line and no stack trace.
 *
 * <p>Karaf shows a {@link CommandException} as {@code Error executing command: <message>} and logs it at
 * debug level only, so user errors are turned into one. Anything else is a bug and keeps its stack trace
 * in the log.
 *
 * <p>Both services come from the rpc bundle and are optional references: while it is stopped or being
 * updated the commands stay (Karaf would otherwise unregister every {@code infrakit:*} command) and say
 * what is missing.
 */
abstract class InfrakitCommand implements Action {

    /** What a command says while the rpc bundle's JSON codec is missing. */
    static final String NO_CODEC = "The JSON codec service is not available (is the infrakit rpc bundle running?)";

    /** What a command says while the rpc bundle's plugin registry is missing. */
    static final String NO_REGISTRY = "The plugin registry service is not available (is the infrakit rpc bundle running?)";

    /** Looks plugins up by name; local services and remote sockets alike. Never {@code null} in {@link #run}. */
    @Reference(optional = true)
    PluginRegistry registry;

    /** The wire protocol's JSON mapping, so this bundle needs no JSON library. Never {@code null} in {@link #run}. */
    @Reference(optional = true)
    JsonCodec codec;

    @Override
    public final Object execute() throws CommandException {
        execute(System.out);
        // nothing for the shell to print: the output is already written
        return null;
    }

    /**
     * Runs the command, writing its output to {@code out}.
     *
     * @param out where the output goes
     * @throws CommandException with a one-line message when the command fails for a reason the user can fix
     */
    final void execute(PrintStream out) throws CommandException {
        if (codec == null) {
            throw new CommandException(NO_CODEC);
        }
        if (registry == null) {
            throw new CommandException(NO_REGISTRY);
        }
        try {
            run(out);
        } catch (PluginException e) {
            throw userError(e);
        }
    }

    /**
     * A plugin's error as the user sees it: one line, the error as its cause. {@link #execute} turns what escapes
     * {@link #run} into one; so do the waits and watches, whose loops (in {@code io.infrakit.ops}) pass one type of
     * exception through.
     *
     * @param e the plugin's error
     * @return the command's error
     */
    static CommandException userError(PluginException e) {
        return new CommandException(messageOf(e), e);
    }

    /**
     * The command itself.
     *
     * @param out where the output goes
     * @throws PluginException if a plugin refuses or cannot be found
     * @throws CommandException if the user's input is unusable
     */
    abstract void run(PrintStream out) throws PluginException, CommandException;

    /**
     * Finds a plugin, turning an invalid name into a user error.
     *
     * @param <T> the plugin interface
     * @param name {@code name} or {@code name/type}
     * @param spi the plugin interface
     * @return the plugin
     * @throws PluginNotFoundException if nothing answers to the name with that interface
     * @throws CommandException if the name is not a valid plugin name
     */
    final <T> T lookup(String name, Class<T> spi) throws PluginNotFoundException, CommandException {
        try {
            return registry.lookup(name, spi);
        } catch (IllegalArgumentException e) {
            throw new CommandException(messageOf(e), e);
        }
    }

    /**
     * Writes a value as indented JSON (two spaces, Go field names), for {@code --json} and {@code inspect}.
     *
     * @param out where to write
     * @param value the value
     */
    final void printJson(PrintStream out, Object value) {
        out.println(codec.encodeIndented(value, "", "  "));
    }

    /**
     * The message of an error as one line: a remote plugin's message may span several, and a user error
     * is shown as one.
     */
    static String messageOf(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
