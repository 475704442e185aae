package io.infrakit.shell;

import io.infrakit.spi.instance.Description;

import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.List;

/**
 * The {@code ID / LOGICAL / TAGS} table of instances that {@code group-describe} and
 * {@code instance-describe} print, as the Go CLI's describe commands do: {@code -} when there is no
 * logical ID, tags as sorted, comma-joined {@code k=v}.
 */
final class DescriptionTable {

    /** What the logical ID column shows for cattle. */
    static final String NO_LOGICAL_ID = "-";

    private DescriptionTable() {
    }

    /**
     * Prints instances.
     *
     * @param out where to print
     * @param instances the instances
     * @param noFormat {@code true} for tab-separated rows without header or borders
     * @param quiet {@code true} to print only the IDs, one per line
     */
    static void print(PrintStream out, List<Description> instances, boolean noFormat, boolean quiet) {
        if (quiet) {
            instances.forEach(d -> out.println(d.id()));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("LOGICAL");
        table.column("TAGS");
        for (Description d : instances) {
            String logical = d.logicalID() == null || d.logicalID().isEmpty() ? NO_LOGICAL_ID : d.logicalID();
            table.addRow().addContent(d.id(), logical, TagText.format(d.tags()));
        }
        table.print(out, !noFormat);
    }
}
