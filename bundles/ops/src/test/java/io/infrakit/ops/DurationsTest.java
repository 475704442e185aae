package io.infrakit.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Durations as people write them on a command line, and back. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({"90s, 90", "5m, 300", "1h, 3600", "1h30m, 5400", "2m5s, 125", "1h0m1s, 3601", "45, 45", "0, 0",
            "' 5m ', 300", "999999999, 999999999"})
    void durationsAreWrittenAsPeopleDo(String text, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"90, 1m30s", "300, 5m", "3600, 1h", "5400, 1h30m", "3601, 1h1s", "59, 59s", "0, 0s"})
    void durationsAreWrittenBackShort(long seconds, String text) {
        assertEquals(text, Durations.format(Duration.ofSeconds(seconds)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "m", "5x", "-5s", "1.5h", "5s1m", "5 minutes", "1234567890", "99999999999999999999h"})
    void notDurationsSaySoAndHowToWriteOne(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        assertEquals("'" + bad + "' is not a duration: write 90s, 5m, 1h, 1h30m or a number of seconds", e.getMessage());
    }

    @Test
    void nothingIsNotADuration() {
        assertEquals("'null' is not a duration: write 90s, 5m, 1h, 1h30m or a number of seconds",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse(null)).getMessage());
    }
}
