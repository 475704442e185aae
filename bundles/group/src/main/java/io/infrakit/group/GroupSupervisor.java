package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Keeps one group converged: a loop that runs at once on commit and then every poll interval, lists the
 * members by their group tag, judges their health, decides (see {@link Convergence}) and acts. It never
 * reads a failed listing as "no instances", backs off when plugins fail, and stops creating when the
 * instances it creates do not show up in the listing (a plugin that loses tags would otherwise make it
 * create forever).
 */
final class GroupSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(GroupSupervisor.class);
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    /**
     * How supervisors work.
     *
     * @param pollMillis the poll interval
     * @param maxParallel how many creations or removals run at once
     * @param maxCreationsPerCycle how many instances one cycle may create at most
     * @param unhealthyGraceMillis how long a member may stay unhealthy before it is replaced
     * @param pendingTimeoutMillis how long a provisioned instance may stay unlisted before creation stops
     * @param clock the time in milliseconds
     */
    record Settings(long pollMillis, int maxParallel, int maxCreationsPerCycle, long unhealthyGraceMillis,
                    long pendingTimeoutMillis, LongSupplier clock) {
    }

    /**
     * What the group should be.
     *
     * @param spec the committed spec
     * @param properties its parsed properties
     * @param sha the configuration hash
     */
    record Desired(GroupSpec spec, GroupProperties properties, String sha) {
    }

    private record Pending(String logicalID, long createdMillis) {
    }

    private final String id;
    private final PluginCalls calls;
    private final Settings settings;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final ReentrantLock cycleLock = new ReentrantLock();

    // desired state and scheduling, guarded by this
    private Desired desired;
    private Convergence.Update update;
    private String updateStopped;
    private ScheduledFuture<?> scheduled;
    private boolean kicked;
    private boolean stopped;

    // loop state, touched only by the cycle (under cycleLock)
    private final Map<String, Convergence.Observed> health = new HashMap<>();
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private int provisionFailures;
    private long nextProvisionMillis;
    private String provisionError;
    private int errorStreak;

    private volatile String halted;
    private volatile String lastError;
    private volatile boolean converged;

    GroupSupervisor(String id, PluginCalls calls, Settings settings, ScheduledExecutorService scheduler, ExecutorService workers) {
        this.id = id;
        this.calls = calls;
        this.settings = settings;
        this.scheduler = scheduler;
        this.workers = workers;
    }

    /**
     * Sets what the group should be and converges at once. A rolling update starts, replacing any update in
     * progress, whenever the configuration differs from that of any member.
     */
    void commit(Desired next) {
        synchronized (this) {
            boolean changed = desired == null || !desired.sha().equals(next.sha());
            desired = next;
            if (changed || updateStopped != null) {
                update = new Convergence.Update(next.sha(), settings.clock().getAsLong());
                updateStopped = null;
            }
            halted = null;
        }
        kick();
    }

    synchronized Desired desired() {
        return desired;
    }

    /** Runs a cycle as soon as possible. */
    void kick() {
        synchronized (this) {
            kicked = true;
        }
        schedule(0);
    }

    private synchronized void schedule(long delayMillis) {
        if (stopped) {
            return;
        }
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        scheduled = scheduler.schedule(this::runCycle, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops the loop, waiting for a cycle in progress to end. */
    void stop() {
        synchronized (this) {
            stopped = true;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
        cycleLock.lock();
        cycleLock.unlock();
    }

    private void runCycle() {
        long delay;
        cycleLock.lock();
        try {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                kicked = false;
            }
            cycle();
        } catch (RuntimeException e) {
            LOG.error("Group {}: the convergence cycle failed", id, e);
            lastError = "internal error: " + e;
            errorStreak++;
        } finally {
            cycleLock.unlock();
        }
        synchronized (this) {
            delay = kicked ? 0 : errorStreak == 0 ? settings.pollMillis()
                    : Math.min(MAX_BACKOFF_MILLIS, settings.pollMillis() << Math.min(errorStreak, 16));
        }
        schedule(delay);
    }

    private void cycle() {
        Desired d;
        Convergence.Update u;
        synchronized (this) {
            d = desired;
            u = update;
        }
        long now = settings.clock().getAsLong();
        GroupProperties p = d.properties();
        try {
            InstancePlugin instance = calls.instance(p.instance().plugin());
            FlavorPlugin flavor = calls.flavor(p.flavor().plugin());
            List<Description> members = list(instance, p);
            notePending(instance, members, now, p);
            observe(flavor, p, members, now);
            Map<String, String> pendingIds = new HashMap<>();
            pending.forEach((k, v) -> pendingIds.put(k, v.logicalID() == null ? "" : v.logicalID()));
            Convergence.Decision decision = Convergence.decide(new Convergence.Input(p, d.sha(), members,
                    mid -> health.getOrDefault(mid, new Convergence.Observed(Health.UNKNOWN, now)), pendingIds, u, now,
                    settings.unhealthyGraceMillis()));
            String stopped = noteUpdate(u, decision);

            List<String> errors = new ArrayList<>();
            remove(instance, flavor, p, decision.remove(), errors);
            create(instance, flavor, d, decision.create(), now, errors);
            if (stopped != null) {
                errors.add(0, "Rolling update stopped: " + stopped);
            }
            lastError = errors.isEmpty() ? null : String.join("; ", errors);
            errorStreak = errors.isEmpty() || stopped != null && errors.size() == 1 ? 0 : errorStreak + 1;
            synchronized (this) {
                converged = decision.converged() && update == null && updateStopped == null;
            }
        } catch (PluginCalls.MissingPluginException e) {
            if (!e.getMessage().equals(lastError)) {
                LOG.warn("Group {}: {}; doing nothing until it is back", id, e.getMessage());
            }
            lastError = e.getMessage();
            converged = false;
            errorStreak = 0;
        } catch (PluginException e) {
            lastError = e.getMessage();
            converged = false;
            errorStreak++;
            LOG.warn("Group {}: {}", id, e.getMessage());
        }
    }

    private List<Description> list(InstancePlugin instance, GroupProperties p) throws PluginException {
        return calls.call("DescribeInstances of " + p.instance().plugin(),
                () -> instance.describeInstances(Map.of(ConfigSha.GROUP_TAG, id)));
    }

    /**
     * Forgets provisioned instances once they are listed. One still unlisted after the listing timeout is
     * looked for among all the plugin's instances: found there, the plugin keeps instances but not their
     * tags, and creating more would never end, so creation stops; not found, it is gone (destroyed from
     * outside before it was ever listed) and the scaler replaces it.
     */
    private void notePending(InstancePlugin instance, List<Description> members, long now, GroupProperties p) throws PluginException {
        Set<String> listed = new HashSet<>();
        members.forEach(m -> listed.add(m.id()));
        pending.keySet().removeIf(listed::contains);
        List<String> expired = pending.entrySet().stream()
                .filter(e -> now - e.getValue().createdMillis() > settings.pendingTimeoutMillis()).map(Map.Entry::getKey).toList();
        if (expired.isEmpty()) {
            return;
        }
        Set<String> everything = new HashSet<>();
        calls.call("DescribeInstances of " + p.instance().plugin(), () -> instance.describeInstances(Map.of()))
                .forEach(m -> everything.add(m.id()));
        List<String> untagged = expired.stream().filter(everything::contains).toList();
        expired.forEach(pending::remove);
        if (!untagged.isEmpty()) {
            halted = "Instance plugin " + p.instance().plugin() + " does not list the instances it provisioned (" + String.join(", ", untagged)
                    + ") with tag " + ConfigSha.GROUP_TAG + "=" + id + "; creating no more until the group is committed again";
            LOG.error("Group {}: {}", id, halted);
        }
    }

    private void observe(FlavorPlugin flavor, GroupProperties p, List<Description> members, long now) {
        Set<String> ids = new HashSet<>();
        for (Description m : members) {
            ids.add(m.id());
            Health h;
            try {
                h = calls.call("Healthy of " + p.flavor().plugin(), () -> flavor.healthy(p.flavor().properties(), m));
            } catch (PluginException e) {
                h = Health.UNKNOWN; // a failing health check proves nothing either way
                LOG.debug("Group {}: health of {} unknown: {}", id, m.id(), e.getMessage());
            }
            Convergence.Observed before = health.get(m.id());
            if (before == null || before.health() != h) {
                health.put(m.id(), new Convergence.Observed(h, now));
            }
        }
        health.keySet().retainAll(ids);
    }

    /** Ends or stops the update the decision was made for; returns why it stopped, if it did. */
    private synchronized String noteUpdate(Convergence.Update u, Convergence.Decision decision) {
        if (u == null || update != u) {
            return updateStopped;
        }
        if (decision.updateDone()) {
            update = null;
            LOG.info("Group {}: every member has configuration {}", id, u.targetSha());
        } else if (decision.updateStopped() != null) {
            update = null;
            updateStopped = decision.updateStopped();
            LOG.warn("Group {}: rolling update to {} stopped: {}", id, u.targetSha(), updateStopped);
        }
        return updateStopped;
    }

    private void remove(InstancePlugin instance, FlavorPlugin flavor, GroupProperties p, List<Convergence.Removal> removals, List<String> errors) {
        List<Callable<String>> jobs = new ArrayList<>();
        for (Convergence.Removal r : removals) {
            jobs.add(() -> {
                LOG.info("Group {}: removing {} ({})", id, r.instance().id(), r.reason());
                return destroy(instance, flavor, p, r.instance());
            });
        }
        runAll(jobs, errors);
    }

    /** Drains (a failure is logged, the destroy goes on, as in the original) and destroys one instance. */
    private String destroy(InstancePlugin instance, FlavorPlugin flavor, GroupProperties p, Description m) {
        try {
            calls.call("Drain of " + m.id(), () -> {
                flavor.drain(p.flavor().properties(), m);
                return null;
            });
        } catch (PluginException e) {
            LOG.warn("Group {}: draining {} failed, destroying it anyway: {}", id, m.id(), e.getMessage());
        }
        try {
            calls.call("Destroy of " + m.id(), () -> {
                instance.destroy(m.id());
                return null;
            });
            return null;
        } catch (PluginException e) {
            return "Destroy of " + m.id() + " failed: " + e.getMessage();
        }
    }

    private void create(InstancePlugin instance, FlavorPlugin flavor, Desired d, List<String> logicalIDs, long now, List<String> errors) {
        if (logicalIDs.isEmpty()) {
            return;
        }
        if (halted != null) {
            errors.add(halted);
            return;
        }
        if (now < nextProvisionMillis) {
            errors.add(provisionError + " (" + provisionFailures + " failures in a row; next attempt in "
                    + (nextProvisionMillis - now + 999) / 1000 + " s)");
            return;
        }
        List<Callable<String>> jobs = new ArrayList<>();
        for (String logicalID : logicalIDs.subList(0, Math.min(logicalIDs.size(), settings.maxCreationsPerCycle()))) {
            jobs.add(() -> createOne(instance, flavor, d, logicalID));
        }
        int before = errors.size();
        runAll(jobs, errors);
        if (errors.size() > before) {
            provisionError = errors.get(errors.size() - 1);
            provisionFailures++;
            nextProvisionMillis = settings.clock().getAsLong() + Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(provisionFailures - 1, 16));
        } else {
            provisionFailures = 0;
            nextProvisionMillis = 0;
        }
    }

    private String createOne(InstancePlugin instance, FlavorPlugin flavor, Desired d, String logicalID) {
        GroupProperties p = d.properties();
        Map<String, String> tags = Map.of(ConfigSha.GROUP_TAG, id, ConfigSha.TAG, d.sha());
        InstanceSpec spec = new InstanceSpec(p.instance().properties(), tags, "", logicalID, null);
        try {
            InstanceSpec prepared = calls.call("Prepare of " + p.flavor().plugin(), () -> flavor.prepare(p.flavor().properties(), spec, p.allocation()));
            String created = calls.call("Provision of " + p.instance().plugin(), () -> instance.provision(prepared));
            LOG.info("Group {}: created {}{}", id, created, logicalID == null ? "" : " for " + logicalID);
            if (created != null) {
                synchronized (pending) {
                    pending.put(created, new Pending(logicalID, settings.clock().getAsLong()));
                }
            }
            return null;
        } catch (PluginException e) {
            LOG.warn("Group {}: creating an instance failed: {}", id, e.getMessage());
            return "Provision failed: " + e.getMessage();
        }
    }

    /** Runs jobs at most {@code maxParallel} at a time; each returns an error or {@code null}. */
    private void runAll(List<Callable<String>> jobs, List<String> errors) {
        for (int from = 0; from < jobs.size(); from += settings.maxParallel()) {
            List<Future<String>> batch = new ArrayList<>();
            for (Callable<String> job : jobs.subList(from, Math.min(jobs.size(), from + settings.maxParallel()))) {
                batch.add(workers.submit(job));
            }
            for (Future<String> f : batch) {
                try {
                    String error = f.get();
                    if (error != null) {
                        errors.add(error);
                    }
                } catch (ExecutionException e) {
                    errors.add(String.valueOf(e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.add("interrupted");
                    return;
                }
            }
        }
    }

    /**
     * The group as it is now: members listed live, and the loop's verdict.
     *
     * @return the description
     * @throws PluginException if the members cannot be listed
     */
    GroupDescription describe() throws PluginException {
        Desired d;
        Convergence.Update u;
        String stoppedReason;
        synchronized (this) {
            d = desired;
            u = update;
            stoppedReason = updateStopped;
        }
        List<Description> members = list(calls.instance(d.properties().instance().plugin()), d.properties());
        String updateText = u == null ? null : "Rolling update to configuration " + u.targetSha() + ": "
                + Plans.undesired(members, u.targetSha()) + " of " + members.size() + " instances still to replace";
        String error = lastError != null ? lastError : stoppedReason == null ? null : "Rolling update stopped: " + stoppedReason;
        return new GroupDescription(members, converged && u == null && stoppedReason == null, updateText, error);
    }

    /**
     * Drains and destroys every member; the loop must be stopped first.
     *
     * @throws PluginException naming the members that could not be destroyed
     */
    void destroyAll() throws PluginException {
        GroupProperties p = desired().properties();
        InstancePlugin instance = calls.instance(p.instance().plugin());
        FlavorPlugin flavor = calls.flavor(p.flavor().plugin());
        List<String> errors = new ArrayList<>();
        List<Convergence.Removal> all = new ArrayList<>();
        for (Description m : list(instance, p)) {
            all.add(new Convergence.Removal(m, "the group is destroyed"));
        }
        remove(instance, flavor, p, all, errors);
        if (!errors.isEmpty()) {
            throw new PluginException("Group '" + id + "' destroyed with errors: " + String.join("; ", errors));
        }
    }
}
