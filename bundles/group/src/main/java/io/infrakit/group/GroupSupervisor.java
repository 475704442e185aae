package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupState.Phase;
import io.infrakit.spi.group.GroupStates;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps one group converged, on a thread of its own, so nothing one group's plugins do can delay another
 * group. Each cycle, at once on commit and then every poll interval: list the members by their group tag,
 * confirm creations ({@link Unconfirmed}), check health ({@link HealthChecks}), decide
 * ({@link Convergence}), move the rollout on ({@link Rollouts}) and act. Every action goes through
 * {@link #act}, which asks the fence first, so a node that no longer leads stops acting at once. It never
 * reads a failed listing as "no instances" and backs off when plugins fail. The group's state (its
 * rollout, its stable configuration, a destroy in progress) is kept through {@link GroupStates}, so a
 * restart or another leader carries on where it stopped.
 */
final class GroupSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(GroupSupervisor.class);
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final long FAILED_ROLLOUT_FIRST_BACKOFF_MILLIS = 10_000;
    private static final long FAILED_ROLLOUT_MAX_BACKOFF_MILLIS = 600_000;
    private static final long STOP_WAIT_MILLIS = 2_000;

    /**
     * How supervisors work.
     *
     * @param pollMillis the poll interval
     * @param maxParallel how many plugin calls of a group run at once
     * @param unhealthyGraceMillis how long a member may stay unhealthy before it is replaced
     * @param pendingTimeoutMillis how long a lagging listing may leave a created instance out
     * @param clock the time in milliseconds since the epoch
     */
    record Settings(long pollMillis, int maxParallel, long unhealthyGraceMillis, long pendingTimeoutMillis, LongSupplier clock) {
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

    /** Turns a stored spec (a rollback's target) into a {@link Desired}. */
    @FunctionalInterface
    interface Resolver {
        Desired resolve(GroupSpec spec) throws PluginException;
    }

    private final String id;
    private final PluginCalls calls;
    private final Settings settings;
    private final Jobs jobs;
    private final Supplier<GroupStates> states;
    private final Resolver resolver;
    private final Runnable onGone;
    private final ScheduledExecutorService loop;
    private final CompletableFuture<Void> gone = new CompletableFuture<>();

    // desired state, rollout state and scheduling, guarded by this
    private Desired desired;
    private GroupState state;
    private boolean stateDirty;
    private Desired stable;
    private ScheduledFuture<?> scheduled;
    private boolean kicked;
    private volatile boolean stopped;
    private volatile boolean destroying;

    // loop state, touched only by the loop's thread
    private final HealthChecks health = new HealthChecks();
    private final Actions actions = new Actions();
    private final Unconfirmed unconfirmed = new Unconfirmed();
    private long cycle;
    private int provisionFailures;
    private long nextProvisionMillis;
    private String provisionError;
    private int errorStreak;
    private String halted;

    // what describe() shows
    private volatile String lastError;
    private volatile boolean converged;
    private volatile boolean blocked;
    private volatile boolean started;

    GroupSupervisor(String id, GroupState initial, PluginCalls calls, Settings settings, ExecutorService workers,
                    Supplier<GroupStates> states, Resolver resolver, Runnable onGone) {
        this.id = id;
        this.state = initial;
        this.destroying = initial.destroying();
        this.calls = calls;
        this.settings = settings;
        this.jobs = new Jobs(workers, settings.maxParallel(), 2 * calls.timeoutMillis() + 1000);
        this.states = states;
        this.resolver = resolver;
        this.onGone = onGone;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infrakit-group-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sets what the group should be and converges at once. A new configuration starts a rollout; the
     * configuration of the latest rollout changes nothing about it (see {@link Rollouts}).
     */
    void commit(Desired next) {
        synchronized (this) {
            String current = desired == null ? null : target().sha();
            GroupState after = Rollouts.onCommit(state, next.sha(), current, settings.clock().getAsLong());
            stateDirty |= after != state;
            state = after;
            desired = next;
            halted = null;
        }
        kick();
    }

    /**
     * Turns the group into one being destroyed: from now on the loop drains and destroys every member, through
     * failures and restarts, until a listing shows none; then the group is forgotten.
     *
     * @return completed once the group is gone
     */
    CompletableFuture<Void> destroy() {
        synchronized (this) {
            if (!state.destroying()) {
                state = state.toDestroy();
                stateDirty = true;
            }
            destroying = true;
        }
        kick();
        return gone;
    }

    boolean destroying() {
        return destroying;
    }

    synchronized Desired desired() {
        return desired;
    }

    synchronized GroupState state() {
        return state;
    }

    /** The configuration the members should have now: the committed one, or the stable one while rolling back. */
    private synchronized Desired target() {
        if (!Rollouts.backToStable(state)) {
            return desired;
        }
        if (stable == null || !stable.spec().equals(state.stable())) {
            try {
                stable = resolver.resolve(state.stable());
            } catch (PluginException e) {
                LOG.error("Group {}: the stable configuration cannot be read ({}); keeping the committed one", id, e.getMessage());
                return desired;
            }
        }
        return new Desired(desired.spec(), desired.properties().withConfigurationOf(stable.properties()), stable.sha());
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
        try {
            scheduled = loop.schedule(this::runCycle, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopped meanwhile
        }
    }

    /**
     * Stops the loop: no Provision, Drain or Destroy starts from now on. Waits a little for a cycle in
     * progress to end; calls already under way are not taken back.
     */
    void stop() {
        synchronized (this) {
            stopped = true;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
        loop.shutdown();
        try {
            loop.awaitTermination(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean halting() {
        return stopped;
    }

    private void runCycle() {
        if (stopped) {
            return;
        }
        synchronized (this) {
            kicked = false;
        }
        cycle++;
        boolean failed = false;
        try {
            persist();
            if (destroying) {
                destroyCycle();
            } else {
                convergeCycle();
            }
            blocked = false;
        } catch (PluginCalls.MissingPluginException e) {
            if (!e.getMessage().equals(lastError)) {
                LOG.warn("Group {}: {}; doing nothing until it is back", id, e.getMessage());
            }
            lastError = e.getMessage();
            converged = false;
            blocked = true;
        } catch (PluginException e) {
            lastError = e.getMessage();
            converged = false;
            failed = true;
            LOG.warn("Group {}: {}", id, e.getMessage());
        } catch (Throwable t) { // an Error too: the loop must go on, and say why it is stuck
            LOG.error("Group {}: the convergence cycle failed", id, t);
            lastError = "internal error: " + t;
            converged = false;
            failed = true;
        } finally {
            started = true;
        }
        long delay;
        synchronized (this) {
            errorStreak = failed ? errorStreak + 1 : 0;
            delay = kicked ? 0 : errorStreak == 0 ? settings.pollMillis()
                    : Math.min(MAX_BACKOFF_MILLIS, settings.pollMillis() << Math.min(errorStreak, 16));
        }
        schedule(delay);
    }

    /** Keeps the state if it changed; a failure is retried at the next cycle. */
    private void persist() throws PluginException {
        GroupState s;
        synchronized (this) {
            if (!stateDirty) {
                return;
            }
            s = state;
        }
        GroupStates store = states.get();
        calls.call("Saving the state of group " + id, () -> {
            store.save(id, s);
            return null;
        });
        synchronized (this) {
            if (state == s) {
                stateDirty = false;
            }
        }
    }

    private void convergeCycle() throws PluginException {
        Desired d;
        GroupState s;
        Desired t;
        synchronized (this) {
            d = desired;
            s = state;
            t = target();
        }
        long now = settings.clock().getAsLong();
        GroupProperties p = t.properties();
        InstancePlugin instance = calls.instance(p.instance().plugin());
        FlavorPlugin flavor = calls.flavor(p.flavor().plugin());
        List<Description> members = list(instance, p);
        confirm(instance, p, members, now);
        health.check(jobs, calls, flavor, p, members, now, this::halting);

        GroupState.Rollout r = s.rollout();
        Phase phase = r == null ? null : r.phase();
        Convergence.Decision decision = Convergence.decide(new Convergence.Input(p, t.sha(), members, health::get, unconfirmed.byId(),
                phase, r == null ? now : r.startedMillis(), now, settings.unhealthyGraceMillis()));
        converged = decision.converged(); // before the phase moves on, so a describe never sees the new phase unconverged
        judged(s, decision.progress(), d, now);

        List<String> errors = new ArrayList<>();
        remove(instance, flavor, p, decision.remove(), errors);
        create(instance, flavor, t, decision, phase == Phase.FAILED, now, errors);
        persist();
        converged = decision.converged();
        lastError = errors.isEmpty() ? null : String.join("; ", errors);
        if (!errors.isEmpty() && halted == null) {
            throw new PluginException(lastError); // backs the loop off
        }
    }

    /** Moves the rollout on after a judgement, and says so. */
    private void judged(GroupState s, Progress progress, Desired d, long now) {
        String stableSha = null;
        if (s.stable() != null) {
            try {
                stableSha = resolver.resolve(s.stable()).sha();
            } catch (PluginException e) {
                LOG.warn("Group {}: the stable configuration cannot be read: {}", id, e.getMessage());
            }
        }
        GroupState next = Rollouts.afterJudgement(s, progress, d.spec(), d.properties().update().autoRollback(), stableSha, now);
        if (next == s) {
            return;
        }
        synchronized (this) {
            if (state != s) {
                return; // a commit came in meanwhile: judge again next cycle
            }
            state = next;
            stateDirty = true;
            kicked = true;
        }
        GroupState.Rollout r = next.rollout();
        switch (r.phase()) {
            case DONE -> LOG.info("Group {}: every member has configuration {}", id, r.target());
            case FAILED -> LOG.warn("Group {}: the rollout to {} failed: {}", id, r.target(), r.reason());
            case ROLLING_BACK -> LOG.warn("Group {}: the rollout to {} failed ({}); rolling back to {}", id, r.target(), r.reason(), stableSha);
            case ROLLED_BACK -> LOG.info("Group {}: rolled back to {}", id, stableSha);
            default -> { }
        }
    }

    private List<Description> list(InstancePlugin instance, GroupProperties p) throws PluginException {
        return calls.call("DescribeInstances of " + p.instance().plugin(),
                () -> instance.describeInstances(Map.of(ConfigSha.GROUP_TAG, id)));
    }

    /** Confirms creations, and looks into those a listing leaves out (see {@link Unconfirmed}). */
    private void confirm(InstancePlugin instance, GroupProperties p, List<Description> members, long now) throws PluginException {
        List<String> overdue = unconfirmed.listed(members, cycle, now, settings.pendingTimeoutMillis());
        if (overdue.isEmpty()) {
            return;
        }
        Set<String> everything = new HashSet<>();
        calls.call("DescribeInstances of " + p.instance().plugin(), () -> instance.describeInstances(Map.of()))
                .forEach(m -> everything.add(m.id()));
        List<String> untagged = overdue.stream().filter(everything::contains).toList();
        unconfirmed.forget(overdue);
        if (!untagged.isEmpty()) {
            halted = "Instance plugin " + p.instance().plugin() + " does not list the instances it provisioned (" + String.join(", ", untagged)
                    + ") with tag " + ConfigSha.GROUP_TAG + "=" + id + "; creating no more until the group is committed again";
            LOG.error("Group {}: {}", id, halted);
        }
        overdue.stream().filter(i -> !everything.contains(i))
                .forEach(i -> LOG.info("Group {}: {} is gone before any listing showed it; replacing it", id, i));
    }

    private void remove(InstancePlugin instance, FlavorPlugin flavor, GroupProperties p, List<Convergence.Removal> removals, List<String> errors) {
        Jobs.Errors e = jobs.run(removals.size(), i -> () -> {
            Convergence.Removal r = removals.get(i);
            return destroyOne(instance, flavor, p, r.instance(), r.reason());
        }, this::halting);
        errors.addAll(e.lines());
        actions.log(LOG, id);
    }

    /**
     * Every change to an instance goes through here: the fence is asked immediately before the call, and the
     * action is recorded with its reason (logged one line per batch, see {@link Actions}).
     */
    private <T> T act(String action, String instanceId, String reason, PluginCalls.Call<T> call) throws PluginException {
        if (stopped) {
            throw new PluginException("the group is no longer managed here");
        }
        calls.fence();
        T result = calls.direct(action + " of " + instanceId, call);
        String done = result instanceof String created ? created : instanceId;
        LOG.debug("Group {}: {} {} ({})", id, action, done, reason);
        actions.record(action, done, reason);
        return result;
    }

    /** Drains (a failure is logged, the destroy goes on, as in the original) and destroys one instance. */
    private String destroyOne(InstancePlugin instance, FlavorPlugin flavor, GroupProperties p, Description m, String reason) {
        try {
            act("Drain", m.id(), reason, () -> {
                flavor.drain(p.flavor().properties(), m);
                return null;
            });
        } catch (PluginException e) {
            if (stopped) {
                return "Destroy of " + m.id() + " not started: " + e.getMessage();
            }
            LOG.warn("Group {}: draining {} failed, destroying it anyway: {}", id, m.id(), e.getMessage());
        }
        try {
            act("Destroy", m.id(), reason, () -> {
                instance.destroy(m.id());
                return null;
            });
            return null;
        } catch (PluginException e) {
            return "Destroy of " + m.id() + " failed: " + e.getMessage();
        }
    }

    private void create(InstancePlugin instance, FlavorPlugin flavor, Desired t, Convergence.Decision decision, boolean failedRollout,
                        long now, List<String> errors) {
        int count = decision.create() + decision.createLogicalIDs().size();
        if (count == 0) {
            return;
        }
        if (halted != null) {
            errors.add(halted);
            return;
        }
        if (now < nextProvisionMillis) {
            if (!failedRollout) {
                errors.add(provisionError + " (next attempt in " + (nextProvisionMillis - now + 999) / 1000 + " s)");
            }
            return;
        }
        List<String> logicalIDs = decision.createLogicalIDs();
        long c = cycle;
        Jobs.Errors e = jobs.run(count, i -> () -> createOne(instance, flavor, t, i < logicalIDs.size() ? logicalIDs.get(i) : null, c),
                () -> stopped || destroying);
        errors.addAll(e.lines());
        actions.log(LOG, id);
        if (!e.isEmpty()) {
            provisionFailures++;
            provisionError = e.total() + " of " + count + " creations failed, " + String.join("; ", e.lines());
            nextProvisionMillis = settings.clock().getAsLong() + Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(provisionFailures - 1, 16));
        } else if (failedRollout) {
            // the configuration's rollout failed: what it creates may fail the same way, so never in a loop
            provisionFailures++;
            provisionError = "The rollout to " + t.sha() + " failed: its missing members are created at most once per backoff";
            nextProvisionMillis = settings.clock().getAsLong()
                    + Math.min(FAILED_ROLLOUT_MAX_BACKOFF_MILLIS, FAILED_ROLLOUT_FIRST_BACKOFF_MILLIS << Math.min(provisionFailures - 1, 16));
        } else {
            provisionFailures = 0;
            nextProvisionMillis = 0;
        }
    }

    private String createOne(InstancePlugin instance, FlavorPlugin flavor, Desired t, String logicalID, long inCycle) {
        GroupProperties p = t.properties();
        Map<String, String> tags = Map.of(ConfigSha.GROUP_TAG, id, ConfigSha.TAG, t.sha());
        InstanceSpec spec = new InstanceSpec(p.instance().properties(), tags, "", logicalID, null);
        String why = logicalID == null ? "the group has fewer than " + p.targetSize() + " members" : "logical ID " + logicalID + " is missing";
        try {
            calls.fence();
            InstanceSpec prepared = calls.direct("Prepare of " + p.flavor().plugin(), () -> flavor.prepare(p.flavor().properties(), spec, p.allocation()));
            String created = act("Provision", "an instance", why, () -> instance.provision(prepared));
            if (created != null) {
                unconfirmed.created(created, logicalID, settings.clock().getAsLong(), inCycle);
            }
            return null;
        } catch (PluginException e) {
            return "Provision failed: " + e.getMessage();
        }
    }

    /** A cycle of a group being destroyed: destroy what is listed; once nothing is, and nothing is being created, forget the group. */
    private void destroyCycle() throws PluginException {
        Desired d = desired();
        GroupProperties p = d.properties();
        InstancePlugin instance = calls.instance(p.instance().plugin());
        long now = settings.clock().getAsLong();
        List<Description> members = list(instance, p);
        unconfirmed.forget(unconfirmed.listed(members, cycle, now, settings.pendingTimeoutMillis()));
        if (members.isEmpty() && unconfirmed.isEmpty() && jobs.running() == 0) {
            // no longer managed here first, so a commit of the same ID is taken as new as soon as the store
            // forgets it; a crash in between leaves the tombstone, which resumes, finds nothing and forgets
            stopped = true;
            onGone.run();
            GroupStates store = states.get();
            try {
                calls.call("Forgetting destroyed group " + id, () -> {
                    store.destroyed(id);
                    return null;
                });
            } catch (PluginException e) {
                LOG.warn("Group {}: destroyed, but the store cannot forget it yet ({}); the manager resumes and forgets it", id, e.getMessage());
            }
            LOG.info("Group {}: destroyed, no instance is left", id);
            lastError = null;
            gone.complete(null);
            loop.shutdown();
            return;
        }
        FlavorPlugin flavor = calls.flavor(p.flavor().plugin());
        List<Convergence.Removal> all = members.stream().map(m -> new Convergence.Removal(m, "the group is destroyed")).toList();
        List<String> errors = new ArrayList<>();
        remove(instance, flavor, p, all, errors);
        if (!errors.isEmpty()) {
            throw new PluginException("Destroying group " + id + ": " + String.join("; ", errors));
        }
        lastError = null;
        kick(); // list again at once: done when it shows nothing
    }

    /**
     * The group as it is now: members listed live, and the loop's verdict.
     *
     * @return the description
     * @throws PluginException if the members cannot be listed
     */
    GroupDescription describe() throws PluginException {
        Desired d;
        Desired t;
        GroupState s;
        synchronized (this) {
            d = desired;
            t = target();
            s = state;
        }
        List<Description> members = list(calls.instance(t.properties().instance().plugin()), t.properties());
        String error = lastError;
        if (destroying) {
            return new GroupDescription(members, false, "Destroying: " + members.size() + " instances left", error,
                    GroupDescription.Status.DESTROYING);
        }
        GroupState.Rollout r = s.rollout();
        Phase phase = r == null ? null : r.phase();
        long left = Plans.undesired(members, t.sha());
        String update = null;
        String status;
        if (phase == Phase.RUNNING) {
            update = "Rolling update to configuration " + r.target() + ": " + left + " of " + members.size() + " instances still to replace";
            status = r.from() == null ? GroupDescription.Status.CONVERGING : GroupDescription.Status.UPDATING;
        } else if (phase == Phase.FAILED) {
            update = "The rollout to configuration " + r.target() + " failed: " + r.reason() + ". Its members are not replaced while unhealthy, "
                    + "and missing members are created at most once per backoff; commit a changed configuration to roll again"
                    + (d.properties().update().autoRollback() ? "" : " (Update.AutoRollback rolls a failed rollout back)");
            status = GroupDescription.Status.ROLLOUT_FAILED;
            if (error == null) {
                error = "Rolling update stopped: " + r.reason();
            }
        } else if (phase == Phase.ROLLING_BACK) {
            update = "Rolling back to configuration " + t.sha() + " because the rollout to " + r.target() + " failed: " + r.reason()
                    + "; " + left + " of " + members.size() + " instances still to replace";
            status = GroupDescription.Status.ROLLING_BACK;
        } else if (phase == Phase.ROLLED_BACK) {
            update = "Rolled back to configuration " + t.sha() + " because the rollout to " + r.target() + " failed: " + r.reason()
                    + "; commit a changed configuration to roll again";
            status = GroupDescription.Status.ROLLED_BACK;
        } else {
            status = converged ? GroupDescription.Status.CONVERGED : GroupDescription.Status.CONVERGING;
        }
        if (!started) {
            status = GroupDescription.Status.STARTING;
        } else if (blocked) {
            status = GroupDescription.Status.BLOCKED;
        }
        boolean done = converged && phase != Phase.RUNNING && phase != Phase.ROLLING_BACK;
        return new GroupDescription(members, done, update, error, status);
    }
}
