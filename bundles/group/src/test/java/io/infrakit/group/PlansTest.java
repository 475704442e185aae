package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupState.Phase;
import io.infrakit.spi.group.GroupState.Rollout;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static io.infrakit.group.Given.members;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The plan texts a commit answers with, word for word: clients and scripts match on them. */
class PlansTest {

    private static final GroupState NONE = GroupState.NONE;

    private static String plan(GroupProperties current, GroupProperties next, String currentSha, String nextSha,
                               List<Description> members) throws PluginException {
        return Plans.update(current, next, currentSha, nextSha, members, NONE);
    }

    private static List<Description> mixed(int old, int fresh) {
        List<Description> out = new ArrayList<>(members("old", Given.ids("o", old)));
        out.addAll(members("new", Given.ids("n", fresh)));
        return out;
    }

    @Test
    void aNewGroupIsManaged() {
        assertEquals("Managing 5 instances", Plans.manage(Given.size(5, "")));
        assertEquals("Managing 3 instances", Plans.manage(Given.quorum("x,y,z", "")));
    }

    @Test
    void theSameConfigurationAndSizeIsANoop() throws Exception {
        assertEquals("Noop", plan(Given.size(3, ""), Given.size(3, ""), "new", "new", mixed(0, 3)));
    }

    @Test
    void aNewHashThatEveryMemberHasAlreadyNeedsNoRestart() throws Exception {
        assertEquals("Adjusting the instance configuration, no restarts necessary",
                plan(Given.size(3, ""), Given.size(3, ""), "old", "new", mixed(0, 3)));
    }

    @Test
    void resizingAlone() throws Exception {
        assertEquals("Adding 2 instances to increase the group size to 5", plan(Given.size(3, ""), Given.size(5, ""), "new", "new", mixed(0, 3)));
        assertEquals("Terminating 2 instances to reduce the group size to 3",
                plan(Given.size(5, ""), Given.size(3, ""), "new", "new", mixed(0, 5)));
    }

    @Test
    void rollingAlone() throws Exception {
        assertEquals("Performing a rolling update on 3 instances", plan(Given.size(3, ""), Given.size(3, ""), "old", "new", mixed(3, 0)));
        assertEquals("Performing a rolling update on 1 instances", plan(Given.size(3, ""), Given.size(3, ""), "old", "new", mixed(1, 2)),
                "only the members not at the new configuration are rolled");
    }

    @Test
    void aMemberWithoutTagsIsRolled() throws Exception {
        List<Description> members = mixed(0, 2);
        members.add(new Description("bare", null, null));
        assertEquals("Performing a rolling update on 1 instances", plan(Given.size(3, ""), Given.size(3, ""), "new", "new", members));
    }

    @Test
    void shrinkingAndRollingHasTheOriginalsTwoSpaces() throws Exception {
        assertEquals("Terminating 2 instances to reduce the group size to 3,  then performing a rolling update on 3 instances",
                plan(Given.size(5, ""), Given.size(3, ""), "old", "new", mixed(5, 0)), "no more than the new size is rolled");
    }

    @Test
    void growingAndRollingAddsFirst() throws Exception {
        assertEquals("Adding 5 instances to increase the group size to 10, then performing a rolling update on 5 instances",
                plan(Given.size(5, ""), Given.size(10, ""), "old", "new", mixed(5, 0)));
    }

    @Test
    void quorumPlans() throws Exception {
        GroupProperties q = Given.quorum("x,y,z", "");
        List<Description> fresh = List.of(Given.pet("a", "x", "new"), Given.pet("b", "y", "new"), Given.pet("c", "z", "new"));
        List<Description> oneOld = List.of(Given.pet("a", "x", "old"), Given.pet("b", "y", "new"), Given.pet("c", "z", "new"));
        assertEquals("Noop", plan(q, q, "new", "new", fresh));
        assertEquals("Adjusting the instance configuration, no restarts necessary", plan(q, q, "old", "new", fresh));
        assertEquals("Performing a rolling update on 3 instances", plan(q, q, "old", "new", oneOld), "the original counts the logical IDs");
    }

    @Test
    void aQuorumsLogicalIDsCannotChange() {
        PluginException e = assertThrows(PluginException.class,
                () -> plan(Given.quorum("x,y,z", ""), Given.quorum("x,y,w", ""), "new", "new", List.of()));
        assertEquals("Logical ID changes to a quorum is not currently supported", e.getMessage());
        assertThrows(PluginException.class, () -> plan(Given.quorum("x,y,z", ""), Given.quorum("x,y", ""), "new", "new", List.of()));
    }

    @Test
    void aGroupCannotMoveBetweenSizeAndLogicalIDs() {
        String message = "Changing a group between Size and LogicalIDs is not supported; free or destroy it first";
        assertEquals(message, assertThrows(PluginException.class,
                () -> plan(Given.size(3, ""), Given.quorum("x,y,z", ""), "new", "new", List.of())).getMessage());
        assertEquals(message, assertThrows(PluginException.class,
                () -> plan(Given.quorum("x,y,z", ""), Given.size(3, ""), "new", "new", List.of())).getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"FAILED", "ROLLING_BACK", "ROLLED_BACK"})
    void recommittingAConfigurationWhoseRolloutFailedSaysItIsNotRetried(Phase phase) throws Exception {
        GroupState failed = new GroupState(new Rollout("new", "old", 1, phase, "Instance n stayed unhealthy for 10 s"), null, false);
        assertEquals("Noop: the rollout to configuration new failed (Instance n stayed unhealthy for 10 s) and is not retried;"
                        + " commit a changed configuration to roll again",
                Plans.update(Given.size(3, ""), Given.size(3, ""), "new", "new", mixed(2, 1), failed));
        assertEquals("Adding 2 instances to increase the group size to 5: the rollout to configuration new failed"
                        + " (Instance n stayed unhealthy for 10 s) and is not retried; commit a changed configuration to roll again",
                Plans.update(Given.size(3, ""), Given.size(5, ""), "new", "new", mixed(2, 1), failed), "old members are not rolled");
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"RUNNING", "DONE"})
    void recommittingARunningOrDoneRolloutIsPlannedAsUsual(Phase phase) throws Exception {
        GroupState s = new GroupState(new Rollout("new", "old", 1, phase, null), null, false);
        assertEquals("Performing a rolling update on 2 instances",
                Plans.update(Given.size(3, ""), Given.size(3, ""), "new", "new", mixed(2, 1), s));
    }

    @Test
    void aFailedRolloutOfAnotherConfigurationDoesNotChangeThePlan() throws Exception {
        GroupState s = new GroupState(new Rollout("other", "old", 1, Phase.FAILED, "broken"), null, false);
        assertEquals("Performing a rolling update on 3 instances",
                Plans.update(Given.size(3, ""), Given.size(3, ""), "old", "new", mixed(3, 0), s));
    }
}
