package io.infrakit.cli;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.List;

/**
 * {@code infrakit info --name N api}: what a plugin implements. The original fetched {@code GET /info/api.json};
 * this prints the {@code Implements} part of it, from the handshake.
 */
@Command(name = "info", description = "Get plugin information")
final class InfoCommand extends CommandGroup {

    /**
     * The {@code Implements} part of a plugin's self-description.
     *
     * @param interfaces the interfaces and their versions
     */
    record Implements(@JsonProperty("Implements") List<InterfaceSpec> interfaces) {
    }

    @Mixin
    PluginNameOption plugin;

    @Option(names = "--raw", scope = ScopeType.INHERIT, description = "Accepted for compatibility: the output is always JSON")
    boolean raw;

    private final Session session;

    InfoCommand(Session session) {
        this.session = session;
    }

    @Command(name = "api", description = "Show the interfaces the plugin implements (the Implements of its api.json)")
    void api(@Option(names = "--json", description = "Accepted for symmetry: the output is always JSON") boolean asJson)
            throws PluginException {
        Plugins plugins = session.plugins();
        PluginName name = plugins.locate(plugin.required("plugin"));
        session.printJson(new Implements(plugins.handshake(name.name())), "");
    }

    @Command(name = "template", description = "Show the template functions of the plugin (not supported)")
    void template() {
        throw new CliException("info template is not supported: the plugins of this implementation export no template functions");
    }
}
