package io.infrakit.manager.file;

import io.infrakit.spi.manager.Election;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.manager.LeadershipListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Leadership by a shared leader file, as the original's {@code os} manager: a manager leads while the
 * trimmed content of the file equals its name; the file names the leader. Read at every poll. When
 * {@code create} is set and the file is missing, the first manager to join writes its own name into a
 * new file (so a single node leads itself). A file that cannot be read makes the status unknown.
 *
 * <p>Every manager reads the file on its own schedule, so when the file is switched the new leader could
 * see it before the old one. A manager that finds its name in the file therefore starts leading only
 * after two poll intervals more (the old leader, reading the file at every interval, has stopped by
 * then); one that no longer finds its name stops at once. The manager that creates the file leads at
 * once: there was no leader before it. An empty file counts only when two reads in a row find it empty,
 * since a file being rewritten in place reads empty for a moment.
 */
final class LeaderFile implements Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderFile.class);

    private final Path file;
    private final long pollMillis;
    private final long handoverMillis;
    private final boolean create;
    private final ScheduledExecutorService poller;

    LeaderFile(Path file, long pollMillis, boolean create) {
        this.file = file;
        this.pollMillis = pollMillis;
        this.handoverMillis = 2 * pollMillis;
        this.create = create;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infrakit-manager-leader-file");
            t.setDaemon(true);
            return t;
        });
    }

    Path file() {
        return file;
    }

    @Override
    public Election join(String name, LeadershipListener listener) {
        Participant participant = new Participant(name, listener);
        participant.task = poller.scheduleWithFixedDelay(participant::poll, 0, pollMillis, TimeUnit.MILLISECONDS);
        return participant;
    }

    /** Stops polling for every participant. */
    void close() {
        poller.shutdownNow();
    }

    /** The status of a participant now, from the file. */
    private LeaderStatus read(Participant participant) {
        String name = participant.name;
        String content;
        try {
            content = Files.readString(file).trim();
        } catch (NoSuchFileException e) {
            if (!create) {
                return LeaderStatus.unknown("the leader file " + file + " does not exist");
            }
            try {
                OwnerOnly.createFile(file, name + "\n");
                participant.created = true;
                LOG.info("Created the leader file {}: {} leads", file, name);
                return LeaderStatus.leader(name);
            } catch (FileAlreadyExistsException raced) {
                return read(participant);
            } catch (IOException ioe) {
                return LeaderStatus.unknown("cannot create the leader file " + file + ": " + ioe);
            }
        } catch (IOException | RuntimeException e) {
            return LeaderStatus.unknown("cannot read the leader file " + file + ": " + e);
        }
        if (content.equals(name)) {
            return LeaderStatus.leader(name);
        }
        return LeaderStatus.follower(content.isEmpty() ? null : content);
    }

    private final class Participant implements Election {

        private final String name;
        private final LeadershipListener listener;
        private volatile LeaderStatus status = LeaderStatus.unknown("not read yet");
        private volatile boolean closed;
        private ScheduledFuture<?> task;
        /** When the file was first seen naming this participant while it did not lead (poller thread). */
        private long namedSince;
        /** Whether this participant has just created the file: nobody led before, so there is nothing to wait for. */
        private boolean created;
        /** Whether the previous read found the file empty (poller thread). */
        private boolean emptyBefore;

        Participant(String name, LeadershipListener listener) {
            this.name = name;
            this.listener = listener;
        }

        /** On the poller: reads the file and reports a change. */
        void poll() {
            if (closed) {
                return;
            }
            LeaderStatus next = read(this);
            boolean empty = next.role() == LeaderStatus.Role.FOLLOWER && next.leader() == null;
            if (empty && !emptyBefore && status.role() != LeaderStatus.Role.UNKNOWN) {
                // a file being rewritten (echo name > file) reads empty for a moment: believe it at the next read
                emptyBefore = true;
                return;
            }
            emptyBefore = empty;
            if (next.isLeader() && !status.isLeader() && !created) {
                // the file names us now; the previous leader reads it at its next poll and stops: wait for that
                long now = System.nanoTime();
                if (namedSince == 0) {
                    namedSince = now;
                }
                if (now - namedSince < TimeUnit.MILLISECONDS.toNanos(handoverMillis)) {
                    return;
                }
            }
            namedSince = 0;
            created = false;
            if (!next.equals(status)) {
                status = next;
                try {
                    listener.leadershipChanged(next);
                } catch (RuntimeException e) {
                    LOG.warn("A leadership listener failed", e);
                }
            }
        }

        @Override
        public LeaderStatus status() {
            return status;
        }

        @Override
        public void close() {
            closed = true;
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
