package io.infrakit.group;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupEvent.Cause;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupState.Phase;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.infrakit.group.Given.LONG_AGO;
import static io.infrakit.group.Given.NOW;
import static io.infrakit.group.Given.ids;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Convergence#decide} rule by rule, as a table: each row is a group (declaration, members at the
 * configurations "old" and "new", their health and since when, pending creations, the rollout's phase) and
 * everything the decision must say about it (removals in order, with the reason where it matters, creations,
 * the rollout's judgement, converged). Then small simulations that apply decisions to an in-memory group and
 * count what a whole rollout provisions and destroys.
 */
class ConvergenceTest {

    private static final long SECOND = 1000;
    private static final long GRACE = 30 * SECOND;

    /** A group as the loop sees it, built in a line. Members are healthy since long ago unless told otherwise. */
    static final class Case {
        private final GroupProperties properties;
        private String sha = "new";
        private final List<Description> members = new ArrayList<>();
        private final Map<String, Convergence.Observed> health = new HashMap<>();
        private final Map<String, String> pending = new LinkedHashMap<>();
        private Phase phase;
        private long startedAgo = 3_600 * SECOND;
        private long grace = GRACE;

        private Case(GroupProperties properties) {
            this.properties = properties;
        }

        static Case size(int size, String update) {
            return new Case(Given.size(size, update));
        }

        static Case quorum(String logicalIDs, String update) {
            return new Case(Given.quorum(logicalIDs, update));
        }

        /** Members at a configuration, healthy since long ago. */
        Case at(String configuration, String... ids) {
            for (String id : ids) {
                members.add(Given.member(id, configuration));
                health.put(id, new Convergence.Observed(Health.HEALTHY, NOW - LONG_AGO));
            }
            return this;
        }

        /** Pets at a configuration, each written {@code id=logicalID} (or {@code id} for none), healthy since long ago. */
        Case pets(String configuration, String... pets) {
            for (String pet : pets) {
                String[] p = pet.split("=");
                members.add(Given.pet(p[0], p.length > 1 ? p[1] : null, configuration));
                health.put(p[0], new Convergence.Observed(Health.HEALTHY, NOW - LONG_AGO));
            }
            return this;
        }

        Case healthy(String id, long agoMillis) {
            health.put(id, new Convergence.Observed(Health.HEALTHY, NOW - agoMillis));
            return this;
        }

        Case unhealthy(String id, long agoMillis) {
            health.put(id, new Convergence.Observed(Health.UNHEALTHY, NOW - agoMillis));
            return this;
        }

        Case unknown(String id, long agoMillis) {
            health.put(id, new Convergence.Observed(Health.UNKNOWN, NOW - agoMillis));
            return this;
        }

        /** A member whose health was never checked. */
        Case unjudged(String id) {
            health.remove(id);
            return this;
        }

        Case pending(String id, String logicalID) {
            pending.put(id, logicalID);
            return this;
        }

        Case phase(Phase p) {
            this.phase = p;
            return this;
        }

        Case startedAgo(long millis) {
            this.startedAgo = millis;
            return this;
        }

        Case grace(long millis) {
            this.grace = millis;
            return this;
        }

        /** The configuration the members should have (default "new"). */
        Case sha(String s) {
            this.sha = s;
            return this;
        }

        Convergence.Input input() {
            return new Convergence.Input(properties, sha, List.copyOf(members), health::get, Map.copyOf(pending), phase, NOW - startedAgo,
                    NOW, grace);
        }

        Convergence.Decision decide() {
            return Convergence.decide(input());
        }
    }

    /** What a decision must say; by default: nothing to do, no rollout, not converged. */
    static final class Expect {
        private List<String> removes = List.of();
        private List<String> causes;
        private int create;
        private List<String> logicalIDs = List.of();
        private Progress.State state = Progress.State.NONE;
        private boolean converged;

        /** Removals in order, each {@code id} or {@code id: the start of its reason}. */
        Expect removes(String... r) {
            removes = List.of(r);
            return this;
        }

        /** The causes of the removals, in order ({@link Cause}). */
        Expect causes(String... c) {
            causes = List.of(c);
            return this;
        }

        Expect creates(int n) {
            create = n;
            return this;
        }

        Expect createsLogicalIDs(String... ids) {
            logicalIDs = List.of(ids);
            return this;
        }

        Expect state(Progress.State s) {
            state = s;
            return this;
        }

        Expect running() {
            return state(Progress.State.RUNNING);
        }

        Expect converged() {
            converged = true;
            return this;
        }

        void check(Convergence.Decision d) {
            List<String> removedIds = d.remove().stream().map(r -> r.instance().id()).toList();
            assertAll(
                    () -> assertEquals(removes.stream().map(r -> r.split(": ")[0]).toList(), removedIds, "removed"),
                    () -> {
                        for (int i = 0; i < Math.min(removes.size(), d.remove().size()); i++) {
                            String[] r = removes.get(i).split(": ", 2);
                            if (r.length > 1) {
                                String reason = d.remove().get(i).reason();
                                assertTrue(reason.startsWith(r[1]), "the reason for removing " + r[0] + ": " + reason);
                            }
                        }
                    },
                    () -> {
                        if (causes != null) {
                            assertEquals(causes, d.remove().stream().map(Convergence.Removal::cause).toList(), "causes");
                        }
                    },
                    () -> assertEquals(create, d.create(), "create"),
                    () -> assertEquals(logicalIDs, d.createLogicalIDs(), "logical IDs to create"),
                    () -> assertEquals(state, d.progress().state(), "progress " + d.progress()),
                    () -> assertEquals(converged, d.converged(), "converged"));
        }
    }

    private static Expect expect() {
        return new Expect();
    }

    private static Arguments row(String name, Case c, Expect e) {
        return Arguments.of(name, c, e);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"scaling", "quorum", "rollingUpdate", "progress", "healing", "converged"})
    void decides(String name, Case c, Expect e) {
        e.check(c.decide());
    }

    static Stream<Arguments> scaling() {
        return Stream.of(
                row("the deficit is created", Case.size(5, "").at("new", "a", "b"), expect().creates(3)),
                row("pending creations count as members", Case.size(5, "").at("new", "a", "b").pending("p1", "").pending("p2", ""),
                        expect().creates(1)),
                row("pending creations covering the deficit create nothing", Case.size(3, "").at("new", "a", "b").pending("p", ""),
                        expect()),
                row("pending creations beyond the size remove a listed member",
                        Case.size(2, "").at("new", "a", "b").pending("p", ""), expect().removes("a: the group is larger than 2").causes(Cause.SCALE)),
                row("more pending creations than the surplus's listed members: only those go",
                        Case.size(1, "").at("new", "a").pending("p1", "").pending("p2", ""), expect().removes("a")),
                row("the surplus goes worst first: old before new, unhealthy before unknown before healthy",
                        Case.size(2, "").at("new", "a", "c", "d", "e").at("old", "b", "f")
                                .unhealthy("c", 10 * SECOND).unknown("d", LONG_AGO).unhealthy("f", SECOND),
                        expect().removes("f", "b", "c", "d")),
                row("the surplus among equals: smallest IDs first", Case.size(1, "").at("new", "a", "b", "c"), expect().removes("a", "b")),
                row("an old configuration goes before an unhealthy member", Case.size(1, "").at("new", "a").at("old", "b")
                        .unhealthy("a", SECOND), expect().removes("b")),
                row("an unhealthy member goes before one of unknown health", Case.size(1, "").at("new", "a", "b")
                        .unknown("a", SECOND).unhealthy("b", SECOND), expect().removes("b")),
                row("a member of unknown health goes before a healthy one", Case.size(1, "").at("new", "a", "b").unknown("b", SECOND),
                        expect().removes("b")),
                row("a member never checked is of unknown health", Case.size(1, "").at("new", "a", "b").unjudged("b"),
                        expect().removes("b")),
                row("an old unhealthy member goes before an old healthy one", Case.size(2, "").at("new", "a").at("old", "b", "c")
                        .unhealthy("c", SECOND), expect().removes("c")));
    }

    static Stream<Arguments> quorum() {
        String xyz = "x,y,z";
        return Stream.of(
                row("every logical ID present", Case.quorum(xyz, "").pets("new", "a=x", "b=y", "c=z"), expect().converged()),
                row("an undeclared logical ID goes, a missing one is created",
                        Case.quorum(xyz, "").pets("new", "a=x", "b=y", "c=w"),
                        expect().removes("c: logical ID w is not declared").causes(Cause.SCALE).createsLogicalIDs("z")),
                row("a second instance of a logical ID: the worse goes", Case.quorum(xyz, "").pets("old", "a=x").pets("new", "b=x", "c=y", "d=z"),
                        expect().removes("a: a second instance of logical ID x").causes(Cause.SCALE)),
                row("a second instance of equal rank: the later ID goes, whatever the listing's order",
                        Case.quorum(xyz, "").pets("new", "d=z", "c=y", "b=x", "a=x"), expect().removes("b")),
                row("three instances of one logical ID: the best stays",
                        Case.quorum(xyz, "").pets("new", "a=x", "b=x", "d=y", "e=z").pets("old", "c=x").unhealthy("a", SECOND),
                        expect().removes("a", "c")),
                row("three instances of one logical ID: each is compared with the best so far",
                        Case.quorum(xyz, "").pets("new", "a=x", "b=x", "c=x", "d=y", "e=z").unhealthy("a", SECOND).unknown("c", SECOND),
                        expect().removes("a", "c")),
                row("missing logical IDs are created in declared order", Case.quorum(xyz, "").pets("new", "a=y"),
                        expect().createsLogicalIDs("x", "z")),
                row("a pending logical ID is not created again", Case.quorum(xyz, "").pets("new", "a=x").pending("p", "y"),
                        expect().createsLogicalIDs("z")),
                row("a member without a logical ID is left alone", Case.quorum(xyz, "").pets("new", "a=x", "b=y", "c=z", "n"), expect()),
                row("a member without a logical ID is not rolled",
                        Case.quorum(xyz, "").pets("new", "a=x", "b=y", "c=z").pets("old", "n").phase(Phase.RUNNING),
                        expect().state(Progress.State.DONE)),
                row("a rolling update replaces a pet under its logical ID",
                        Case.quorum(xyz, "").pets("old", "a=x", "b=y", "c=z").phase(Phase.RUNNING),
                        expect().removes("a: rolling update to new").causes(Cause.ROLLING).createsLogicalIDs("x").running()),
                row("MaxSurge does not apply to a quorum",
                        Case.quorum(xyz, "\"MaxSurge\":2").pets("old", "a=x", "b=y", "c=z").unhealthy("a", SECOND).unhealthy("b", SECOND)
                                .phase(Phase.RUNNING),
                        expect().removes("a").createsLogicalIDs("x").running()));
    }

    static Stream<Arguments> rollingUpdate() {
        return Stream.of(
                row("worked example: Size 10, MaxUnavailable 2, MaxSurge 3",
                        Case.size(10, "\"MaxUnavailable\":2,\"MaxSurge\":3").at("old", ids("m", 10)).phase(Phase.RUNNING),
                        expect().removes("m00: rolling update to new", "m01: rolling update to new").causes(Cause.ROLLING, Cause.ROLLING)
                                .creates(5).running()),
                row("the defaults replace one at a time", Case.size(3, "").at("old", "a", "b", "c").phase(Phase.RUNNING),
                        expect().removes("a").creates(1).running()),
                row("an unavailable old member goes first", Case.size(3, "").at("old", "a", "b", "c").unhealthy("b", SECOND)
                        .phase(Phase.RUNNING), expect().removes("b").creates(1).running()),
                row("unavailable old members cost no availability",
                        Case.size(3, "\"MaxUnavailable\":2").at("old", "a", "b", "c").unhealthy("b", SECOND).unknown("c", SECOND)
                                .phase(Phase.RUNNING),
                        expect().removes("b", "c").creates(2).running()),
                row("unavailable old members still count against MaxUnavailable",
                        Case.size(3, "").at("old", "a", "b", "c").unhealthy("a", SECOND).unhealthy("b", SECOND).unhealthy("c", SECOND)
                                .phase(Phase.RUNNING),
                        expect().removes("a").creates(1).running()),
                row("an unhealthy old member costs availability: no available one is taken beside it",
                        Case.size(3, "\"MaxSurge\":1").at("old", "a", "b", "c").unhealthy("a", SECOND).phase(Phase.RUNNING),
                        expect().removes("a").creates(2).running()),
                row("a new member not yet available is in flight: nothing more is taken",
                        Case.size(3, "").at("old", "a", "b").at("new", "n").unknown("n", 30 * SECOND).phase(Phase.RUNNING),
                        expect().running()),
                row("the in-flight budget spent, even an unavailable old member waits",
                        Case.size(3, "").at("old", "a", "b").at("new", "n").unhealthy("a", SECOND).unknown("n", SECOND)
                                .phase(Phase.RUNNING),
                        expect().running()),
                row("pending creations and new members not yet available are both in flight",
                        Case.size(5, "\"MaxUnavailable\":2").at("old", "a", "b", "c").at("new", "n").unhealthy("a", SECOND)
                                .unknown("n", SECOND).pending("p", "").phase(Phase.RUNNING),
                        expect().running()),
                row("MinHealthySeconds: a new member healthy 9.999 s of 10 is not available",
                        Case.size(3, "\"MinHealthySeconds\":10").at("old", "a", "b").at("new", "n").healthy("n", 9_999)
                                .phase(Phase.RUNNING),
                        expect().running()),
                row("MinHealthySeconds: a new member healthy 10 s is available",
                        Case.size(3, "\"MinHealthySeconds\":10").at("old", "a", "b").at("new", "n").healthy("n", 10 * SECOND)
                                .phase(Phase.RUNNING),
                        expect().removes("a").creates(1).running()),
                row("MinHealthySeconds does not apply to old members",
                        Case.size(3, "\"MinHealthySeconds\":10").at("old", "a", "b", "c").healthy("b", SECOND).healthy("c", SECOND)
                                .phase(Phase.RUNNING),
                        expect().removes("a").creates(1).running()),
                row("MaxUnavailable 0, MaxSurge 1: first a surge",
                        Case.size(3, "\"MaxUnavailable\":0,\"MaxSurge\":1").at("old", "a", "b", "c").phase(Phase.RUNNING),
                        expect().creates(1).running()),
                row("MaxUnavailable 0, MaxSurge 1: then one old member per available new one",
                        Case.size(3, "\"MaxUnavailable\":0,\"MaxSurge\":1").at("old", "a", "b", "c").at("new", "n").phase(Phase.RUNNING),
                        expect().removes("a").creates(1).running()),
                row("the surge shrinks with the old members left",
                        Case.size(3, "\"MaxUnavailable\":0,\"MaxSurge\":2").at("old", "a").at("new", "n1", "n2", "n3")
                                .phase(Phase.RUNNING),
                        expect().removes("a").running()),
                row("shrinking while rolling", Case.size(2, "").at("old", "a", "b", "c").phase(Phase.RUNNING),
                        expect().removes("a").running()),
                row("a rollback rolls like a rollout",
                        Case.size(3, "").at("new", "a", "b", "c").sha("stable").phase(Phase.ROLLING_BACK),
                        expect().removes("a: rolling update to stable").causes(Cause.ROLLING).creates(1).running()));
    }

    static Stream<Arguments> progress() {
        return Stream.of(
                row("done: every member new and available", Case.size(2, "").at("new", "n1", "n2").phase(Phase.RUNNING),
                        expect().state(Progress.State.DONE).converged()),
                row("not done while members are missing", Case.size(3, "").at("new", "n1", "n2").phase(Phase.RUNNING),
                        expect().creates(1).running()),
                row("not done while there are too many", Case.size(2, "").at("new", "n1", "n2", "n3").phase(Phase.RUNNING),
                        expect().removes("n1").running()),
                row("not done while an old member is left", Case.size(2, "").at("new", "n1").at("old", "a").phase(Phase.RUNNING),
                        expect().removes("a").creates(1).running()),
                row("not done while a new member is within MinHealthySeconds",
                        Case.size(2, "\"MinHealthySeconds\":10").at("new", "n1", "n2").healthy("n2", 5 * SECOND).phase(Phase.RUNNING),
                        expect().running()),
                row("failed: a new member unhealthy for UnhealthySeconds",
                        Case.size(3, "").at("old", "a", "b").at("new", "n").unhealthy("n", 10 * SECOND).phase(Phase.RUNNING),
                        expect().state(Progress.State.FAILED)),
                row("one unhealthy reading younger than UnhealthySeconds is no failure",
                        Case.size(3, "").at("old", "a", "b").at("new", "n").unhealthy("n", 9_999).phase(Phase.RUNNING),
                        expect().running()),
                row("unhealthy time counts from the rollout's start",
                        Case.size(3, "").at("old", "a", "b").at("new", "n").unhealthy("n", LONG_AGO).startedAgo(5 * SECOND)
                                .phase(Phase.RUNNING),
                        expect().running()),
                row("failed: a new member not healthy after HealthTimeoutSeconds",
                        Case.size(3, "\"HealthTimeoutSeconds\":60").at("old", "a", "b").at("new", "n").unknown("n", 60_001)
                                .phase(Phase.RUNNING),
                        expect().state(Progress.State.FAILED)),
                row("not failed at exactly HealthTimeoutSeconds",
                        Case.size(3, "\"HealthTimeoutSeconds\":60").at("old", "a", "b").at("new", "n").unknown("n", 60_000)
                                .phase(Phase.RUNNING),
                        expect().running()),
                row("the health timeout counts from the rollout's start",
                        Case.size(3, "\"HealthTimeoutSeconds\":60").at("old", "a", "b").at("new", "n").unknown("n", LONG_AGO)
                                .startedAgo(59 * SECOND).phase(Phase.RUNNING),
                        expect().running()),
                row("failed: unhealthy beyond the health timeout, below UnhealthySeconds",
                        Case.size(3, "\"HealthTimeoutSeconds\":60,\"UnhealthySeconds\":1000").at("old", "a", "b").at("new", "n")
                                .unhealthy("n", 61 * SECOND).grace(LONG_AGO).phase(Phase.RUNNING),
                        expect().state(Progress.State.FAILED)),
                row("a new member never checked is unknown since now: no failure",
                        Case.size(3, "").at("old", "a", "b").at("new", "n").unjudged("n").phase(Phase.RUNNING),
                        expect().running()),
                row("old members are not judged", Case.size(2, "").at("new", "n").at("old", "a").unhealthy("a", LONG_AGO)
                        .phase(Phase.RUNNING), expect().removes("a").creates(1).running()),
                row("no rollout, no judgement: old members stay", Case.size(2, "").at("old", "a", "b"), expect()),
                row("a done rollout is not judged again", Case.size(2, "").at("new", "a").at("old", "b").phase(Phase.DONE), expect()));
    }

    static Stream<Arguments> healing() {
        return Stream.of(
                row("unhealthy for exactly the grace period: kept", Case.size(3, "").at("new", "a", "b", "c").unhealthy("c", GRACE),
                        expect().converged()),
                row("unhealthy for just under the grace period: kept", Case.size(3, "").at("new", "a", "b", "c")
                        .unhealthy("c", GRACE - 1), expect().converged()),
                row("unhealthy for just over the grace period: replaced", Case.size(3, "").at("new", "a", "b", "c")
                        .unhealthy("c", GRACE + 1), expect().removes("c: unhealthy for 30 s").causes(Cause.UNHEALTHY).creates(1)),
                row("one member healed per decision, the smallest ID first whatever the listing's order",
                        Case.size(5, "\"MaxUnavailable\":2").at("new", "e", "d", "c", "b", "a").unhealthy("d", LONG_AGO)
                                .unhealthy("e", LONG_AGO),
                        expect().removes("d").creates(1)),
                row("no healing while creations are pending",
                        Case.size(4, "\"MaxUnavailable\":2").at("new", "a", "b", "c").unhealthy("c", LONG_AGO).pending("p", ""), expect()),
                row("no healing when too few others are available",
                        Case.size(5, "").at("new", "a", "b", "c", "d", "e").unhealthy("d", LONG_AGO).unhealthy("e", LONG_AGO),
                        expect().converged()),
                row("healing with just enough others available",
                        Case.size(5, "").at("new", "a", "b", "c", "d", "e").unhealthy("e", LONG_AGO), expect().removes("e").creates(1)),
                row("MaxUnavailable 0 still lets one member be healed",
                        Case.size(3, "\"MaxUnavailable\":0,\"MaxSurge\":1").at("new", "a", "b", "c").unhealthy("c", LONG_AGO),
                        expect().removes("c").creates(1)),
                row("outside a rollout MinHealthySeconds does not make members unavailable",
                        Case.size(3, "\"MinHealthySeconds\":100").at("new", "a", "b", "c").healthy("a", SECOND).healthy("b", SECOND)
                                .unhealthy("c", LONG_AGO).phase(Phase.DONE),
                        expect().removes("c").creates(1)),
                row("a failed rollout's members are not healed, others are",
                        Case.size(4, "\"MaxUnavailable\":2").at("new", "a").at("old", "b", "c", "d").unhealthy("a", LONG_AGO)
                                .unhealthy("b", LONG_AGO).phase(Phase.FAILED),
                        expect().removes("b: unhealthy").creates(1)),
                row("a failed rollout's only unhealthy member is kept",
                        Case.size(3, "").at("new", "a").at("old", "b", "c").unhealthy("a", LONG_AGO).phase(Phase.FAILED), expect()),
                row("a paused rollout's new members are not healed, old ones are, and nothing is rolled",
                        Case.size(4, "\"MaxUnavailable\":2").at("new", "a").at("old", "b", "c", "d").unhealthy("a", LONG_AGO)
                                .unhealthy("b", LONG_AGO).phase(Phase.PAUSED),
                        expect().removes("b: unhealthy").creates(1)),
                row("a stopped rollout keeps its mix: no member replaced, the missing one created",
                        Case.size(3, "").at("new", "a").at("old", "b").phase(Phase.STOPPED),
                        expect().creates(1)),
                row("members are healed once rolled back",
                        Case.size(3, "").at("stable", "a", "b", "c").unhealthy("a", LONG_AGO).sha("stable").phase(Phase.ROLLED_BACK),
                        expect().removes("a: unhealthy").creates(1)));
    }

    static Stream<Arguments> converged() {
        return Stream.of(
                row("converged: the size and configuration match", Case.size(2, "").at("new", "a", "b"), expect().converged()),
                row("converged: a stopped rollout's mix", Case.size(2, "").at("new", "a").at("old", "b").phase(Phase.STOPPED), expect().converged()),
                row("not converged: a paused rollout's mix", Case.size(2, "").at("new", "a").at("old", "b").phase(Phase.PAUSED), expect()),
                row("converged after a done rollout", Case.size(2, "").at("new", "a", "b").phase(Phase.DONE), expect().converged()),
                row("not converged: a member at another configuration", Case.size(2, "").at("new", "a").at("old", "b"), expect()),
                row("not converged: a failed rollout", Case.size(2, "").at("new", "a").at("old", "b").phase(Phase.FAILED), expect()),
                row("not converged: creations pending", Case.size(2, "").at("new", "a").pending("p", ""), expect()),
                row("not converged: a quorum with a member without logical ID",
                        Case.quorum("x,y", "").pets("new", "a=x", "b=y", "n"), expect()));
    }

    /**
     * The decision that judges a rollout failed must not heal the failing configuration's members either: healing
     * destroys the member and the scaler creates it again at the configuration that just failed.
     */
    @Test
    void theDecisionThatFailsARolloutDoesNotHealItsMembers() {
        Convergence.Decision d = Case.size(3, "\"HealthTimeoutSeconds\":60,\"UnhealthySeconds\":1000").at("old", "a", "b").at("new", "n")
                .unhealthy("n", 61 * SECOND).phase(Phase.RUNNING).decide();
        assertEquals(Progress.State.FAILED, d.progress().state());
        assertEquals(List.of(), d.remove(), "the failing configuration's member is kept");
        assertEquals(0, d.create());
    }

    @Test
    void aHugeSizeIsACountNotAList() {
        Convergence.Decision d = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Case.size(100_000, "").decide());
        assertEquals(100_000, d.create());
        assertEquals(List.of(), d.createLogicalIDs());
        assertEquals(List.of(), d.remove());
        assertFalse(d.converged());
    }

    @Test
    void aFailedRolloutSaysWhichMemberAndWhy() {
        Convergence.Decision unhealthy = Case.size(3, "").at("old", "a", "b").at("new", "n").unhealthy("n", 12_500)
                .phase(Phase.RUNNING).decide();
        assertEquals("Instance n stayed unhealthy for 12 s", unhealthy.progress().reason());

        Convergence.Decision late = Case.size(3, "\"HealthTimeoutSeconds\":60").at("old", "a", "b").at("new", "n")
                .unknown("n", 61 * SECOND).phase(Phase.RUNNING).decide();
        assertEquals("Instance n did not become healthy within 60 s", late.progress().reason());

        assertNull(Case.size(2, "").at("new", "a", "b").phase(Phase.RUNNING).decide().progress().reason());
    }

    @Test
    void rankIsWorseForAnOldConfigurationThenUnhealthyThenUnknown() {
        Convergence.Input in = Case.size(1, "").at("new", "h", "u", "k").at("old", "o", "ou").unhealthy("u", SECOND)
                .unknown("k", SECOND).unhealthy("ou", SECOND).input();
        Map<String, Integer> ranks = new HashMap<>();
        in.members().forEach(m -> ranks.put(m.id(), Convergence.rank(in, m)));
        assertEquals(Map.of("h", 0, "k", 1, "u", 2, "o", 4, "ou", 6), ranks);
    }

    @Test
    void aMemberWithoutTagsIsAtNoConfigurationAndRanksAsOld() {
        Description bare = new Description("x", null, null);
        Convergence.Input in = Case.size(1, "").input();
        assertFalse(Convergence.isAt(bare, "new"));
        assertTrue(Convergence.isAt(Given.member("y", "new"), "new"));
        assertFalse(Convergence.isAt(Given.member("y", "old"), "new"));
        assertEquals(5, Convergence.rank(in, bare), "old (4) and never checked, so unknown (1)");
    }

    // ---- simulations: a pure loop applying decisions to an in-memory group ----

    /**
     * A group whose instance plugin does exactly what the decisions say, in the order the loop does it (removals,
     * then creations): a created member is healthy at once, and the clock moves one second per decision.
     */
    static final class Simulation {
        final GroupProperties properties;
        final List<Description> members = new ArrayList<>();
        final Map<String, Convergence.Observed> health = new HashMap<>();
        final List<String> events = new ArrayList<>();
        GroupState state;
        long now = NOW;
        int provisions;
        int destroys;
        int most;
        int fewestAvailable = Integer.MAX_VALUE;
        int seq;

        Simulation(GroupProperties properties, int oldMembers) {
            this.properties = properties;
            for (int i = 0; i < oldMembers; i++) {
                add(Given.member(String.format("old%02d", i), "old"));
            }
            state = Rollouts.onCommit(GroupState.NONE, "new", "old", now);
        }

        private void add(Description m) {
            members.add(m);
            health.put(m.id(), new Convergence.Observed(Health.HEALTHY, now));
        }

        /** Runs decisions until one says converged; fails after too many. */
        Simulation run() {
            for (int step = 0; step < 100; step++) {
                Convergence.Decision d = Convergence.decide(new Convergence.Input(properties, "new", List.copyOf(members), health::get,
                        Map.of(), state.rollout().phase(), state.rollout().startedMillis(), now, GRACE));
                state = Rollouts.afterJudgement(state, d.progress(), new GroupSpec("g", new RawJson("{}")), false, null, now);
                if (d.converged()) {
                    return this;
                }
                for (Convergence.Removal r : d.remove()) {
                    members.removeIf(m -> m.id().equals(r.instance().id()));
                    destroys++;
                    events.add("-" + r.instance().id());
                }
                fewestAvailable = Math.min(fewestAvailable, members.size());
                for (int i = 0; i < d.create(); i++) {
                    add(Given.member(String.format("new%02d", seq++), "new"));
                    provisions++;
                    events.add("+");
                }
                most = Math.max(most, members.size());
                now += SECOND;
            }
            throw new AssertionError("no convergence after 100 decisions: " + events);
        }

        void assertAllNew(int size) {
            assertEquals(size, members.size(), "members " + members);
            assertTrue(members.stream().allMatch(m -> Convergence.isAt(m, "new")), "members " + members);
            assertEquals(Phase.DONE, state.rollout().phase());
        }
    }

    @Test
    void aRollWithSurgeProvisionsAndDestroysEachMemberOnceAndStaysAvailable() {
        Simulation s = new Simulation(Given.size(6, "\"MaxUnavailable\":0,\"MaxSurge\":2"), 6).run();
        s.assertAllNew(6);
        assertEquals(6, s.provisions, "provisions " + s.events);
        assertEquals(6, s.destroys, "destroys " + s.events);
        assertTrue(s.most <= 8, "at most Size + MaxSurge = 8 members, saw " + s.most);
        assertEquals(8, s.most, "the surge is used");
        assertTrue(s.fewestAvailable >= 6, "MaxUnavailable 0: never fewer than 6, saw " + s.fewestAvailable);
    }

    @Test
    void aRollOneAtATimeProvisionsAndDestroysEachMemberOnce() {
        Simulation s = new Simulation(Given.size(6, "\"MaxUnavailable\":1,\"MaxSurge\":0"), 6).run();
        s.assertAllNew(6);
        assertEquals(6, s.provisions, "provisions " + s.events);
        assertEquals(6, s.destroys, "destroys " + s.events);
        assertEquals(6, s.most, "no surge");
        assertEquals(5, s.fewestAvailable, "MaxUnavailable 1: never fewer than 5");
    }

    @Test
    void growingWhileRollingCreatesTheNewMembersFirst() throws Exception {
        GroupProperties before = Given.size(5, "");
        GroupProperties after = Given.parse("{\"Allocation\":{\"Size\":10},\"Instance\":{\"Plugin\":\"instance-mem\",\"Properties\":"
                + "{\"Note\":\"version 2\"}},\"Flavor\":{\"Plugin\":\"flavor-test\"}}");
        Simulation s = new Simulation(after, 5);
        assertEquals("Adding 5 instances to increase the group size to 10, then performing a rolling update on 5 instances",
                Plans.update(before, after, "old", "new", List.copyOf(s.members), GroupState.NONE));
        s.run();
        s.assertAllNew(10);
        assertEquals(10, s.provisions, "provisions " + s.events);
        assertEquals(5, s.destroys, "destroys " + s.events);
        assertEquals(List.of("+", "+", "+", "+", "+"), s.events.subList(0, 5), "the 5 new members come first: " + s.events);
        assertTrue(s.events.get(5).startsWith("-old"), "then the roll: " + s.events);
    }
}
