package io.infrakit.shell;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.registry.PluginInfo;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code infrakit:plugin-list}: every plugin the registry knows, local services and remote sockets, with
 * the interfaces they implement.
 */
@Command(scope = "infrakit", name = "plugin-list", description = "Lists the plugins: local services and sockets in the plugins directory")
@Service
public class PluginListCommand extends InfrakitCommand {

    @Option(name = "--no-format", description = "Tab-separated rows without header or borders")
    boolean noFormat;

    @Option(name = "--json", description = "Print the plugins as JSON")
    boolean json;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the names")
    boolean quiet;

    @Override
    void run(PrintStream out) {
        List<PluginInfo> plugins = registry.plugins();
        if (json) {
            printJson(out, plugins);
            return;
        }
        if (quiet) {
            plugins.forEach(p -> out.println(p.name()));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("NAME");
        table.column("KIND");
        table.column("INTERFACES");
        table.column("TYPES");
        table.column("SOCKET");
        for (PluginInfo p : plugins) {
            table.addRow().addContent(p.name(), p.local() ? "local" : "remote", interfaces(p),
                    p.types().isEmpty() ? "-" : String.join(",", p.types()),
                    p.socket() == null ? "-" : p.socket());
        }
        table.print(out, !noFormat);
    }

    private static String interfaces(PluginInfo p) {
        if (p.error() != null) {
            return "error: " + p.error();
        }
        return p.interfaces().isEmpty() ? "-"
                : p.interfaces().stream().map(PluginListCommand::spec).collect(Collectors.joining(","));
    }

    private static String spec(InterfaceSpec i) {
        return i.name() + "/" + i.version();
    }
}
