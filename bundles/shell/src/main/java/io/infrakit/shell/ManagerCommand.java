package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.registry.PluginInfo;

import org.apache.karaf.shell.support.CommandException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A command about the managers: the plugins the registry lists as implementing {@code Manager}, local
 * (full status) or behind a socket (role only), and the one of them that leads.
 */
abstract class ManagerCommand extends InfrakitCommand {

    /** What the commands say when no plugin implements {@code Manager}. */
    static final String NO_MANAGER = "No manager plugin found: no plugin implements Manager";

    /**
     * The managers, from the registry's listing.
     *
     * @return the names of the plugins that implement {@code Manager}, in the registry's order (by name)
     */
    final List<String> managers() {
        return registry.plugins().stream().filter(ManagerCommand::isManager).map(PluginInfo::name).toList();
    }

    static boolean isManager(PluginInfo plugin) {
        return plugin.interfaces().stream().anyMatch(spec -> spec.name().equals(Manager.INTERFACE.name()));
    }

    /**
     * Asks a manager for its status. A manager that throws anything, or answers nothing, has failed: the
     * caller reports it and goes on with the others.
     *
     * @param name the manager's name
     * @return the status, never {@code null}
     * @throws PluginException if the manager cannot be found or does not answer
     * @throws CommandException if the name is invalid
     */
    final LeaderStatus status(String name) throws PluginException, CommandException {
        LeaderStatus status;
        try {
            status = lookup(name, Manager.class).status();
        } catch (RuntimeException e) {
            // a broken manager is that manager's failure, not the command's
            throw new PluginException(messageOf(e), e);
        }
        if (status == null) {
            throw new PluginException("no status");
        }
        return status;
    }

    /**
     * Finds the manager that leads now, asking each in turn; the first that says it leads wins.
     *
     * @return its name
     * @throws CommandException if there is no manager, or none leads (the message names every manager found and what it said)
     */
    final String leader() throws CommandException {
        List<String> managers = managers();
        if (managers.isEmpty()) {
            throw new CommandException(NO_MANAGER);
        }
        List<String> found = new ArrayList<>();
        for (String name : managers) {
            try {
                LeaderStatus status = status(name);
                if (status.isLeader()) {
                    return name;
                }
                found.add(name + " (" + describe(status) + ")");
            } catch (PluginException e) {
                found.add(name + " (error: " + messageOf(e) + ")");
            }
        }
        throw new CommandException("No manager is the leader; managers found: " + String.join(", ", found));
    }

    /** A status in a few words: {@code follower, leader is m2}, {@code unknown: session expired}. */
    private static String describe(LeaderStatus status) {
        String role = status.role().name().toLowerCase(Locale.ROOT);
        if (status.leader() != null) {
            return role + ", leader is " + status.leader();
        }
        return status.detail() == null ? role : role + ": " + status.detail();
    }
}
