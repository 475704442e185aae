package io.infrakit.group;

/**
 * How long a watcher of an instance plugin's changes waits before it asks again (a pure decision, see
 * {@link ChangeWatchers}). After failed calls in a row: the first delay, doubling up to the longest (1 s, 2 s, 4 s …
 * 30 s by default). For a plugin that is there but does not report changes (a Go plugin): a long, fixed delay (60 s),
 * since it is polled anyway and will rarely start reporting (an upgrade). A plugin whose empty answers come back at
 * once although asked to wait is not waiting: it is asked again after the first delay, so that it cannot make the
 * watcher spin.
 *
 * @param firstMillis the delay after one failure
 * @param maxMillis the longest delay after failures
 * @param unsupportedMillis the delay for a plugin that does not report changes
 */
record ChangeBackoff(long firstMillis, long maxMillis, long unsupportedMillis) {

    /** 1 s doubling to 30 s; 60 s for a plugin without changes. */
    static final ChangeBackoff DEFAULT = new ChangeBackoff(1_000, 30_000, 60_000);

    /**
     * The delay after failures in a row.
     *
     * @param failures how many calls failed in a row (1 or more)
     * @return the delay in milliseconds: first, twice that, four times… at most the longest
     */
    long afterFailures(int failures) {
        return Math.min(maxMillis, firstMillis << Math.min(Math.max(failures, 1) - 1, 20));
    }

    /**
     * The delay after an answer.
     *
     * @param after the number the call asked after (0 at first: answered at once by design)
     * @param empty whether the answer had no change and no reset
     * @param tookMillis how long the call took
     * @return 0 to ask again at once, else the first delay (a plugin that answers an empty wait at once)
     */
    long afterAnswer(long after, boolean empty, long tookMillis) {
        return after != 0 && empty && tookMillis < firstMillis ? firstMillis : 0;
    }
}
