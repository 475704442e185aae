package io.infrakit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/** {@code infrakit}: the verbs of the original command line, talking to the plugins of the plugins directory. */
@Command(name = "infrakit", description = "infrakit cli",
        mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = VersionCommand.class,
        footer = {"", "Plugins directory: $INFRAKIT_PLUGINS_DIR, else $INFRAKIT_HOME/plugins (INFRAKIT_HOME defaults to ~/.infrakit)."},
        subcommands = {PluginCommand.class, GroupCommand.class, InstanceCommand.class, FlavorCommand.class,
                ManagerCommand.class, InfoCommand.class, VersionCommand.class,
                FirstVerbs.Watch.class, FirstVerbs.Update.class, FirstVerbs.Destroy.class, HelpCommand.class})
final class InfrakitCommand extends CommandGroup {

    @Mixin
    LogLevelOption log;
}
