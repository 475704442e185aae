package io.infrakit.group;

import io.infrakit.spi.instance.InstanceChanges.Change;
import io.infrakit.spi.instance.InstanceChanges.Changes;
import io.infrakit.spi.instance.InstanceChanges.Kind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which groups an instance plugin's answer wakes, as a table; and what a wake includes. */
class WakeTest {

    private static Change of(String group) {
        return new Change("i-" + group, group == null ? Map.of("tier", "web") : Map.of("infrakit.group", group, "tier", "web"), Kind.GONE, null);
    }

    private static Changes answer(boolean reset, Change... changes) {
        return new Changes(100, List.of(changes), reset);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("the wait ended: nobody", answer(false), Wake.NOBODY),
                Arguments.of("a change of a member wakes its group", answer(false, of("web")), new Wake(false, Set.of("web"))),
                Arguments.of("changes of two groups wake both, once each", answer(false, of("web"), of("db"), of("web")),
                        new Wake(false, Set.of("web", "db"))),
                Arguments.of("a change without the group tag wakes every group", answer(false, of(null)), Wake.EVERY_GROUP),
                Arguments.of("even among tagged ones", answer(false, of("web"), of(null), of("db")), Wake.EVERY_GROUP),
                Arguments.of("an empty group tag is no group", answer(false, new Change("i", Map.of("infrakit.group", ""), Kind.CHANGED, null)),
                        Wake.EVERY_GROUP),
                Arguments.of("a reset wakes every group", answer(true), Wake.EVERY_GROUP),
                Arguments.of("a reset with tagged changes still every group", answer(true, of("web")), Wake.EVERY_GROUP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theGroupsAnAnswerWakes(String name, Changes answer, Wake expected) {
        assertEquals(expected, Wake.of(answer));
    }

    @Test
    void fiveHundredChangesOfOneGroupWakeItOnce() {
        List<Change> burst = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            burst.add(of("web"));
        }
        assertEquals(new Wake(false, Set.of("web")), Wake.of(new Changes(500, burst, false)));
    }

    @Test
    void whoIsIncluded() {
        Wake web = new Wake(false, Set.of("web"));
        assertTrue(web.includes("web"));
        assertFalse(web.includes("db"));
        assertFalse(web.isNobody());
        assertTrue(Wake.EVERY_GROUP.includes("db"));
        assertFalse(Wake.EVERY_GROUP.isNobody());
        assertFalse(Wake.NOBODY.includes("web"));
        assertTrue(Wake.NOBODY.isNobody());
        assertThrows(UnsupportedOperationException.class, () -> web.groups().add("db"), "the set is a copy, and unmodifiable");
    }
}
