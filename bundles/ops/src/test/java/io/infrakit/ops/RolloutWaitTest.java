package io.infrakit.ops;

import io.infrakit.spi.group.GroupStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The wait of {@code status --wait}: how it ends (converged, failed or rolled back, timed out), what it says on the
 * way, and how often it asks, on a virtual clock.
 */
class RolloutWaitTest {

    private final TestPacing pacing = new TestPacing();
    private final List<String> progress = new ArrayList<>();
    private final Statuses source = new Statuses();

    @AfterEach
    void noInterruptLeftBehind() {
        assertFalse(Thread.interrupted(), "the test thread's interrupt flag is left clear");
    }

    static GroupStatus status(String word, int current, int ready, int upToDate, String update, String error) {
        return new GroupStatus("cattle", 3, current, ready, upToDate, word, 2, "sha2", update, error, List.of());
    }

    @ParameterizedTest
    @CsvSource({
            "Converged,   3, 3, 3, CONVERGED",
            "Converged,   3, 0, 3, CONVERGED",
            "Converged,   4, 3, 3, WAITING",
            "Converged,   3, 3, 2, WAITING",
            "Rolling,     3, 3, 3, WAITING",
            "Paused,      3, 3, 1, WAITING",
            "Stopped,     3, 3, 1, WAITING",
            "Error,       3, 3, 3, WAITING",
            "Failed,      3, 3, 1, FAILED",
            "RolledBack,  3, 3, 3, FAILED",
            "RollingBack, 3, 3, 1, WAITING"})
    void theOutcomeOfOneStatus(String word, int current, int ready, int upToDate, RolloutWait.Outcome outcome) {
        assertEquals(outcome, RolloutWait.outcome(new GroupStatus("g", 3, current, ready, upToDate, word, 0, null, null, null, null)));
    }

    @Test
    void convergedEndsWellAfterALineForEachChange() throws Exception {
        source.answering(
                status("Rolling", 3, 3, 1, "Rolling update", null),
                status("Rolling", 3, 3, 1, "Rolling update", null),
                status("Rolling", 4, 3, 2, "Rolling update", null),
                status("Converged", 3, 3, 3, null, null));
        RolloutWait.Result result = RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add);
        assertEquals(RolloutWait.Outcome.CONVERGED, result.outcome());
        assertEquals("Group cattle converged (revision 2): 3 of 3 members up to date, 3 ready", result.message());
        assertEquals(List.of(
                "Waiting for group cattle (Rolling, revision 2): 1 of 3 members up to date, 3 ready, 3 current",
                "Waiting for group cattle (Rolling, revision 2): 2 of 3 members up to date, 3 ready, 4 current"), progress);
        assertEquals(4, source.calls);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), pacing.slept, "polled every second");
    }

    @Test
    void aConvergedWordWhoseCountsLagIsNotTheEnd() throws Exception {
        source.answering(status("Converged", 3, 3, 1, null, null), status("Converged", 3, 3, 3, null, null));
        RolloutWait.Result result = RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add);
        assertEquals(RolloutWait.Outcome.CONVERGED, result.outcome());
        assertEquals(2, source.calls, "the first status still counted members of the old configuration");
        assertSame(source.last, result.status());
    }

    @Test
    void withoutRevisionOrStatusWordNeitherIsGuessed() throws Exception {
        source.answering(new GroupStatus("pets", 2, 0, 0, 0, null, 0, null, null, "instance plugin instance-file not found", null),
                new GroupStatus("pets", 2, 2, 2, 2, "Converged", 0, null, null, null, null));
        RolloutWait.Result result = RolloutWait.await(source, Duration.ZERO, pacing, progress::add);
        assertEquals(List.of("Waiting for group pets (-): 0 of 2 members up to date, 0 ready, 0 current; instance plugin instance-file not found"),
                progress);
        assertEquals("Group pets converged: 2 of 2 members up to date, 2 ready", result.message());
    }

    @Test
    void aFailedRolloutSaysWhyWithTheErrorWhenItAddsToTheUpdate() throws Exception {
        source.answering(
                status("Rolling", 3, 2, 1, "Rolling update", null),
                status("Failed", 3, 2, 1, "The rollout to configuration sha2 failed: instance-4 stayed unhealthy",
                        "Rolling update stopped: instance-4 stayed unhealthy"));
        RolloutWait.Result result = RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add);
        assertEquals(RolloutWait.Outcome.FAILED, result.outcome());
        assertEquals("Group cattle: Failed: The rollout to configuration sha2 failed: instance-4 stayed unhealthy "
                + "(Rolling update stopped: instance-4 stayed unhealthy)", result.message());
        assertEquals(List.of("Waiting for group cattle (Rolling, revision 2): 1 of 3 members up to date, 2 ready, 3 current"), progress);
    }

    @Test
    void aFailedRolloutSaysTheErrorOnceTheErrorAloneOrThatNoReasonWasGiven() throws Exception {
        source.answering(status("Failed", 3, 2, 1, "Rollout failed: disk full", "disk full"));
        assertEquals("Group cattle: Failed: Rollout failed: disk full",
                RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add).message());
        source.answering(status("Failed", 3, 2, 1, null, "disk full"));
        assertEquals("Group cattle: Failed: disk full", RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add).message());
        source.answering(status("Failed", 3, 2, 1, null, null));
        assertEquals("Group cattle: Failed: no reason given", RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add).message());
    }

    @Test
    void aRolledBackRolloutFailsAtOnce() throws Exception {
        source.answering(status("RolledBack", 3, 3, 3, "Rolled back to configuration sha1 because the rollout to sha2 failed: timeout", null));
        RolloutWait.Result result = RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add);
        assertEquals(new RolloutWait.Result(RolloutWait.Outcome.FAILED, source.last,
                "Group cattle: RolledBack: Rolled back to configuration sha1 because the rollout to sha2 failed: timeout"), result);
        assertEquals(List.of(), progress);
        assertEquals(List.of(), pacing.slept);
    }

    @Test
    void theTimeoutEndsItSayingWhatWasLastSeen() throws Exception {
        source.answering(status("Paused", 3, 3, 1, "Paused: 1 of 3 instances have configuration sha2", null));
        RolloutWait.Result result = RolloutWait.await(source, Duration.ofSeconds(5), pacing, progress::add);
        assertEquals(RolloutWait.Outcome.TIMED_OUT, result.outcome());
        assertEquals("Timed out after 5s waiting for group cattle to converge; last seen: Paused, revision 2, "
                + "1 of 3 members up to date, 3 ready, 3 current", result.message());
        assertEquals(List.of("Waiting for group cattle (Paused, revision 2): 1 of 3 members up to date, 3 ready, 3 current"), progress);
        assertEquals(Duration.ofSeconds(5), pacing.total());
        assertEquals(6, source.calls, "at 0, 1, 2, 3, 4 and 5 seconds");
    }

    @Test
    void theLastPauseEndsAtTheTimeout() throws Exception {
        source.answering(status("Rolling", 3, 3, 1, null, null));
        RolloutWait.Result result = RolloutWait.await(source, Duration.ofMillis(2500), pacing, progress::add);
        assertEquals(RolloutWait.Outcome.TIMED_OUT, result.outcome());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500)), pacing.slept);
        assertEquals(4, source.calls);
    }

    @Test
    void aZeroTimeoutWaitsAsLongAsItTakes() throws Exception {
        GroupStatus[] sequence = new GroupStatus[320];
        Arrays.fill(sequence, status("Rolling", 3, 3, 1, null, null));
        sequence[319] = status("Converged", 3, 3, 3, null, null);
        source.answering(sequence);
        assertEquals(RolloutWait.Outcome.CONVERGED, RolloutWait.await(source, Duration.ZERO, pacing, progress::add).outcome());
        assertEquals(Duration.ofSeconds(319), pacing.total(), "past 5 minutes");
    }

    @Test
    void aReadThatFailsEndsTheWaitWithTheCallersException() {
        source.answering(status("Rolling", 3, 3, 1, null, null));
        IOException refused = new IOException("the plugin is gone");
        RolloutWait.Source<IOException> failing = () -> {
            if (source.calls == 1) {
                throw refused;
            }
            return source.get();
        };
        assertSame(refused, assertThrows(IOException.class, () -> RolloutWait.await(failing, Duration.ofMinutes(5), pacing, progress::add)));
        assertEquals(1, pacing.slept.size());
    }

    @Test
    void ctrlCInAPauseEndsTheWait() {
        source.answering(status("Rolling", 3, 3, 1, null, null));
        pacing.interruptAtPause = 3;
        assertThrows(InterruptedException.class, () -> RolloutWait.await(source, Duration.ofMinutes(5), pacing, progress::add));
        assertEquals(3, source.calls);
        assertEquals(1, progress.size());
    }

    @Test
    void aReadThatFailsBecauseOfCtrlCIsTheInterruption() {
        IOException broken = new IOException("connection closed");
        RolloutWait.Source<IOException> interrupted = () -> {
            Thread.currentThread().interrupt(); // Ctrl-C during the call, which fails because of it
            throw broken;
        };
        InterruptedException e = assertThrows(InterruptedException.class,
                () -> RolloutWait.await(interrupted, Duration.ofMinutes(5), pacing, progress::add));
        assertSame(broken, e.getCause());
    }

    /** Answers a sequence of statuses, then the last one again. */
    private static final class Statuses implements RolloutWait.Source<RuntimeException> {
        private final Deque<GroupStatus> next = new ArrayDeque<>();
        GroupStatus last;
        int calls;

        void answering(GroupStatus... statuses) {
            next.clear();
            next.addAll(List.of(statuses));
        }

        @Override
        public GroupStatus get() {
            calls++;
            if (!next.isEmpty()) {
                last = next.poll();
            }
            return last;
        }
    }
}
