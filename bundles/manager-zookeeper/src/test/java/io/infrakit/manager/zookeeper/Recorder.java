package io.infrakit.manager.zookeeper;

import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.LeadershipListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A leadership listener that records every status with a sequence number shared by all recorders. */
final class Recorder implements LeadershipListener {

    /** The order of events across every recorder of a test run. */
    static final AtomicLong CLOCK = new AtomicLong();

    /** A reported status and when, in {@link #CLOCK} ticks. */
    record Event(long seq, LeaderStatus status) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    private volatile boolean inCall;
    volatile boolean overlapped;

    @Override
    public void leadershipChanged(LeaderStatus status) {
        if (inCall) {
            overlapped = true;
        }
        inCall = true;
        events.add(new Event(CLOCK.incrementAndGet(), status));
        inCall = false;
    }

    /** @return the last status, or {@code null} before any */
    LeaderStatus last() {
        return events.isEmpty() ? null : events.get(events.size() - 1).status();
    }

    /** @return the sequence number of the next event to come */
    static long now() {
        return CLOCK.get() + 1;
    }

    /** @return the events at or after a sequence number */
    List<Event> since(long seq) {
        return events.stream().filter(e -> e.seq() >= seq).toList();
    }

    /** @return the first event at or after {@code seq} with that role, or {@code null} */
    Event first(long seq, LeaderStatus.Role role) {
        return since(seq).stream().filter(e -> e.status().role() == role).findFirst().orElse(null);
    }
}
