package io.infrakit.cli;

import io.infrakit.ops.ScriptedGroupControl;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.group.GroupStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code infrakit group status ID --wait}: its exit status for a deploy script (0 converged, 1 failed, rolled back or
 * timed out) and its progress lines, with the fake's status driven through a sequence on a virtual clock.
 */
class StatusWaitTest {

    private CliFixture fx;
    private final ScriptedGroupControl control = new ScriptedGroupControl();

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.GROUP, "group", null, new Fakes.Groups());
        fx.serve(Spi.GROUP_CONTROL, "group", null, control);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    static GroupStatus status(String word, int current, int ready, int upToDate, String update, String error) {
        return new GroupStatus("cattle", 3, current, ready, upToDate, word, 2, "sha2", update, error, List.of());
    }

    @Test
    void convergedExitsZeroAfterALineForEachChange() {
        control.answering(
                status("Rolling", 3, 3, 1, "Rolling update", null),
                status("Rolling", 3, 3, 1, "Rolling update", null),
                status("Rolling", 4, 3, 2, "Rolling update", null),
                status("Converged", 3, 3, 3, null, null));
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait");
        assertEquals(new CliFixture.Run(0, """
                Waiting for group cattle (Rolling, revision 2): 1 of 3 members up to date, 3 ready, 3 current
                Waiting for group cattle (Rolling, revision 2): 2 of 3 members up to date, 3 ready, 4 current
                Group cattle converged (revision 2): 3 of 3 members up to date, 3 ready
                """, ""), run);
        assertEquals(4, control.statusCalls.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), fx.pacing.slept, "polled every second");
    }

    @Test
    void aConvergedWordWhoseCountsLagIsNotTheEnd() {
        control.answering(status("Converged", 3, 3, 1, null, null), status("Converged", 3, 3, 3, null, null));
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait");
        assertEquals(0, run.status());
        assertEquals(2, control.statusCalls.get(), "the first status still counted members of the old configuration");
    }

    @Test
    void aFailedRolloutExitsOneSayingWhy() {
        control.answering(
                status("Rolling", 3, 2, 1, "Rolling update", null),
                status("Failed", 3, 2, 1, "The rollout to configuration sha2 failed: instance-4 stayed unhealthy",
                        "Rolling update stopped: instance-4 stayed unhealthy"));
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait");
        assertEquals(new CliFixture.Run(1,
                "Waiting for group cattle (Rolling, revision 2): 1 of 3 members up to date, 2 ready, 3 current\n",
                "level=fatal msg=\"Group cattle: Failed: The rollout to configuration sha2 failed: instance-4 stayed unhealthy "
                        + "(Rolling update stopped: instance-4 stayed unhealthy)\"\n"), run);
    }

    @Test
    void aRolledBackRolloutExitsOne() {
        control.answering(status("RolledBack", 3, 3, 3, "Rolled back to configuration sha1 because the rollout to sha2 failed: timeout", null));
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait");
        assertEquals(new CliFixture.Run(1, "",
                "level=fatal msg=\"Group cattle: RolledBack: Rolled back to configuration sha1 because the rollout to sha2 failed: timeout\"\n"), run);
    }

    @Test
    void theTimeoutExitsOneSayingSo() {
        control.answering(status("Paused", 3, 3, 1, "Paused: 1 of 3 instances have configuration sha2", null));
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait", "--timeout", "5s");
        assertEquals(new CliFixture.Run(1,
                "Waiting for group cattle (Paused, revision 2): 1 of 3 members up to date, 3 ready, 3 current\n",
                "level=fatal msg=\"Timed out after 5s waiting for group cattle to converge; last seen: Paused, revision 2, "
                        + "1 of 3 members up to date, 3 ready, 3 current\"\n"), run);
        assertEquals(Duration.ofSeconds(5), fx.pacing.total());
        assertEquals(6, control.statusCalls.get(), "at 0, 1, 2, 3, 4 and 5 seconds");
    }

    @Test
    void theDefaultTimeoutIsFiveMinutes() {
        control.answering(status("Rolling", 3, 3, 1, null, null));
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait");
        assertEquals(1, run.status());
        assertEquals(Duration.ofMinutes(5), fx.pacing.total());
    }

    @Test
    void aZeroTimeoutWaitsAsLongAsItTakes() {
        GroupStatus rolling = status("Rolling", 3, 3, 1, null, null);
        GroupStatus[] sequence = new GroupStatus[320];
        java.util.Arrays.fill(sequence, rolling);
        sequence[319] = status("Converged", 3, 3, 3, null, null);
        control.answering(sequence);
        assertEquals(0, fx.run("group", "status", "cattle", "--wait", "--timeout", "0").status());
        assertEquals(Duration.ofSeconds(319), fx.pacing.total(), "past the default of 5 minutes");
    }

    @Test
    void waitWithJsonPrintsTheLastStatusOnly() {
        control.answering(status("Rolling", 3, 3, 1, null, null), status("Converged", 3, 3, 3, null, null));
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait", "--json");
        assertEquals(0, run.status());
        assertEquals("{", run.outLines().get(0));
        assertEquals("  \"Status\": \"Converged\",", run.outLines().get(6));
    }

    @Test
    void aBadTimeoutIsAUsageError() {
        CliFixture.Run run = fx.run("group", "status", "cattle", "--wait", "--timeout", "5 minutes");
        assertEquals(2, run.status());
        assertEquals("Invalid value for option '--timeout': '5 minutes' is not a duration: write 90s, 5m, 1h, 1h30m or a number of seconds",
                run.errLine());
        assertEquals(0, control.statusCalls.get());
    }
}
