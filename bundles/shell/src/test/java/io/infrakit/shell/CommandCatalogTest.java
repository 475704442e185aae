package io.infrakit.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Karaf's command extender will find in the bundle. */
class CommandCatalogTest {

    private static final List<Class<? extends InfrakitCommand>> COMMANDS = List.of(
            PluginListCommand.class,
            GroupCommitCommand.class, GroupDescribeCommand.class, GroupInspectCommand.class, GroupListCommand.class,
            GroupFreeCommand.class, GroupDestroyCommand.class,
            GroupStatusCommand.class, GroupEventsCommand.class, GroupHistoryCommand.class, GroupRollbackCommand.class,
            GroupPauseCommand.class, GroupResumeCommand.class, GroupStopCommand.class,
            InstanceValidateCommand.class, InstanceProvisionCommand.class, InstanceDescribeCommand.class,
            InstanceLabelCommand.class, InstanceDestroyCommand.class,
            FlavorValidateCommand.class, FlavorPrepareCommand.class, FlavorHealthyCommand.class,
            ManagerStatusCommand.class, ManagerCommitCommand.class, ManagerInspectCommand.class);

    @Test
    void everyCommandIsAnInfrakitScopedKarafService() throws Exception {
        Set<String> names = new TreeSet<>();
        for (Class<? extends InfrakitCommand> type : COMMANDS) {
            Command command = type.getAnnotation(Command.class);
            assertNotNull(command, type.getName());
            assertNotNull(type.getAnnotation(Service.class), type.getName());
            assertEquals("infrakit", command.scope());
            assertTrue(Modifier.isPublic(type.getModifiers()), "Karaf instantiates " + type.getName());
            type.getConstructor().newInstance();
            names.add(command.name());
        }
        assertEquals(new TreeSet<>(List.of("plugin-list", "group-commit", "group-describe", "group-inspect", "group-list",
                "group-free", "group-destroy", "group-status", "group-events", "group-history", "group-rollback",
                "group-pause", "group-resume", "group-stop", "instance-validate", "instance-provision", "instance-describe",
                "instance-label", "instance-destroy", "flavor-validate", "flavor-prepare", "flavor-healthy",
                "manager-status", "manager-commit", "manager-inspect")), names);
    }

    @Test
    void listingCommandsOfferJsonAndNoFormat() {
        for (Class<?> type : List.of(PluginListCommand.class, GroupListCommand.class, GroupDescribeCommand.class,
                InstanceDescribeCommand.class, ManagerStatusCommand.class)) {
            Set<String> options = options(type);
            assertTrue(options.containsAll(Set.of("--json", "--no-format")), type.getSimpleName() + " " + options);
        }
    }

    @Test
    void everyReadCommandOffersJson() {
        for (Class<?> type : List.of(PluginListCommand.class, GroupListCommand.class, GroupDescribeCommand.class,
                GroupInspectCommand.class, GroupStatusCommand.class, GroupEventsCommand.class, GroupHistoryCommand.class,
                InstanceDescribeCommand.class, ManagerStatusCommand.class, ManagerInspectCommand.class)) {
            assertTrue(options(type).contains("--json"), type.getSimpleName() + " " + options(type));
        }
    }

    @Test
    void theGroupViewsCanBeWatchedAndTheRolloutWaitedFor() {
        assertTrue(options(GroupListCommand.class).contains("--watch"));
        assertTrue(options(GroupDescribeCommand.class).contains("--watch"));
        assertTrue(options(GroupStatusCommand.class).containsAll(Set.of("--wait", "--timeout")));
        assertTrue(options(GroupEventsCommand.class).containsAll(Set.of("--follow", "--limit")));
        assertTrue(options(GroupRollbackCommand.class).contains("--to-revision"));
        assertEquals("5m", new GroupStatusCommand().timeout);
    }

    @Test
    void pluginCommandsTakeTheirPluginFromName() {
        assertEquals("group", new GroupListCommand().name);
        assertTrue(options(InstanceDestroyCommand.class).contains("--name"));
        assertTrue(options(FlavorHealthyCommand.class).contains("--name"));
        assertTrue(options(FlavorPrepareCommand.class).containsAll(Set.of("--size", "--logical-ids")));
    }

    private static Set<String> options(Class<?> type) {
        Set<String> options = new TreeSet<>();
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Option option = field.getAnnotation(Option.class);
                if (option != null) {
                    options.add(option.name());
                }
            }
        }
        return options;
    }
}
