package io.infrakit.cli;

import io.infrakit.spi.instance.Description;

import java.io.PrintWriter;
import java.util.List;

/**
 * Tab-separated columns padded to fixed widths, as the original printed them with {@code %-Ns\t}: a cell
 * longer than its width is not cut, and the last column is not padded.
 */
final class Table {

    /** What the LOGICAL column shows for cattle, as the original printed it. */
    static final String NO_LOGICAL_ID = "  -   ";

    private final PrintWriter out;
    private final int[] widths;

    /**
     * @param out where to print
     * @param widths the widths of every column but the last
     */
    Table(PrintWriter out, int... widths) {
        this.out = out;
        this.widths = widths.clone();
    }

    /**
     * Prints one row.
     *
     * @param cells one more cell than there are widths
     */
    void row(String... cells) {
        if (cells.length != widths.length + 1) {
            throw new IllegalArgumentException("expected " + (widths.length + 1) + " cells, got " + cells.length);
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            line.append(cells[i]);
            line.append(" ".repeat(Math.max(0, widths[i] - cells[i].codePointCount(0, cells[i].length()))));
            line.append('\t');
        }
        out.println(line.append(cells[widths.length]));
    }

    /**
     * Prints one row.
     *
     * @param cells one more cell than there are widths
     */
    void row(List<String> cells) {
        row(cells.toArray(String[]::new));
    }

    /**
     * Prints instances as {@code ID LOGICAL TAGS} (the table of {@code group describe} and {@code instance describe}).
     *
     * @param out where to print
     * @param instances the instances, in the order to print them
     * @param quiet {@code true} to leave the header out
     */
    static void instances(PrintWriter out, List<Description> instances, boolean quiet) {
        Table table = new Table(out, 30, 30);
        if (!quiet) {
            table.row("ID", "LOGICAL", "TAGS");
        }
        for (Description d : instances) {
            table.row(d.id(), d.logicalID() == null ? NO_LOGICAL_ID : d.logicalID(), TagArguments.format(d.tags()));
        }
    }
}
