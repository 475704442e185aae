package io.infrakit.ops;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * {@code --watch}: draws a view, then draws it again each time it changes (polled every {@link Pacing#POLL}) until the
 * pacing says stop or Ctrl-C interrupts it. Nothing is printed while the view stays the same; successive views are
 * separated by a blank line.
 */
public final class Redraw {

    /**
     * Prints one view.
     *
     * @param <E> what drawing it throws
     */
    @ConsumerType
    @FunctionalInterface
    public interface View<E extends Exception> {

        /**
         * Prints the view once.
         *
         * @param out where to print it (UTF-8)
         * @throws E if it cannot be drawn
         */
        void print(PrintStream out) throws E;
    }

    private Redraw() {
    }

    /**
     * Draws a view, once or until stopped. Each view is drawn whole before it is printed, so a view that fails prints
     * nothing.
     *
     * @param <E> what drawing the view throws
     * @param out told the text to print each time it changes (the first view, then a blank line and the new one);
     *            it prints and flushes
     * @param watch {@code false} to draw it once
     * @param pacing the pause between polls, and when to stop
     * @param view the view
     * @throws E if the view cannot be drawn
     * @throws InterruptedException if a watch is interrupted (Ctrl-C), in a pause or while drawing a view that failed
     *         because of it: the way a watch ends, for the caller to end quietly
     */
    public static <E extends Exception> void run(Consumer<String> out, boolean watch, Pacing pacing, View<E> view)
            throws E, InterruptedException {
        String last = null;
        while (true) {
            String now = watch ? watched(view) : render(view);
            if (!now.equals(last)) {
                out.accept(last == null ? now : System.lineSeparator() + now);
                last = now;
            }
            if (!watch || pacing.stopped()) {
                return;
            }
            pacing.sleep(Pacing.POLL);
        }
    }

    private static <E extends Exception> String watched(View<E> view) throws E, InterruptedException {
        try {
            return render(view);
        } catch (Exception e) {
            Interruption.rethrowIfInterrupted(e);
            throw e;
        }
    }

    private static <E extends Exception> String render(View<E> view) throws E {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            view.print(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
