package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
    /** How soon a cycle that created or destroyed members is followed by one that sees the result, at most. */
    static final long CONFIRM_MILLIS = 1_000;
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
    private final Events events;
    private final Object persisting = new Object();
    private final ScheduledExecutorService loop;
    private final CompletableFuture<Void> gone = new CompletableFuture<>();

    // desired state, rollout state and scheduling, guarded by this
    private Desired desired;
    private GroupState state;
    private boolean stateDirty;
    private Desired stable;
    private ScheduledFuture<?> scheduled;
    private boolean kicked;
    /** Whether the cycle under way created or destroyed members (the loop's thread only). */
    private boolean acted;
    private boolean signalled;
    /** How often signals may run a cycle at once (under the lock). */
    private final SignalBudget signalBudget = new SignalBudget();
    private int errorStreak; // written by the loop, read by signals
    private volatile String instancePlugin;
    private volatile boolean stopped;
    private volatile boolean destroying;

    // loop state, touched only by the loop's thread
    private final HealthChecks health = new HealthChecks();
    private final Actions actions = new Actions();
    private final Unconfirmed unconfirmed = new Unconfirmed();
    private final Set<String> removedHere = ConcurrentHashMap.newKeySet();
    private Set<String> known = Set.of();
    private int lastUpdatedCount = -1;
    private long cycle;
    private int provisionFailures;
    private long nextProvisionMillis;
    private String provisionError;
    private String halted;

    // what describe() shows
    private volatile String lastError;
    private volatile boolean converged;
    private volatile boolean blocked;
    private volatile boolean started;
    private volatile boolean erring;
    private volatile boolean backoffReset;
    private volatile Snapshot snapshot;

    /** What the last cycle saw: the members and their health, for {@link #status}. */
    private record Snapshot(List<Description> members, Map<String, String> health) {
    }

    GroupSupervisor(String id, GroupState initial, PluginCalls calls, Settings settings, ExecutorService workers,
                    Supplier<GroupStates> states, Resolver resolver, Runnable onGone, Events events) {
        this.id = id;
        this.state = initial;
        this.destroying = initial.destroying();
        this.calls = calls;
        this.settings = settings;
        this.jobs = new Jobs(workers, settings.maxParallel(), 2 * calls.timeoutMillis() + 1000);
        this.states = states;
        this.resolver = resolver;
        this.onGone = onGone;
        this.events = events;
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
        String started = null;
        synchronized (this) {
            String current = desired == null ? null : target().sha();
            GroupState after = Rollouts.onCommit(state, next.sha(), current, settings.clock().getAsLong());
            if (after != state && current != null && !current.equals(next.sha())) {
                started = after.rollout().phase() == Phase.PAUSED
                        ? "Configuration " + next.sha() + " committed while paused: its rollout waits for a resume"
                        : "Rolling out configuration " + next.sha() + " (from " + current + ")";
            }
            stateDirty |= after != state;
            if (current == null || !current.equals(next.sha())) {
                backoffReset = true; // a new configuration is not held back by the last one's failures
            }
            state = after;
            desired = next;
            instancePlugin = next.properties().instance().plugin();
            halted = null;
        }
        if (started != null) {
            events.emit(GroupEvent.Type.ROLLOUT_STARTED, started, null, next.sha());
        }
        kick();
    }

    /**
     * Holds the rollout where it is (see {@link Rollouts#pause}).
     *
     * @return what happened, in words
     * @throws PluginException if the group is being destroyed or paused already
     */
    String pause(String source) throws PluginException {
        return hold("pause", source, s -> Rollouts.pause(s, target().sha(), -1, settings.clock().getAsLong()),
                GroupEvent.Type.ROLLOUT_PAUSED, "Paused: no member is replaced until the rollout is resumed");
    }

    /**
     * Ends the rollout where it is (see {@link Rollouts#stop}).
     *
     * @return what happened, in words
     * @throws PluginException if no rollout runs
     */
    String stopRollout(String source) throws PluginException {
        return hold("stop", source, s -> Rollouts.stop(s, -1), GroupEvent.Type.ROLLOUT_STOPPED,
                "Stopped the rollout: the members keep the configurations they have");
    }

    /**
     * Moves a paused or stopped rollout on.
     *
     * @return what happened, in words
     * @throws PluginException if it is neither paused nor stopped
     */
    String resume(String source) throws PluginException {
        return hold("resume", source, Rollouts::resume, GroupEvent.Type.ROLLOUT_RESUMED, "Resumed the rollout");
    }

    private String hold(String verb, String source, UnaryOperator<GroupState> change, String type, String message) throws PluginException {
        String sha;
        GroupState before;
        synchronized (this) {
            if (destroying) {
                throw new PluginException("Cannot " + verb + " group " + id + ": it is being destroyed");
            }
            try {
                before = state;
                state = change.apply(state);
            } catch (IllegalStateException e) {
                throw new PluginException("Cannot " + verb + " group " + id + ": " + e.getMessage());
            }
            stateDirty = true;
            sha = state.rollout().target();
        }
        try {
            persist(); // before answering: a pause, resume or stop survives a crash right after it
        } catch (PluginException e) {
            synchronized (this) {
                if (state.rollout() != null && state.rollout().target().equals(sha)) {
                    state = before;
                }
            }
            throw new PluginException("Cannot " + verb + " group " + id + ": " + e.getMessage(), e);
        }
        events.emit(GroupEvent.of(id, type, message + " (configuration " + sha + ")", null, sha).withSource(source));
        kick();
        return message;
    }

    /**
     * Turns the group into one being destroyed: from now on the loop drains and destroys every member, through
     * failures and restarts, until a listing shows none; then the group is forgotten.
     *
     * @return completed once the group is gone
     */
    CompletableFuture<Void> destroy() {
        boolean first;
        synchronized (this) {
            first = !state.destroying();
            if (first) {
                state = state.toDestroy();
                stateDirty = true;
            }
            destroying = true;
        }
        if (first) {
            events.emit(GroupEvent.Type.DESTROYING, "Destroying the group: every member is drained and destroyed", null, null);
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

    /**
     * The instance plugin the committed spec names, whose changes wake this group (see {@link #signal}).
     *
     * @return the plugin name, as written in the spec ({@code name} or {@code name/type})
     */
    String instancePlugin() {
        return instancePlugin;
    }

    /**
     * Runs a cycle at once because the instance plugin says that instances changed (see {@link ChangeWatchers}),
     * unless the group is backing off after failed cycles: then the change waits for the cycle already scheduled, so
     * that a failing plugin that keeps signalling cannot cause a storm of cycles. Signals coalesce: while a cycle is
     * due or running, a signal only makes one more cycle follow the running one (at once, unless that cycle failed),
     * so 500 signals make one or two cycles, never 500. Cycles stay serialised on the loop, so a signal racing a poll
     * cannot make two cycles act on one listing. And signals run at most {@link SignalBudget#BURST} cycles at once in
     * {@link SignalBudget#WINDOW_MILLIS} ms: a member that dies as soon as it is replaced is not replaced faster than
     * a few times a second (a crash loop is no storm).
     */
    void signal() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            signalled = true;
            if (errorStreak > 0 || due()) {
                return;
            }
            long wait = signalBudget.delay(settings.clock().getAsLong());
            if (wait == 0 || scheduled == null || scheduled.getDelay(TimeUnit.MILLISECONDS) > wait) {
                schedule(wait);
            }
        }
    }

    /**
     * Whether a cycle is running or about to start: it lists the members after the signal, or the signal makes
     * another one follow it. Holds the lock.
     */
    private boolean due() {
        return scheduled != null && !scheduled.isDone() && scheduled.getDelay(TimeUnit.NANOSECONDS) <= 0;
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
            if (signalled) {
                signalBudget.spend(settings.clock().getAsLong());
            }
            kicked = false;
            signalled = false;
        }
        acted = false;
        cycle++;
        long start = System.nanoTime();
        boolean failed = false;
        boolean missing = false;
        try {
            persist();
            if (destroying) {
                destroyCycle();
            } else {
                convergeCycle();
            }
            if (blocked) {
                events.emit(GroupEvent.Type.PLUGIN_BACK, "The plugins are back: converging again", null, null);
            }
            blocked = false;
        } catch (PluginCalls.MissingPluginException e) {
            if (!e.getMessage().equals(lastError)) {
                events.emit(GroupEvent.Type.PLUGIN_MISSING, e.getMessage() + "; doing nothing until it is back", null, null);
            }
            lastError = e.getMessage();
            converged = false;
            blocked = true;
            missing = true;
        } catch (PluginException e) {
            if (!e.getMessage().equals(lastError) || !erring) {
                events.emit(GroupEvent.Type.ERROR, e.getMessage(), null, null);
            }
            lastError = e.getMessage();
            converged = false;
            failed = true;
        } catch (Throwable t) { // an Error too: the loop must go on, and say why it is stuck
            LOG.error("Group {}: the convergence cycle failed", id, t);
            String message = "internal error: " + t;
            if (!message.equals(lastError)) {
                events.emit(GroupEvent.Type.ERROR, "The convergence cycle failed: " + t, null, null);
            }
            lastError = message;
            converged = false;
            failed = true;
        } finally {
            started = true;
            erring = failed;
        }
        // a cycle that waited for a missing plugin did nothing: failed for the observers, though not backed off
        events.cycleEnded(System.nanoTime() - start, failed || missing);
        synchronized (this) {
            errorStreak = failed ? errorStreak + 1 : 0;
            // a signal during the cycle is answered at once, except after a failure: the backoff holds
            // a cycle that created or destroyed members is confirmed soon, not a whole (perhaps long) poll later, so
            // that the status says converged once it is: with signals, the poll may be long
            long delay = kicked ? 0
                    : errorStreak == 0 ? (acted ? Math.min(settings.pollMillis(), CONFIRM_MILLIS) : settings.pollMillis())
                    : Math.min(MAX_BACKOFF_MILLIS, settings.pollMillis() << Math.min(errorStreak, 16));
            if (signalled && errorStreak == 0 && !kicked) {
                delay = Math.min(delay, signalBudget.delay(settings.clock().getAsLong()));
            }
            // under the lock, so that a signal sees either this cycle running or the next one scheduled
            schedule(delay);
        }
    }

    /**
     * Keeps the state if it changed; a failure is retried at the next cycle. One save at a time, each of the
     * state as it is then, so a slower save of an older state never lands after a newer one.
     */
    private void persist() throws PluginException {
        synchronized (persisting) {
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
        List<String> lost = lost(members);
        confirm(instance, p, members, now, lost);
        health.check(jobs, calls, flavor, p, members, now, this::halting);
        snapshot(members);

        s = countHeld(s, members, t);
        GroupState.Rollout r = s.rollout();
        Phase phase = r == null ? null : r.phase();
        if (r != null && r.isHeld() && r.resumeTo() != Phase.RUNNING && r.resumeTo() != Phase.ROLLING_BACK) {
            phase = r.resumeTo(); // paused while no rollout ran: decided as it was, the next rollout is what is held
        }
        Convergence.Decision decision = Convergence.decide(new Convergence.Input(p, t.sha(), members, health::get, unconfirmed.byId(),
                phase, r == null ? now : r.startedMillis(), now, settings.unhealthyGraceMillis()));
        boolean wasConverged = converged;
        converged = decision.converged(); // before the phase moves on, so a describe never sees the new phase unconverged
        judged(s, decision.progress(), d, now);

        List<String> errors = new ArrayList<>();
        remove(instance, flavor, p, decision.remove(), errors, t.sha());
        create(instance, flavor, t, s, members, decision, phase == Phase.FAILED,
                new CreationReasons(decision, lost, rollout(decision, r, phase, t), t.properties().targetSize()), now, errors);
        persist();
        converged = decision.converged();
        progressed(r, members, t);
        if (converged && !wasConverged) {
            events.emit(GroupEvent.Type.CONVERGED, "Converged: " + members.size() + " members with configuration " + t.sha(), null, t.sha());
        }
        lastError = errors.isEmpty() ? null : String.join("; ", errors);
        if (!errors.isEmpty() && halted == null) {
            throw new PluginException(lastError); // backs the loop off
        }
    }

    /** A rollout held since the last cycle: how many members it keeps at its configuration, from this listing. */
    private GroupState countHeld(GroupState s, List<Description> members, Desired t) {
        GroupState next = Rollouts.counted(s, (int) members.stream().filter(m -> Convergence.isAt(m, t.sha())).count());
        if (next == s) {
            return s;
        }
        synchronized (this) {
            if (state != s) {
                return s; // changed meanwhile: counted at the next cycle
            }
            state = next;
            stateDirty = true;
        }
        return next;
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
            case DONE -> events.emit(GroupEvent.Type.ROLLOUT_COMPLETED, "Every member has configuration " + r.target(), null, r.target());
            case FAILED -> events.emit(GroupEvent.Type.ROLLOUT_FAILED, "The rollout to configuration " + r.target() + " failed: " + r.reason(),
                    null, r.target());
            case ROLLING_BACK -> events.emit(GroupEvent.Type.ROLLBACK_STARTED, "The rollout to configuration " + r.target() + " failed ("
                    + r.reason() + "); rolling back to " + stableSha, null, stableSha);
            case ROLLED_BACK -> events.emit(GroupEvent.Type.ROLLED_BACK, "Rolled back to configuration " + stableSha, null, stableSha);
            default -> { }
        }
    }

    private List<Description> list(InstancePlugin instance, GroupProperties p) throws PluginException {
        return calls.call("DescribeInstances of " + p.instance().plugin(),
                () -> instance.describeInstances(Map.of(ConfigSha.GROUP_TAG, id)));
    }

    /** Confirms creations, and looks into those a listing leaves out (see {@link Unconfirmed}). */
    private void confirm(InstancePlugin instance, GroupProperties p, List<Description> members, long now, List<String> lost)
            throws PluginException {
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
        List<String> gone = overdue.stream().filter(i -> !everything.contains(i)).toList();
        if (!gone.isEmpty()) {
            lost.addAll(gone);
            events.emit(events.event(GroupEvent.Type.INSTANCE_LOST, (gone.size() == 1 ? gone.get(0) + " is" : Events.names(gone) + " are")
                    + " gone before any listing showed " + (gone.size() == 1 ? "it" : "them"), gone.size() == 1 ? gone.get(0) : null, null)
                    .withCount(gone.size(), GroupEvent.Cause.MISSING));
        }
    }

    private void remove(InstancePlugin instance, FlavorPlugin flavor, GroupProperties p, List<Convergence.Removal> removals, List<String> errors,
                        String sha) {
        if (removals.isEmpty()) {
            return;
        }
        Jobs.Errors e = jobs.run(removals.size(), i -> () -> {
            Convergence.Removal r = removals.get(i);
            return destroyOne(instance, flavor, p, r.instance(), new Reason(r.reason(), r.cause()));
        }, this::halting);
        errors.addAll(e.lines());
        acted |= actions.flush(events, LOG, sha);
    }

    /**
     * Every change to an instance goes through here: the fence is asked immediately before the call, and the
     * action is recorded with its reason (logged one line per batch, see {@link Actions}).
     */
    private <T> T act(String action, String instanceId, Reason why, PluginCalls.Call<T> call) throws PluginException {
        if (stopped) {
            throw new PluginException("the group is no longer managed here");
        }
        calls.fence();
        T result = calls.direct(action + " of " + instanceId, call);
        String done = result instanceof String created ? created : instanceId;
        LOG.debug("Group {}: {} {} ({})", id, action, done, why.text());
        actions.record(action, done, why);
        return result;
    }

    /** Drains (a failure is logged, the destroy goes on, as in the original) and destroys one instance. */
    private String destroyOne(InstancePlugin instance, FlavorPlugin flavor, GroupProperties p, Description m, Reason why) {
        try {
            act("Drain", m.id(), why, () -> {
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
            removedHere.add(m.id());
            act("Destroy", m.id(), why, () -> {
                instance.destroy(m.id());
                return null;
            });
            return null;
        } catch (PluginException e) {
            return "Destroy of " + m.id() + " failed: " + e.getMessage();
        }
    }

    private void create(InstancePlugin instance, FlavorPlugin flavor, Desired t, GroupState s, List<Description> members,
                        Convergence.Decision decision, boolean failedRollout, CreationReasons reasons, long now, List<String> errors) {
        int count = decision.create() + decision.createLogicalIDs().size();
        if (count == 0) {
            return;
        }
        if (halted != null) {
            errors.add(halted);
            return;
        }
        if (backoffReset) {
            backoffReset = false;
            provisionFailures = 0;
            nextProvisionMillis = 0;
        }
        if (now < nextProvisionMillis) {
            if (!failedRollout) {
                errors.add(provisionError + " (next attempt in " + (nextProvisionMillis - now + 999) / 1000 + " s)");
            }
            return;
        }
        // while a rollout is held, a missing member comes back with the configuration it had
        Desired previous = previous(s);
        int atTarget = (int) members.stream().filter(m -> Convergence.isAt(m, t.sha())).count();
        int newest = previous == null ? count : Rollouts.createdAtTarget(s.rollout(), count, atTarget);
        List<String> logicalIDs = decision.createLogicalIDs();
        long c = cycle;
        Jobs.Errors e = jobs.run(count, i -> () -> createOne(instance, flavor, i < newest ? t : previous,
                i < logicalIDs.size() ? logicalIDs.get(i) : null, i < newest ? reasons.of(i) : held(reasons.of(i), previous), c),
                () -> stopped || destroying);
        errors.addAll(e.lines());
        acted |= actions.flush(events, LOG, t.sha());
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

    /**
     * The configuration members had before a held rollout, when the group can create it (the stable spec is
     * that configuration), else {@code null}.
     */
    private Desired previous(GroupState s) {
        GroupState.Rollout r = s.rollout();
        if (r == null || !r.isHeld() || r.from() == null || s.stable() == null) {
            return null;
        }
        try {
            Desired d = resolver.resolve(s.stable());
            return d.sha().equals(r.from()) ? d : null;
        } catch (PluginException e) {
            return null;
        }
    }

    /** What a rollout replacing members is doing this cycle, in words, or {@code null} when none is (see {@link CreationReasons}). */
    private static String rollout(Convergence.Decision decision, GroupState.Rollout r, Phase phase, Desired t) {
        if (decision.progress().state() == Progress.State.RUNNING && r != null && r.from() != null
                && (phase == Phase.RUNNING || phase == Phase.ROLLING_BACK)) {
            return (phase == Phase.ROLLING_BACK ? "rolling back to configuration " : "rolling update to configuration ") + t.sha();
        }
        return null;
    }

    /** A creation with the configuration a member had before a held rollout: the same cause, said so. */
    private static Reason held(Reason why, Desired previous) {
        return new Reason(why.text() + ", with the configuration it had (" + previous.sha() + "): the rollout is held", why.cause());
    }

    /**
     * The members gone since the last cycle that this controller did not destroy (deleted by hand, crashed,
     * reclaimed by a cloud), each told once.
     */
    private List<String> lost(List<Description> members) {
        Set<String> now = new HashSet<>();
        members.forEach(m -> now.add(m.id()));
        List<String> lost = new ArrayList<>();
        for (String was : known) {
            if (!now.contains(was) && !removedHere.remove(was)) {
                lost.add(was);
            }
        }
        known = now;
        removedHere.retainAll(now);
        if (!lost.isEmpty()) {
            lost.sort(null);
            events.emit(events.event(GroupEvent.Type.INSTANCE_LOST, (lost.size() == 1 ? lost.get(0) + " is" : Events.names(lost) + " are")
                    + " gone, not destroyed by this controller", lost.size() == 1 ? lost.get(0) : null, null)
                    .withCount(lost.size(), GroupEvent.Cause.MISSING));
        }
        return lost;
    }

    /** Keeps what this cycle saw, for {@link #status}. */
    private void snapshot(List<Description> members) {
        Map<String, String> healths = new HashMap<>();
        for (Description m : members) {
            Convergence.Observed o = health.get(m.id());
            healths.put(m.id(), o == null ? "Unknown" : name(o.health()));
        }
        snapshot = new Snapshot(List.copyOf(members), healths);
    }

    private static String name(Health h) {
        return switch (h) {
            case HEALTHY -> "Healthy";
            case UNHEALTHY -> "Unhealthy";
            default -> "Unknown";
        };
    }

    /** Tells how far a running rollout got, when it moved. */
    private void progressed(GroupState.Rollout r, List<Description> members, Desired t) {
        if (r == null || r.from() == null || (r.phase() != Phase.RUNNING && r.phase() != Phase.ROLLING_BACK)) {
            lastUpdatedCount = -1;
            return;
        }
        int at = (int) members.stream().filter(m -> Convergence.isAt(m, t.sha())).count();
        if (at != lastUpdatedCount && lastUpdatedCount >= 0) {
            events.emit(GroupEvent.Type.ROLLOUT_PROGRESSED, at + " of " + t.properties().targetSize() + " members have configuration " + t.sha(),
                    null, t.sha());
        }
        lastUpdatedCount = at;
    }

    private String createOne(InstancePlugin instance, FlavorPlugin flavor, Desired t, String logicalID, Reason why, long inCycle) {
        GroupProperties p = t.properties();
        Map<String, String> tags = Map.of(ConfigSha.GROUP_TAG, id, ConfigSha.TAG, t.sha());
        InstanceSpec spec = new InstanceSpec(p.instance().properties(), tags, "", logicalID, null);
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
            events.emit(GroupEvent.Type.DESTROYED, "Destroyed: no instance is left", null, null);
            lastError = null;
            gone.complete(null);
            loop.shutdown();
            return;
        }
        FlavorPlugin flavor = calls.flavor(p.flavor().plugin());
        List<Convergence.Removal> all = members.stream().map(m -> new Convergence.Removal(m, "the group is destroyed", GroupEvent.Cause.DESTROY)).toList();
        List<String> errors = new ArrayList<>();
        remove(instance, flavor, p, all, errors, null);
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
        Desired t;
        synchronized (this) {
            t = target();
        }
        List<Description> members = list(calls.instance(t.properties().instance().plugin()), t.properties());
        Verdict v = verdict(members);
        return new GroupDescription(members, v.converged(), v.update(), v.error(), v.status());
    }

    /**
     * The group at a glance, from what its last cycle saw (no plugin is called).
     *
     * @param withMembers whether to include each member's health and configuration
     * @return the status (revision 0: the manager knows it)
     */
    GroupStatus status(boolean withMembers) {
        Desired t;
        synchronized (this) {
            t = target();
        }
        Snapshot snap = snapshot;
        List<Description> members = snap == null ? List.of() : snap.members();
        Map<String, String> healths = snap == null ? Map.of() : snap.health();
        Verdict v = verdict(members);
        int ready = (int) members.stream().filter(m -> "Healthy".equals(healths.get(m.id()))).count();
        int upToDate = (int) members.stream().filter(m -> Convergence.isAt(m, t.sha())).count();
        List<GroupStatus.Member> list = null;
        if (withMembers) {
            list = members.stream().map(m -> new GroupStatus.Member(m.id(), m.logicalID(), healths.getOrDefault(m.id(), "Unknown"),
                    Convergence.isAt(m, t.sha()), m.tags() == null ? null : m.tags().get(ConfigSha.TAG))).toList();
        }
        return new GroupStatus(id, t.properties().targetSize(), members.size(), ready, upToDate, v.status(), 0, t.sha(), v.update(),
                v.error(), list);
    }

    /** What describe and status say of the group, given its members. */
    private record Verdict(boolean converged, String update, String error, String status) {
    }

    private Verdict verdict(List<Description> members) {
        Desired d;
        Desired t;
        GroupState s;
        synchronized (this) {
            d = desired;
            t = target();
            s = state;
        }
        String error = lastError;
        if (destroying) {
            return new Verdict(false, "Destroying: " + members.size() + " instances left", error, GroupDescription.Status.DESTROYING);
        }
        GroupState.Rollout r = s.rollout();
        Phase phase = r == null ? null : r.phase();
        long left = Plans.undesired(members, t.sha());
        String update = null;
        String status;
        if (phase == Phase.RUNNING) {
            update = "Rolling update to configuration " + r.target() + ": " + left + " of " + members.size() + " instances still to replace";
            status = r.from() == null ? GroupDescription.Status.CONVERGING : GroupDescription.Status.ROLLING;
        } else if (phase == Phase.PAUSED) {
            update = r.resumeTo() == Phase.DONE
                    ? "Paused: the next configuration committed is not rolled out until the group is resumed"
                    : "Paused: " + (members.size() - left) + " of " + members.size() + " instances have configuration " + r.target()
                    + "; no member is replaced until the group is resumed (missing members come back with the configuration they had)";
            status = GroupDescription.Status.PAUSED;
        } else if (phase == Phase.STOPPED) {
            update = "Stopped: " + (members.size() - left) + " of " + members.size() + " instances have configuration " + r.target()
                    + "; the members keep their configurations until a new configuration is committed, a revision is rolled back to, "
                    + "or the rollout is resumed";
            status = GroupDescription.Status.STOPPED;
        } else if (phase == Phase.FAILED) {
            update = "The rollout to configuration " + r.target() + " failed: " + r.reason() + ". Its members are not replaced while unhealthy, "
                    + "and missing members are created at most once per backoff; commit a changed configuration or roll back to roll again"
                    + (d.properties().update().autoRollback() ? "" : " (Update.AutoRollback rolls a failed rollout back)");
            status = GroupDescription.Status.FAILED;
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
            status = GroupDescription.Status.WAITING_FOR_PLUGIN;
        } else if (erring) {
            status = GroupDescription.Status.ERROR;
        }
        boolean done = converged && phase != Phase.RUNNING && phase != Phase.ROLLING_BACK && phase != Phase.PAUSED;
        return new Verdict(done, update, error, status);
    }
}
