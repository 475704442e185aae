package io.infrakit.group;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.ChangeLog;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.registry.PluginNotFoundException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchers of instance plugins' changes on their own: one per plugin in use, the plugin looked up before every
 * poll (a replaced one is used), wakes as the answers say, backoff after failures, a plugin without the interface
 * asked again rarely, and threads that end when stopped, their long poll interrupted.
 */
class ChangeWatchersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A plugin's changes over a {@link ChangeLog}, recording the start of each call and interrupted waits. */
    private static final class Plugin implements InstanceChanges {
        final ChangeLog log = new ChangeLog(100);
        final List<Long> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger interrupted = new AtomicInteger();
        /** Calls fail while this is positive, one less each time. */
        final AtomicInteger failing = new AtomicInteger();

        @Override
        public Changes changes(long after, long waitMillis) throws PluginException {
            calls.add(System.nanoTime());
            if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (calls.size() % 2 == 0) {
                    throw new IllegalStateException("a bug in the plugin"); // a runtime exception is a failure like any
                }
                throw new PluginException("connection refused");
            }
            try {
                return log.since(after, waitMillis);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new PluginException("interrupted");
            }
        }

        void changed(String group) {
            log.record(new Change("i", group == null ? Map.of() : Map.of("infrakit.group", group), Kind.GONE, null));
        }

        /** The gaps between the starts of calls, in milliseconds. */
        List<Long> gaps() {
            List<Long> gaps = new java.util.ArrayList<>();
            for (int i = 1; i < calls.size(); i++) {
                gaps.add(TimeUnit.NANOSECONDS.toMillis(calls.get(i) - calls.get(i - 1)));
            }
            return gaps;
        }
    }

    private final Map<String, AtomicReference<InstanceChanges>> plugins = new ConcurrentHashMap<>();
    private final Set<String> present = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lookups = new AtomicInteger();
    private final Map<String, AtomicInteger> lookupsOf = new ConcurrentHashMap<>();
    private final List<Long> lookedUpAt = new CopyOnWriteArrayList<>();
    private final Set<String> inUse = ConcurrentHashMap.newKeySet();
    private final List<String> wakes = new CopyOnWriteArrayList<>();
    private ChangeWatchers watchers;

    private ChangeWatchers watchers(ChangeBackoff backoff) {
        watchers = new ChangeWatchers(new ChangeWatchers.Lookup() {
            @Override
            public InstanceChanges changes(String plugin) throws PluginException {
                lookups.incrementAndGet();
                lookedUpAt.add(System.nanoTime());
                lookupsOf.computeIfAbsent(plugin, n -> new AtomicInteger()).incrementAndGet();
                InstanceChanges found = plugins.getOrDefault(plugin, new AtomicReference<>()).get();
                if (found == null) {
                    throw new PluginCalls.MissingPluginException("Failed to find InstanceChanges plugin '" + plugin + "'", null);
                }
                return found;
            }

            @Override
            public boolean present(String plugin) {
                return present.contains(plugin);
            }
        }, (plugin, wake) -> wakes.add(plugin + " " + (wake.everyGroup() ? "*" : new java.util.TreeSet<>(wake.groups()))),
                () -> Set.copyOf(inUse), backoff);
        return watchers;
    }

    private Plugin serve(String name) {
        Plugin p = new Plugin();
        plugins.computeIfAbsent(name, n -> new AtomicReference<>()).set(p);
        present.add(name);
        return p;
    }

    private static boolean threadAlive(String plugin) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("infrakit-group-changes-" + plugin) && t.isAlive());
    }

    @AfterEach
    void close() {
        if (watchers != null) {
            watchers.close();
        }
    }

    @Test
    void oneWatcherPerPluginInUseWakesAsTheAnswersSayAndStopsWhenTheLastGroupGoes() throws Exception {
        Plugin file = serve("instance-file");
        Plugin process = serve("instance-process");
        inUse.addAll(List.of("instance-file", "instance-process"));
        watchers(ChangeBackoff.DEFAULT).refresh();
        watchers.refresh(); // again: nothing more is started
        assertEquals(Set.of("instance-file", "instance-process"), watchers.watched());
        await().atMost(WAIT).until(() -> file.calls.size() == 2 && process.calls.size() == 2); // both wait for a change

        file.changed("web");
        await().atMost(WAIT).until(() -> wakes.equals(List.of("instance-file [web]")));
        process.changed(null);
        await().atMost(WAIT).until(() -> wakes.equals(List.of("instance-file [web]", "instance-process *")));

        inUse.remove("instance-process");
        watchers.refresh();
        assertEquals(Set.of("instance-file"), watchers.watched());
        await().atMost(Duration.ofSeconds(2)).until(() -> !threadAlive("instance-process"));
        assertEquals(1, process.interrupted.get(), "its long poll was interrupted, not waited out");
        assertTrue(threadAlive("instance-file"));

        watchers.close(); // waits for its threads
        assertFalse(threadAlive("instance-file"));
        assertEquals(1, file.interrupted.get());
        inUse.add("instance-process");
        watchers.refresh();
        assertEquals(Set.of(), watchers.watched(), "nothing starts once closed");
    }

    @Test
    void thePluginIsLookedUpBeforeEveryPollSoAReplacementIsUsed() throws Exception {
        Plugin before = serve("instance-file");
        inUse.add("instance-file");
        watchers(ChangeBackoff.DEFAULT).refresh();
        await().atMost(WAIT).until(() -> before.calls.size() == 2);
        Plugin after = serve("instance-file"); // an upgrade: a new object behind the name, with a log of its own
        before.changed("web"); // the old one's poll ends...
        await().atMost(WAIT).until(() -> !after.calls.isEmpty()); // ...and the next poll goes to the new one
        after.changed("db");
        // its log is not the old one's: the number kept is answered with a reset (every group), or the change itself
        await().atMost(WAIT).until(() -> wakes.contains("instance-file [db]") || wakes.contains("instance-file *"));
        assertEquals("instance-file [web]", wakes.get(0));
        await().atMost(WAIT).until(() -> lookups.get() == before.calls.size() + after.calls.size()); // one lookup per poll
        assertEquals(2, before.calls.size(), "the old object is never asked again");
    }

    @Test
    void failingCallsBackOffDoublingAndAnAnswerStartsAgainFromTheFirstDelay() throws Exception {
        Plugin p = serve("instance-file");
        p.failing.set(4);
        inUse.add("instance-file");
        watchers(new ChangeBackoff(50, 200, 60_000)).refresh();
        await().atMost(WAIT).until(() -> p.calls.size() >= 6); // 4 failures, then the first answer and the wait
        List<Long> gaps = p.gaps();
        assertTrue(gaps.get(0) >= 50 && gaps.get(1) >= 100 && gaps.get(2) >= 200 && gaps.get(3) >= 200, "1, 2, 4 times the first, capped: " + gaps);
        assertEquals(0, p.interrupted.get());
        p.failing.set(1);
        p.changed("web"); // answered; the next call fails once
        await().atMost(WAIT).until(() -> p.calls.size() >= 8);
        assertTrue(wakes.contains("instance-file [web]"), wakes.toString());
    }

    @Test
    void aPluginWithoutTheInterfaceIsAskedAgainRarelyAndAMissingOneWithTheBackoff() throws Exception {
        present.add("instance-go"); // an instance plugin, without changes; instance-gone is not there at all
        inUse.addAll(List.of("instance-go", "instance-gone"));
        watchers(new ChangeBackoff(20, 40, 60_000)).refresh();
        await().atMost(WAIT).until(() -> lookupsOf.containsKey("instance-gone") && lookupsOf.get("instance-gone").get() >= 8);
        assertEquals(1, lookupsOf.get("instance-go").get(), "asked once, then again in a minute");
        assertTrue(threadAlive("instance-go") && threadAlive("instance-gone"));
        assertTrue(wakes.isEmpty());
    }

    @Test
    void aPluginThatGainsTheInterfaceIsUsedAtTheNextRetry() throws Exception {
        present.add("instance-file");
        inUse.add("instance-file");
        watchers(new ChangeBackoff(20, 40, 300)).refresh();
        await().atMost(WAIT).until(() -> lookups.get() == 1);
        Plugin upgraded = serve("instance-file");
        await().atMost(WAIT).until(() -> !upgraded.calls.isEmpty());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(upgraded.calls.get(0) - lookedUpAt.get(0)) >= 300, "asked again after the long delay only");
        upgraded.changed(null);
        await().atMost(WAIT).until(() -> wakes.equals(List.of("instance-file *")));
    }

    @Test
    void aRemotePluginThatDoesNotSupportItIsTreatedAsOneWithoutIt() throws Exception {
        present.add("instance-go");
        AtomicInteger asked = new AtomicInteger();
        plugins.put("instance-go", new AtomicReference<>((after, wait) -> {
            asked.incrementAndGet();
            throw new PluginNotFoundException("Plugin does not support interface {InstanceChanges 0.1.0}");
        }));
        inUse.add("instance-go");
        watchers(new ChangeBackoff(10, 10, 60_000)).refresh();
        await().atMost(WAIT).until(() -> asked.get() == 1);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> asked.get() == 1); // a failure would be retried after 10 ms
    }

    @Test
    void aPluginThatAnswersAnEmptyWaitAtOnceIsNotAskedInALoop() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        List<Long> starts = new CopyOnWriteArrayList<>();
        present.add("instance-hasty");
        plugins.put("instance-hasty", new AtomicReference<>((after, wait) -> {
            asked.incrementAndGet();
            starts.add(System.nanoTime());
            return new InstanceChanges.Changes(7, List.of(), false); // never waits, never changes
        }));
        inUse.add("instance-hasty");
        watchers(new ChangeBackoff(100, 100, 60_000)).refresh();
        await().atMost(WAIT).until(() -> asked.get() >= 4);
        for (int i = 2; i < starts.size(); i++) {
            assertTrue(starts.get(i) - starts.get(i - 1) >= TimeUnit.MILLISECONDS.toNanos(95), "paused between hasty answers");
        }
        assertTrue(wakes.isEmpty());
    }

    @Test
    void aWatcherWaitingOutABackoffStopsAtOnce() throws Exception {
        AtomicBoolean called = new AtomicBoolean();
        plugins.put("instance-down", new AtomicReference<>((after, wait) -> {
            called.set(true);
            throw new PluginException("connection refused");
        }));
        inUse.add("instance-down");
        watchers(new ChangeBackoff(60_000, 60_000, 60_000)).refresh();
        await().atMost(WAIT).untilTrue(called);
        long start = System.nanoTime();
        watchers.close();
        assertFalse(threadAlive("instance-down"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "not after the minute's backoff");
    }
}
