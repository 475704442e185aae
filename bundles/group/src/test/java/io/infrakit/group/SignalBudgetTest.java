package io.infrakit.group;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SignalBudgetTest {

    @Test
    void aBurstRunsAtOnceThenOneCyclePerWindowShare() {
        SignalBudget budget = new SignalBudget();
        long now = 100_000;
        for (int i = 0; i < SignalBudget.BURST; i++) {
            assertEquals(0, budget.delay(now + i * 10), "signal " + i);
            budget.spend(now + i * 10);
        }
        long next = now + SignalBudget.BURST * 10L;
        assertEquals(SignalBudget.WINDOW_MILLIS - SignalBudget.BURST * 10L, budget.delay(next), "one more waits for the first to leave the window");
        assertEquals(0, budget.delay(now + SignalBudget.WINDOW_MILLIS));
        budget.spend(now + SignalBudget.WINDOW_MILLIS);
        assertEquals(10, budget.delay(now + SignalBudget.WINDOW_MILLIS), "then one as each earlier one leaves it");
    }

    @Test
    void signalsNowAndThenAlwaysRunAtOnce() {
        SignalBudget budget = new SignalBudget();
        for (long t = 0; t < 60_000; t += 1_100) {
            assertEquals(0, budget.delay(t), "at " + t);
            budget.spend(t);
        }
    }
}
