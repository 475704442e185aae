package io.infrakit.group;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How long a change watcher waits before asking a plugin again, as tables. */
class ChangeBackoffTest {

    @ParameterizedTest(name = "after {0} failure(s): {1} ms")
    @CsvSource({
        "0, 1000",     // never asked for: the first delay
        "1, 1000",
        "2, 2000",
        "3, 4000",
        "4, 8000",
        "5, 16000",
        "6, 30000",    // 32 s, capped
        "7, 30000",
        "40, 30000",   // no overflow however long it fails
        "2147483647, 30000"})
    void failuresDoubleTheDelayFromOneSecondToThirty(int failures, long millis) {
        assertEquals(millis, ChangeBackoff.DEFAULT.afterFailures(failures));
    }

    @ParameterizedTest(name = "after {0}, empty {1}, in {2} ms: wait {3} ms")
    @CsvSource({
        "0, true, 0, 0",          // the first call is answered at once by design
        "7, false, 0, 0",         // changes: ask again at once
        "7, true, 30000, 0",      // the wait ended: ask again at once
        "7, true, 1000, 0",       // a plugin granting a short wait is waiting
        "7, true, 999, 1000",     // an empty answer at once: that plugin does not wait
        "7, true, 0, 1000"})
    void anEmptyAnswerAtOnceIsNotAskedAgainAtOnce(long after, boolean empty, long took, long wait) {
        assertEquals(wait, ChangeBackoff.DEFAULT.afterAnswer(after, empty, took));
    }

    @Test
    void theDefaults() {
        assertEquals(new ChangeBackoff(1_000, 30_000, 60_000), ChangeBackoff.DEFAULT);
        assertEquals(300, new ChangeBackoff(100, 300, 5).afterFailures(3), "capped at its own longest delay");
    }
}
