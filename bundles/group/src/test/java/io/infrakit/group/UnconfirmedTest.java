package io.infrakit.group;

import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unconfirmed creations: what they count as, and whether the plugin's listing is learned consistent or lagging. */
class UnconfirmedTest {

    private static final long T = 1_000_000;
    private static final long TIMEOUT = 60_000;

    private static List<Description> listing(String... ids) {
        return Given.members("new", ids);
    }

    @Test
    void creationsCountByIdWithTheirLogicalID() {
        Unconfirmed u = new Unconfirmed();
        assertTrue(u.isEmpty());
        u.created("i1", null, T, 1);
        u.created("i2", "x", T, 1);
        assertEquals(Map.of("i1", "", "i2", "x"), u.byId());
        assertFalse(u.isEmpty());
        u.forget(List.of("i1"));
        assertEquals(Map.of("i2", "x"), u.byId());
        u.forget(List.of("i2"));
        assertTrue(u.isEmpty());
    }

    @Test
    void aListingThatShowsCreationsAtOnceIsLearnedConsistent() {
        Unconfirmed u = new Unconfirmed();
        assertFalse(u.consistent(), "nothing is known at first");
        u.created("i1", null, T, 1);
        assertEquals(List.of(), u.listed(listing("i1"), 2, T + 1, TIMEOUT));
        assertTrue(u.consistent());
        assertTrue(u.isEmpty(), "confirmed");
        assertEquals(List.of(), u.listed(listing("i1"), 3, T + 2, TIMEOUT));
        assertTrue(u.consistent(), "stays consistent with nothing to confirm");
    }

    @Test
    void whenConsistentACreationMissingFromTheNextListingIsOverdueAtOnce() {
        Unconfirmed u = new Unconfirmed();
        u.created("i1", null, T, 1);
        u.listed(listing("i1"), 2, T + 1, TIMEOUT);
        u.created("i2", null, T + 2, 2);
        assertEquals(List.of("i2"), u.listed(listing("i1"), 3, T + 3, TIMEOUT));
        assertEquals(List.of("i2"), u.listed(listing("i1"), 4, T + 4, TIMEOUT), "until it is looked into and forgotten");
        u.forget(List.of("i2"));
        assertEquals(List.of(), u.listed(listing("i1"), 5, T + 5, TIMEOUT));
    }

    @Test
    void aListingThatShowsACreationLateIsLearnedLagging() {
        Unconfirmed u = new Unconfirmed();
        u.created("i1", null, T, 1);
        assertEquals(List.of(), u.listed(listing(), 2, T + 1_000, TIMEOUT), "not known to be consistent: waited for");
        assertFalse(u.consistent());
        assertEquals(List.of(), u.listed(listing("i1"), 3, T + 2_000, TIMEOUT));
        assertFalse(u.consistent(), "shown late: the listing lags");
        assertTrue(u.isEmpty());
    }

    @Test
    void whenLaggingAMissingCreationIsOverdueOnlyAfterTheTimeout() {
        Unconfirmed u = new Unconfirmed();
        u.created("i1", null, T, 1);
        u.listed(listing(), 2, T + 1, TIMEOUT);
        u.listed(listing("i1"), 3, T + 2, TIMEOUT);
        u.created("i2", null, T + 10, 3);
        assertEquals(List.of(), u.listed(listing(), 4, T + 11, TIMEOUT));
        assertEquals(List.of(), u.listed(listing(), 5, T + 10 + TIMEOUT, TIMEOUT), "exactly the timeout is not over it");
        assertEquals(List.of("i2"), u.listed(listing(), 6, T + 10 + TIMEOUT + 1, TIMEOUT));
    }

    @Test
    void onceALagIsSeenTheListingIsNeverConsistentAgain() {
        Unconfirmed u = new Unconfirmed();
        u.created("i1", null, T, 1);
        u.listed(listing("i1"), 2, T + 1, TIMEOUT);
        assertTrue(u.consistent());
        u.created("i2", null, T + 2, 2);
        u.listed(listing("i1"), 3, T + 3, TIMEOUT);
        u.listed(listing("i1", "i2"), 4, T + 4, TIMEOUT);
        assertFalse(u.consistent(), "i2 showed up late");
        u.created("i3", null, T + 5, 4);
        u.listed(listing("i1", "i2", "i3"), 5, T + 6, TIMEOUT);
        assertFalse(u.consistent(), "an on-time confirmation does not undo a lag");
    }

    @Test
    void aLateAndAnOnTimeConfirmationInOneListingMeanLagging() {
        Unconfirmed u = new Unconfirmed();
        u.created("a", null, T, 1);
        u.listed(listing(), 2, T + 1, TIMEOUT);
        u.created("b", null, T + 2, 2);
        u.listed(listing("a", "b"), 3, T + 3, TIMEOUT);
        assertFalse(u.consistent());
    }

    @Test
    void creationsOfTheCurrentCycleAreNeverOverdue() {
        Unconfirmed u = new Unconfirmed();
        u.created("i1", null, T, 1);
        u.listed(listing("i1"), 2, T + 1, TIMEOUT);
        assertTrue(u.consistent());
        u.created("i2", null, T + 2, 5);
        u.created("i3", null, T + 2, 6);
        assertEquals(List.of(), u.listed(listing(), 5, T + 10 * TIMEOUT, TIMEOUT), "the listing may have been made before them");
        assertEquals(List.of("i2"), u.listed(listing(), 6, T + 10 * TIMEOUT, TIMEOUT));
        assertEquals(List.of("i2", "i3"), u.listed(listing(), 7, T + 10 * TIMEOUT, TIMEOUT));
    }

    @Test
    void aCreationOfTheCurrentCycleIsNotMarkedMissed() {
        Unconfirmed u = new Unconfirmed();
        u.created("i1", null, T, 2);
        u.listed(listing(), 2, T + 1, TIMEOUT);
        u.listed(listing("i1"), 3, T + 2, TIMEOUT);
        assertTrue(u.consistent(), "not having been in a listing made before it existed is no lag");
    }
}
