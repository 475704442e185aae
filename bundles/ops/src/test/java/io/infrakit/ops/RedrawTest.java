package io.infrakit.ops;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --watch}: a view drawn again only when it changes, until stopped or interrupted, on a virtual clock. */
class RedrawTest {

    private static final String NL = System.lineSeparator();

    private final TestPacing pacing = new TestPacing();
    private final List<String> printed = new ArrayList<>();
    private int draws;

    @AfterEach
    void noInterruptLeftBehind() {
        assertFalse(Thread.interrupted(), "the test thread's interrupt flag is left clear");
    }

    /** A view that shows each text in turn, then the last one again. */
    private Redraw.View<RuntimeException> showing(String... texts) {
        return out -> out.print(texts[Math.min(draws++, texts.length - 1)]);
    }

    @Test
    void withoutWatchTheViewIsDrawnOnce() throws Exception {
        Redraw.run(printed::add, false, pacing, showing("ID\ncattle\n", "ID\ncattle\npets\n"));
        assertEquals(List.of("ID\ncattle\n"), printed);
        assertEquals(1, draws);
        assertEquals(List.of(), pacing.slept, "no pause");
    }

    @Test
    void aWatchPrintsAgainOnlyWhenTheViewChangesUntilStopped() throws Exception {
        pacing.stopAfterPauses = 4;
        Redraw.run(printed::add, true, pacing, showing("one\n", "one\n", "two\n", "two\n", "three\n"));
        assertEquals(List.of("one\n", NL + "two\n", NL + "three\n"), printed, "a blank line between views");
        assertEquals(5, draws, "drawn at each poll, the last after the fourth pause");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), pacing.slept);
    }

    @Test
    void ctrlCInAPauseEndsTheWatchAfterWhatWasPrinted() {
        pacing.interruptAtPause = 3;
        assertThrows(InterruptedException.class, () -> Redraw.run(printed::add, true, pacing, showing("one\n", "two\n")));
        assertEquals(List.of("one\n", NL + "two\n"), printed);
        assertEquals(3, draws);
    }

    @Test
    void aViewIsDrawnWholeBeforeItIsPrintedAndItsFailureIsTheCallers() {
        IOException gone = new IOException("the plugin is gone");
        Redraw.View<IOException> failing = out -> {
            out.print("half a view");
            throw gone;
        };
        assertSame(gone, assertThrows(IOException.class, () -> Redraw.run(printed::add, false, pacing, failing)));
        assertSame(gone, assertThrows(IOException.class, () -> Redraw.run(printed::add, true, pacing, failing)));
        assertEquals(List.of(), printed);
    }

    @Test
    void aViewThatFailsBecauseOfCtrlCEndsTheWatch() {
        IOException broken = new IOException("connection closed");
        Redraw.View<IOException> interrupted = out -> {
            Thread.currentThread().interrupt(); // Ctrl-C during the call, which fails because of it
            throw broken;
        };
        InterruptedException e = assertThrows(InterruptedException.class, () -> Redraw.run(printed::add, true, pacing, interrupted));
        assertSame(broken, e.getCause());
    }

    @Test
    void drawnOnceAViewThatFailsFailsEvenWhenInterrupted() {
        IOException broken = new IOException("connection closed");
        Redraw.View<IOException> interrupted = out -> {
            Thread.currentThread().interrupt();
            throw broken;
        };
        assertSame(broken, assertThrows(IOException.class, () -> Redraw.run(printed::add, false, pacing, interrupted)));
        assertTrue(Thread.interrupted(), "the interrupt is the caller's to handle");
    }

    @Test
    void textIsKeptAsItIs() throws Exception {
        Redraw.run(printed::add, false, pacing, out -> out.println("Größe — 3 × ✓"));
        assertEquals(List.of("Größe — 3 × ✓" + NL), printed);
    }
}
