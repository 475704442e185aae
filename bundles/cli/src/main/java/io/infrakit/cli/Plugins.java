package io.infrakit.cli;

import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.server.SocketFiles;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Plugin discovery as the original did it: every socket file in the plugins directory is a plugin of
 * that name; {@code name/type} selects a sub-type served on socket {@code name}.
 */
final class Plugins implements AutoCloseable {

    /** How long a listing waits for one plugin's handshake, so one hung plugin cannot hold up the rest. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    /** How long a quick question to one of several plugins (is it the leader?) may take, so one hung plugin cannot hold up the rest. */
    static final Duration QUESTION_TIMEOUT = Duration.ofSeconds(10);

    private final Path directory;
    private final Duration callTimeout;
    private final RpcClient client;
    private RpcClient questions;

    /**
     * @param directory the plugins directory
     * @param callTimeout the longest one call may take
     */
    Plugins(Path directory, Duration callTimeout) {
        this.directory = directory;
        this.callTimeout = callTimeout;
        // a missing socket fails at once: a command line does not wait for a plugin to come back
        this.client = new RpcClient(callTimeout, Duration.ZERO);
    }

    Path directory() {
        return directory;
    }

    /**
     * A plugin by name, as a proxy of its interface; the first call handshakes it.
     *
     * @param <T> the plugin interface
     * @param name {@code name} or {@code name/type}
     * @param spi the plugin interface
     * @return the proxy
     * @throws CliException if the name is invalid or there is no socket of that name
     */
    <T> T find(String name, Class<T> spi) {
        PluginName found = locate(name);
        return client.connect(socket(found.name()), found.type(), spi);
    }

    /**
     * A plugin by name, as a proxy whose calls wait at most {@link #QUESTION_TIMEOUT}: for questions put to
     * several plugins in turn, such as which manager leads.
     *
     * @param <T> the plugin interface
     * @param name {@code name} or {@code name/type}
     * @param spi the plugin interface
     * @return the proxy
     * @throws CliException if the name is invalid or there is no socket of that name
     */
    <T> T ask(String name, Class<T> spi) {
        PluginName found = locate(name);
        if (questions == null) {
            Duration timeout = callTimeout.compareTo(QUESTION_TIMEOUT) < 0 ? callTimeout : QUESTION_TIMEOUT;
            questions = new RpcClient(timeout, Duration.ZERO);
        }
        return questions.connect(socket(found.name()), found.type(), spi);
    }

    /**
     * Checks that a plugin name is valid and that its socket exists.
     *
     * @param name {@code name} or {@code name/type}
     * @return the parsed name
     * @throws CliException if the name is invalid or there is no socket of that name
     */
    PluginName locate(String name) {
        PluginName parsed;
        try {
            parsed = PluginName.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        if (!SocketFiles.isSocket(socket(parsed.name()))) {
            throw new CliException("Plugin not found: " + name + " (looked up using " + parsed.name() + " in " + directory + ")");
        }
        return parsed;
    }

    /**
     * The names of the sockets in the plugins directory, sorted.
     *
     * @return the names; empty when the directory does not exist
     * @throws CliException if the directory cannot be read
     */
    List<String> names() {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(SocketFiles::isSocket).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new CliException("Cannot list the plugins directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks a plugin which interfaces it implements, waiting at most {@link #HANDSHAKE_TIMEOUT}.
     *
     * @param name a socket name
     * @return the interfaces
     * @throws PluginException if the plugin does not answer
     */
    List<InterfaceSpec> handshake(String name) throws PluginException {
        return client.handshake(socket(name), HANDSHAKE_TIMEOUT);
    }

    /**
     * Asks a plugin which interfaces it implements, waiting as long as a call may take: to choose between the
     * interfaces of the plugin the command talks to (GroupControl or only Group).
     *
     * @param name a socket name
     * @return the interfaces
     * @throws PluginException if the plugin does not answer
     */
    List<InterfaceSpec> interfaces(String name) throws PluginException {
        return client.handshake(socket(name));
    }

    /**
     * The socket of a plugin name.
     *
     * @param name a socket name
     * @return its path
     */
    Path socket(String name) {
        return directory.resolve(name);
    }

    @Override
    public void close() {
        client.close();
        if (questions != null) {
            questions.close();
        }
    }
}
