package io.infrakit.cli;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code infrakit plugin}: the plugins in the plugins directory. */
@Command(name = "plugin", description = "Manage plugins")
final class PluginCommand extends CommandGroup {

    private static final String NOT_SUPPORTED = "not supported: plugins run in Karaf; "
            + "use feature:install / the deploy folder to start them and feature:uninstall / bundle:stop to stop them";

    private final Session session;

    PluginCommand(Session session) {
        this.session = session;
    }

    /**
     * One plugin, as {@code plugin ls --json} prints it.
     *
     * @param name the plugin name (its socket's)
     * @param listen the socket
     * @param interfaces what it implements, from its handshake
     */
    record Row(String name, String listen, List<InterfaceSpec> interfaces) {
    }

    @Command(name = "ls", description = "List available plugins")
    void ls(@Option(names = {"-q", "--quiet"}, description = "Print rows without column headers") boolean quiet,
            @Option(names = "--json", description = "Print the plugins, with the interfaces they implement, as JSON") boolean json) {
        Plugins plugins = session.plugins();
        List<Row> rows = new ArrayList<>();
        for (String name : plugins.names()) {
            try {
                rows.add(new Row(name, plugins.socket(name).toString(), plugins.handshake(name)));
            } catch (PluginException e) {
                session.warn("Skipping " + plugins.socket(name) + ": " + e.getMessage());
            }
        }
        if (json) {
            session.printJson(rows, "");
            return;
        }
        Table table = new Table(session.out(), 20);
        if (!quiet) {
            table.row("NAME", "LISTEN");
        }
        rows.forEach(row -> table.row(row.name(), row.listen()));
    }

    @Command(name = "start", description = "Start named plugins (not supported: plugins run in Karaf)")
    void start(@Option(names = "--config-url", paramLabel = "<url>", description = "URL for the startup configs") String configUrl,
               @Option(names = "--exec", paramLabel = "<executor>", description = "os or docker-run") String exec,
               @Option(names = {"-w", "--wait"}, description = "Wait for the plugins to exit") boolean wait,
               @Parameters(paramLabel = "<name>", arity = "0..*") List<String> names) {
        throw new CliException("plugin start is " + NOT_SUPPORTED);
    }

    @Command(name = "stop", description = "Stop named plugins (not supported: plugins run in Karaf)")
    void stop(@Option(names = "--all", description = "Stop every plugin") boolean all,
              @Parameters(paramLabel = "<name>", arity = "0..*") List<String> names) {
        throw new CliException("plugin stop is " + NOT_SUPPORTED);
    }
}
