package io.infrakit.cli;

import io.infrakit.ops.StatusText;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.Description;

import java.io.PrintWriter;
import java.util.List;

/**
 * How the group verbs lay out what {@code GroupControl} answers, in the original's tab-separated columns
 * ({@link Table}): the {@code ls} table, the summary of {@code describe} and {@code status}, the member table with
 * health, the journal and the revisions. The texts and cells are {@link StatusText}'s, which the shell shares.
 */
final class GroupViews {

    private GroupViews() {
    }

    /**
     * The {@code group ls} table: one group per row, as {@code kubectl get deployments}.
     *
     * @param out where to print
     * @param groups the statuses
     * @param quiet {@code true} to print only the IDs
     */
    static void statuses(PrintWriter out, List<GroupStatus> groups, boolean quiet) {
        if (quiet) {
            groups.forEach(g -> out.println(g.id()));
            return;
        }
        Table table = new Table(out, 20, 8, 8, 8, 10, 8);
        table.row(StatusText.STATUS_COLUMNS);
        groups.forEach(g -> table.row(StatusText.statusRow(g)));
    }

    /**
     * The summary above the members in {@code describe}, and the output of {@code status}.
     *
     * @param out where to print
     * @param s the status
     */
    static void summary(PrintWriter out, GroupStatus s) {
        StatusText.summary(s).forEach(out::println);
    }

    /**
     * The member table of {@code describe}: the original's columns with each member's health and whether it is up
     * to date, from the status's members matched by instance ID.
     *
     * @param out where to print
     * @param instances the members, as the group plugin describes them
     * @param s the status, whose members say health and configuration
     */
    static void members(PrintWriter out, List<Description> instances, GroupStatus s) {
        Table table = new Table(out, 30, 30, 10, 10);
        table.row(StatusText.MEMBER_COLUMNS);
        StatusText.memberRows(instances, s, d -> d.logicalID() == null ? Table.NO_LOGICAL_ID : d.logicalID(),
                d -> TagArguments.format(d.tags())).forEach(table::row);
    }

    /**
     * Events as {@code TIME TYPE REVISION INSTANCE MESSAGE}, the time in local ISO form.
     *
     * @param out where to print
     * @param events the events
     * @param header {@code true} to print the header first
     */
    static void events(PrintWriter out, List<GroupEvent> events, boolean header) {
        Table table = new Table(out, 20, 18, 8, 20);
        if (header) {
            table.row(StatusText.EVENT_COLUMNS);
        }
        events.forEach(e -> table.row(StatusText.eventRow(e)));
    }

    /**
     * Revisions as {@code REVISION CONFIG TIME SOURCE REASON}.
     *
     * @param out where to print
     * @param revisions the revisions, oldest first
     */
    static void history(PrintWriter out, List<Revision> revisions) {
        Table table = new Table(out, 8, 32, 20, 10);
        table.row(StatusText.REVISION_COLUMNS);
        revisions.forEach(r -> table.row(StatusText.revisionRow(r)));
    }
}
