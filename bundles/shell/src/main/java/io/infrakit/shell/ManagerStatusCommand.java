package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.LeaderStatus;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code infrakit:manager-status}: every manager with its part in the leader election. A local manager
 * tells its role, the leader's name and why it cannot tell; one behind a socket only its role.
 */
@Command(scope = "infrakit", name = "manager-status", description = "Lists the managers: which one leads, and what the others know")
@Service
public class ManagerStatusCommand extends ManagerCommand {

    /**
     * One manager's row, as printed by {@code --json}.
     *
     * @param name the manager
     * @param role {@code LEADER}, {@code FOLLOWER} or {@code UNKNOWN} (also when it failed to answer)
     * @param leader the leader's name when known, else {@code null}
     * @param detail why the role is unknown, else {@code null}
     * @param error why the manager did not answer, else {@code null}
     */
    public record Row(String name, String role, String leader, String detail, String error) {
    }

    @Option(name = "--no-format", description = "Tab-separated rows without header or borders")
    boolean noFormat;

    @Option(name = "--json", description = "Print the statuses as JSON")
    boolean json;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the names of the managers")
    boolean quiet;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        List<String> managers = managers();
        if (quiet) {
            managers.forEach(out::println);
            return;
        }
        List<Row> rows = new ArrayList<>();
        for (String name : managers) {
            rows.add(row(name));
        }
        if (json) {
            printJson(out, rows);
            return;
        }
        if (rows.isEmpty() && !noFormat) {
            out.println(NO_MANAGER);
            return;
        }
        ShellTable table = new ShellTable();
        table.column("NAME");
        table.column("ROLE");
        table.column("LEADER");
        table.column("DETAIL");
        for (Row row : rows) {
            String detail = row.error() != null ? "error: " + row.error() : Objects.requireNonNullElse(row.detail(), "-");
            table.addRow().addContent(row.name(), row.role(), Objects.requireNonNullElse(row.leader(), "-"), detail);
        }
        table.print(out, !noFormat);
    }

    private Row row(String name) throws CommandException {
        try {
            LeaderStatus status = status(name);
            // a leader reached through its socket only says that it leads: the leader is the manager itself
            String leader = status.isLeader() && status.leader() == null ? name : status.leader();
            return new Row(name, status.role().name(), leader, status.detail(), null);
        } catch (PluginException e) {
            return new Row(name, LeaderStatus.Role.UNKNOWN.name(), null, null, messageOf(e));
        }
    }
}
