package io.infrakit.shell;

import io.infrakit.ops.StatusText;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.Description;

import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.List;

/**
 * How the group commands lay out what {@code GroupControl} answers, in Karaf tables ({@code --no-format}: tab-separated
 * rows without header or borders): the {@code group-list} table, the member table of {@code group-describe} with
 * health, the journal and the revisions. The texts and cells are {@link StatusText}'s, which the CLI shares.
 */
final class StatusTables {

    private StatusTables() {
    }

    /**
     * The {@code group-list} table: one group per row, as {@code kubectl get deployments}.
     *
     * @param out where to print
     * @param groups the statuses
     * @param noFormat {@code true} for tab-separated rows without header or borders
     */
    static void statuses(PrintStream out, List<GroupStatus> groups, boolean noFormat) {
        print(out, StatusText.STATUS_COLUMNS, groups.stream().map(StatusText::statusRow).toList(), noFormat);
    }

    /**
     * The member table of {@code group-describe}: {@code ID LOGICAL HEALTH UP-TO-DATE TAGS}, the health and
     * configuration from the status's members matched by instance ID.
     *
     * @param out where to print
     * @param instances the members, as the group plugin describes them
     * @param s the status
     * @param noFormat {@code true} for tab-separated rows without header or borders
     */
    static void members(PrintStream out, List<Description> instances, GroupStatus s, boolean noFormat) {
        List<List<String>> rows = StatusText.memberRows(instances, s,
                d -> d.logicalID() == null || d.logicalID().isEmpty() ? DescriptionTable.NO_LOGICAL_ID : d.logicalID(),
                d -> TagText.format(d.tags()));
        print(out, StatusText.MEMBER_COLUMNS, rows, noFormat);
    }

    /**
     * Events as {@code TIME TYPE REVISION INSTANCE MESSAGE}.
     *
     * @param out where to print
     * @param events the events
     * @param noFormat {@code true} for tab-separated rows without header or borders
     */
    static void events(PrintStream out, List<GroupEvent> events, boolean noFormat) {
        print(out, StatusText.EVENT_COLUMNS, events.stream().map(StatusText::eventRow).toList(), noFormat);
    }

    /**
     * One event as a line of fixed-width columns, for {@code --follow}, where rows come one by one.
     *
     * @param e the event, or {@code null} for the header
     * @return the line
     */
    static String eventLine(GroupEvent e) {
        String format = "%-19s  %-17s  %-8s  %-20s  %s";
        return e == null ? String.format(format, StatusText.EVENT_COLUMNS.toArray()).stripTrailing()
                : String.format(format, StatusText.eventRow(e).toArray());
    }

    /**
     * Revisions as {@code REVISION CONFIG TIME SOURCE REASON}.
     *
     * @param out where to print
     * @param revisions the revisions, oldest first
     * @param noFormat {@code true} for tab-separated rows without header or borders
     */
    static void history(PrintStream out, List<Revision> revisions, boolean noFormat) {
        print(out, StatusText.REVISION_COLUMNS, revisions.stream().map(StatusText::revisionRow).toList(), noFormat);
    }

    private static void print(PrintStream out, List<String> columns, List<List<String>> rows, boolean noFormat) {
        ShellTable table = new ShellTable();
        columns.forEach(table::column);
        rows.forEach(row -> table.addRow().addContent(row.toArray()));
        table.print(out, !noFormat);
    }
}
