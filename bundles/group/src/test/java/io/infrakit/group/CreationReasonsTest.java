package io.infrakit.group;

import io.infrakit.group.ConvergenceTest.Case;
import io.infrakit.spi.group.GroupEvent.Cause;
import io.infrakit.spi.group.GroupState.Phase;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.infrakit.group.Given.LONG_AGO;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Why each creation of a decision is made, as a table: a group as {@link ConvergenceTest} builds it, the members lost
 * since the last cycle, what a rollout is doing, and the reason of every creation in order. The cause of a
 * replacement is the cause its member was removed for.
 */
class CreationReasonsTest {

    private static final String ROLLOUT = "rolling update to configuration new";

    private static Arguments row(String name, Case c, List<String> lost, String rollout, Reason... expected) {
        return Arguments.of(name, c, lost, rollout, List.of(expected));
    }

    private static Reason missing(String text) {
        return new Reason(text, Cause.MISSING);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("a group smaller than its size", Case.size(4, "").at("new", "a", "b"), List.of(), null,
                        missing("the group has fewer than 4 members"), missing("the group has fewer than 4 members")),
                row("a lost member is replaced", Case.size(3, "").at("new", "a", "b"), List.of("x"), null,
                        missing("replacing x, lost")),
                row("an unhealthy member is replaced", Case.size(3, "").at("new", "a", "b", "c").unhealthy("c", LONG_AGO), List.of(), null,
                        new Reason("replacing c, unhealthy", Cause.UNHEALTHY)),
                row("an unhealthy member and a lost one: one creation each",
                        Case.size(3, "\"MaxUnavailable\":2").at("new", "a", "b").unhealthy("b", LONG_AGO), List.of("x"), null,
                        new Reason("replacing b, unhealthy", Cause.UNHEALTHY), missing("replacing x, lost")),
                row("an unhealthy member in a group too small: the rest are missing",
                        Case.size(3, "\"MaxUnavailable\":2").at("new", "a", "b").unhealthy("b", LONG_AGO), List.of(), null,
                        new Reason("replacing b, unhealthy", Cause.UNHEALTHY), missing("the group has fewer than 3 members")),
                row("a rollout's replacement", Case.size(3, "").at("old", "a", "b", "c").phase(Phase.RUNNING), List.of(), ROLLOUT,
                        new Reason(ROLLOUT, Cause.ROLLING)),
                row("a rollout's surge, before anything is removed",
                        Case.size(3, "\"MaxUnavailable\":0,\"MaxSurge\":1").at("old", "a", "b", "c").phase(Phase.RUNNING), List.of(), ROLLOUT,
                        new Reason(ROLLOUT, Cause.ROLLING)),
                row("a member rolled by a rollout from an unknown configuration: its removal's reason",
                        Case.size(3, "").at("old", "a", "b", "c").phase(Phase.RUNNING), List.of("x"), null,
                        new Reason("rolling update to new", Cause.ROLLING)),
                row("a quorum's rolled member", Case.quorum("x,y,z", "").pets("old", "a=x", "b=y", "c=z").phase(Phase.RUNNING), List.of(), ROLLOUT,
                        new Reason("logical ID x is missing", Cause.ROLLING)),
                row("a quorum's unhealthy member", Case.quorum("x,y,z", "").pets("new", "a=x", "b=y", "c=z").unhealthy("b", LONG_AGO),
                        List.of(), null, new Reason("logical ID y is missing", Cause.UNHEALTHY)),
                row("a quorum's missing members, during a rollout too", Case.quorum("x,y,z", "").pets("new", "a=x"), List.of("b"), ROLLOUT,
                        missing("logical ID y is missing"), missing("logical ID z is missing")),
                row("a quorum's undeclared member goes, the missing one is created for itself",
                        Case.quorum("x,y,z", "").pets("new", "a=x", "b=y", "c=w"), List.of(), null, missing("logical ID z is missing")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachCreationHasItsReason(String name, Case c, List<String> lost, String rollout, List<Reason> expected) {
        Convergence.Decision d = c.decide();
        CreationReasons reasons = new CreationReasons(d, lost, rollout, c.input().properties().targetSize());
        int count = d.create() + d.createLogicalIDs().size();
        List<Reason> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            got.add(reasons.of(i));
        }
        assertEquals(expected, got);
    }
}
