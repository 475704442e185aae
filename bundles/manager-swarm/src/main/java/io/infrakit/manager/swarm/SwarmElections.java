package io.infrakit.manager.swarm;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.LeadershipListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The participants of this backend and the one poll that serves them all. The engine is polled only
 * while someone takes part: the first join starts the poll (with a probe at once), the last close stops
 * it. Every probe and every listener call runs on one thread, so each listener hears one status at a
 * time, in order, and only changes.
 */
final class SwarmElections {

    private static final Logger LOG = LoggerFactory.getLogger(SwarmElections.class);

    private final LeaderProbe probe;
    private final long intervalMillis;
    private final ScheduledExecutorService poller;
    private final List<Participant> participants = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private ScheduledFuture<?> loop;
    private boolean stopped;

    SwarmElections(LeaderProbe probe, long intervalMillis) {
        this.probe = probe;
        this.intervalMillis = intervalMillis;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infrakit-manager-swarm");
            t.setDaemon(true);
            return t;
        });
    }

    Election join(String name, LeadershipListener listener) throws PluginException {
        Participant participant = new Participant(Objects.requireNonNull(name, "name"), Objects.requireNonNull(listener, "listener"));
        synchronized (lock) {
            if (stopped) {
                throw new PluginException("The swarm backend is stopped");
            }
            participants.add(participant);
            if (loop == null) {
                loop = poller.scheduleWithFixedDelay(this::poll, 0, intervalMillis, TimeUnit.MILLISECONDS);
            } else {
                // the newcomer hears its first status now, not at the next tick
                poller.execute(this::poll);
            }
        }
        return participant;
    }

    /** Stops polling; participants still joined hear that the status is unknown, then nothing more. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            if (loop != null) {
                loop.cancel(false);
                loop = null;
            }
        }
        try {
            poller.execute(() -> {
                LeaderStatus gone = LeaderStatus.unknown("The swarm backend stopped");
                participants.forEach(p -> p.report(gone));
                participants.clear();
            });
        } catch (RejectedExecutionException e) {
            // already stopped
        }
        poller.shutdown();
        try {
            if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The swarm backend's poll did not end within 5 s (a Docker engine call still under way)");
                poller.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            poller.shutdownNow();
        }
    }

    /** On the poller: one probe, and each participant's change of status. */
    private void poll() {
        if (participants.isEmpty()) {
            return;
        }
        LeaderProbe.Observation seen = probe.probe();
        for (Participant p : participants) {
            p.report(seen.statusOf(p.name));
        }
    }

    private void leave(Participant participant) {
        synchronized (lock) {
            participants.remove(participant);
            if (participants.isEmpty() && loop != null) {
                loop.cancel(false);
                loop = null;
            }
        }
    }

    /** One joined manager. */
    private final class Participant implements Election {

        private final String name;
        private final LeadershipListener listener;
        private volatile LeaderStatus status = LeaderStatus.unknown("not known yet");
        private volatile boolean closed;

        Participant(String name, LeadershipListener listener) {
            this.name = name;
            this.listener = listener;
        }

        /** On the poller: tells the listener about a change. */
        void report(LeaderStatus next) {
            if (closed || next.equals(status)) {
                return;
            }
            status = next;
            try {
                listener.leadershipChanged(next);
            } catch (RuntimeException e) {
                LOG.warn("The leadership listener of {} failed", name, e);
            }
        }

        @Override
        public LeaderStatus status() {
            return status;
        }

        /**
         * Leaves: the listener is not called after this returns (a call the poller had already begun may
         * still finish). The swarm's leadership is the engine's, not this participant's, so there is nothing
         * to give up.
         */
        @Override
        public void close() {
            closed = true;
            leave(this);
        }
    }
}
