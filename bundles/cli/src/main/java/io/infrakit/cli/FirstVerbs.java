package io.infrakit.cli;

import io.infrakit.spi.PluginException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * The verbs of the first InfraKit README, at the top level: {@code infrakit watch FILE},
 * {@code infrakit update FILE [--describe]} and {@code infrakit destroy ID}, the same as {@code group commit} and
 * {@code group destroy} on the group plugin {@code group} (or the one {@code --name} names).
 */
final class FirstVerbs {

    private FirstVerbs() {
    }

    /** {@code infrakit watch FILE}: start managing the group the file declares. */
    @Command(name = "watch", description = "watch a group: commit its configuration (as group commit)")
    static final class Watch implements Runnable {

        @Mixin
        PluginNameOption plugin;

        @Parameters(paramLabel = "<group configuration file>")
        Path file;

        private final Session session;

        Watch(Session session) {
            this.session = session;
        }

        @Override
        public void run() {
            commit(session, plugin, file, false);
        }
    }

    /** {@code infrakit update FILE [--describe]}: commit a changed configuration, or only say what it would do. */
    @Command(name = "update", description = "update a group's configuration (as group commit); --describe only explains the update")
    static final class Update implements Runnable {

        @Mixin
        PluginNameOption plugin;

        @Parameters(paramLabel = "<group configuration file>")
        Path file;

        @Option(names = "--describe", description = "Don't actually update, only explain what the update would do")
        boolean describe;

        private final Session session;

        Update(Session session) {
            this.session = session;
        }

        @Override
        public void run() {
            commit(session, plugin, file, describe);
        }
    }

    /** {@code infrakit destroy ID}: destroy a group and its instances. */
    @Command(name = "destroy", description = "destroy a group and its instances (as group destroy)")
    static final class Destroy implements Runnable {

        @Mixin
        PluginNameOption plugin;

        @Parameters(paramLabel = "<group ID>")
        String id;

        private final Session session;

        Destroy(Session session) {
            this.session = session;
        }

        @Override
        public void run() {
            try {
                new GroupActions(session, new GroupTarget(session, plugin.orElse(GroupCommand.DEFAULT_NAME))).destroy(id);
            } catch (PluginException e) {
                throw new CliException(e.getMessage(), e);
            }
        }
    }

    private static void commit(Session session, PluginNameOption plugin, Path file, boolean pretend) {
        try {
            new GroupActions(session, new GroupTarget(session, plugin.orElse(GroupCommand.DEFAULT_NAME))).commit(file, pretend);
        } catch (PluginException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
