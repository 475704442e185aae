package io.infrakit.spi.instance;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChangeLogTest {

    private static InstanceChanges.Change gone(String id) {
        return new InstanceChanges.Change(id, Map.of("infrakit.group", "g"), InstanceChanges.Kind.GONE, null);
    }

    @Test
    void aFirstCallTellsWhereTheLogIsThenChangesComeInOrder() throws Exception {
        ChangeLog log = new ChangeLog(10);
        InstanceChanges.Changes start = log.since(0, 1000);
        assertEquals(List.of(), start.changes());
        assertFalse(start.reset());
        log.record(gone("a"));
        log.record(gone("b"));
        InstanceChanges.Changes next = log.since(start.seq(), 1000);
        assertEquals(List.of("a", "b"), next.changes().stream().map(InstanceChanges.Change::instance).toList());
        assertEquals(start.seq() + 2, next.seq());
        assertEquals(List.of(), log.since(next.seq(), 0).changes(), "nothing new, no wait asked: at once");
    }

    @Test
    void aWaitingCallerIsWokenByTheNextChange() throws Exception {
        ChangeLog log = new ChangeLog(10);
        long seq = log.since(0, 0).seq();
        CompletableFuture<InstanceChanges.Changes> waiting = waitAfter(log, seq);
        log.record(gone("c"));
        InstanceChanges.Changes woken = waiting.get(10, TimeUnit.SECONDS);
        assertEquals("c", woken.changes().get(0).instance());
    }

    @Test
    void aCallerThatMissedChangesOrCameFromAnotherLogIsToldToDescribeEverything() throws Exception {
        ChangeLog log = new ChangeLog(2);
        long seq = log.since(0, 0).seq();
        log.record(gone("a"));
        log.record(gone("b"));
        log.record(gone("c"));
        assertTrue(log.since(seq, 0).reset(), "the first change is no longer kept");
        assertFalse(log.since(seq + 1, 0).reset(), "b and c are");
        assertTrue(log.since(seq + 100, 0).reset(), "a number this log never gave (the plugin restarted)");
        assertTrue(log.since(1, 0).reset(), "a number older than this log");
    }

    @Test
    void closingAnswersTheWaitingCallersAtOnceWithAReset() throws Exception {
        ChangeLog log = new ChangeLog(10);
        long seq = log.since(0, 0).seq();
        CompletableFuture<InstanceChanges.Changes> waiting = waitAfter(log, seq);
        log.close();
        assertTrue(waiting.get(10, TimeUnit.SECONDS).reset());
        assertTrue(log.since(seq, InstanceChanges.MAX_WAIT_MILLIS).reset(), "and later callers, without waiting");
    }

    /** A caller waiting, on another thread, for the changes after {@code seq}. */
    private static CompletableFuture<InstanceChanges.Changes> waitAfter(ChangeLog log, long seq) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return log.since(seq, InstanceChanges.MAX_WAIT_MILLIS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
