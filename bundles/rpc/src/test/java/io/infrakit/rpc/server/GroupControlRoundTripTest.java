package io.infrakit.rpc.server;

import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The GroupControl interface over a real socket: its wire names, the long poll of events, sources and errors. */
class GroupControlRoundTripTest {

    private HostFixture fx;
    private final Control control = new Control();

    /** Answers from fixed data and logs the calls. */
    static final class Control implements GroupControl {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<GroupEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public String commit(GroupSpec spec, boolean pretend, String source) {
            calls.add("commit " + spec.id() + " " + pretend + " " + source);
            return "Managing 2 instances";
        }

        @Override
        public List<GroupStatus> status(String id) throws PluginException {
            if (id.equals("nope")) {
                throw new PluginException("Group 'nope' is not being watched");
            }
            GroupStatus s = new GroupStatus("cattle", 3, 3, 2, 1, "Rolling", 2, "sha2", "Rolling update to configuration sha2", null,
                    id.isEmpty() ? null : List.of(new GroupStatus.Member("i-1", null, "Healthy", true, "sha2")));
            return List.of(s);
        }

        @Override
        public synchronized List<GroupEvent> events(String id, long after, int limit, long waitMillis) throws PluginException {
            calls.add("events " + id + " " + after + " " + limit + " " + waitMillis);
            long deadline = System.nanoTime() + waitMillis * 1_000_000;
            try {
                while (System.nanoTime() < deadline && events.stream().noneMatch(e -> e.seq() > after)) {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
            } catch (InterruptedException e) {
                throw new PluginException("interrupted");
            }
            return events.stream().filter(e -> e.seq() > after).toList();
        }

        synchronized void add(GroupEvent event) {
            events.add(event);
            notifyAll();
        }

        @Override
        public List<Revision> history(String id) {
            return List.of(new Revision(1, "sha1", 1000, "cli", null, new GroupSpec(id, new RawJson("{\"Allocation\":{\"Size\":1}}"))));
        }

        @Override
        public String rollback(String id, int revision, String source) {
            calls.add("rollback " + id + " " + revision + " " + source);
            return "Performing a rolling update on 1 instances";
        }

        @Override
        public String pause(String id, String source) {
            calls.add("pause " + id + " " + source);
            return "Paused";
        }

        @Override
        public String resume(String id, String source) {
            calls.add("resume " + id + " " + source);
            return "Resumed the rollout";
        }

        @Override
        public String stop(String id, String source) {
            calls.add("stop " + id + " " + source);
            return "Stopped the rollout";
        }
    }

    @BeforeEach
    void start() throws Exception {
        fx = new HostFixture(1000);
        fx.register(Spi.GROUP_CONTROL, "group", null, control);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void theInterfaceIsHandshakedBesideTheOthersAndItsWireNamesAreGoStyle() throws Exception {
        assertEquals(List.of(new InterfaceSpec("GroupControl", "0.1.0")), fx.client.handshake(fx.socket("group")));
        assertEquals("{\"Groups\":[{\"ID\":\"cattle\",\"Desired\":3,\"Current\":3,\"Ready\":2,\"UpToDate\":1,\"Status\":\"Rolling\","
                        + "\"Revision\":2,\"ConfigSHA\":\"sha2\",\"Update\":\"Rolling update to configuration sha2\"}]}",
                fx.client.call(fx.socket("group"), "GroupControl.Status", "{}"));
        assertEquals("{\"Groups\":[{\"ID\":\"cattle\",\"Desired\":3,\"Current\":3,\"Ready\":2,\"UpToDate\":1,\"Status\":\"Rolling\","
                        + "\"Revision\":2,\"ConfigSHA\":\"sha2\",\"Update\":\"Rolling update to configuration sha2\","
                        + "\"Members\":[{\"ID\":\"i-1\",\"Health\":\"Healthy\",\"UpToDate\":true,\"ConfigSHA\":\"sha2\"}]}]}",
                fx.client.call(fx.socket("group"), "GroupControl.Status", "{\"ID\":\"cattle\"}"));
        assertEquals("{\"Revisions\":[{\"Revision\":1,\"ConfigSHA\":\"sha1\",\"Time\":1000,\"Source\":\"cli\","
                        + "\"Spec\":{\"ID\":\"cattle\",\"Properties\":{\"Allocation\":{\"Size\":1}}}}]}",
                fx.client.call(fx.socket("group"), "GroupControl.History", "{\"ID\":\"cattle\"}"));
        assertEquals("{\"Details\":\"Paused\"}", fx.client.call(fx.socket("group"), "GroupControl.Pause", "{\"ID\":\"cattle\"}"));
        assertEquals("pause cattle api", control.calls.get(control.calls.size() - 1), "no source given: a plain API call");
    }

    @Test
    void everyVerbThroughTheClientProxyCarriesItsSource() throws Exception {
        GroupControl remote = fx.client.connect(fx.socket("group"), "", GroupControl.class);
        assertEquals("Managing 2 instances", remote.commit(new GroupSpec("cattle", new RawJson("{}")), true, "cli"));
        assertEquals("Performing a rolling update on 1 instances", remote.rollback("cattle", 1, "cli"));
        assertEquals("Resumed the rollout", remote.resume("cattle", "shell"));
        assertEquals("Stopped the rollout", remote.stop("cattle", "cli"));
        assertEquals(List.of("commit cattle true cli", "rollback cattle 1 cli", "resume cattle shell", "stop cattle cli"), control.calls);
        assertEquals(1, remote.history("cattle").get(0).revision());
        assertEquals("sha2", remote.status("cattle").get(0).members().get(0).configSHA());
        PluginException e = assertThrows(PluginException.class, () -> remote.status("nope"));
        assertEquals("Group 'nope' is not being watched", e.getMessage());
    }

    @Test
    void eventsAreLongPolledUpToThirtySeconds() throws Exception {
        GroupControl remote = fx.client.connect(fx.socket("group"), "", GroupControl.class);
        CompletableFuture<List<GroupEvent>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return remote.events("cattle", 0, 10, 5_000);
            } catch (PluginException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(waiting.isDone());
        control.add(new GroupEvent(1, 2000, "cattle", GroupEvent.Type.INSTANCE_LOST, "instance-1 is gone", "instance-1", null, 0, null));
        List<GroupEvent> got = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(1, got.size());
        assertEquals("instance-1", got.get(0).instance());
        fx.client.call(fx.socket("group"), "GroupControl.Events", "{\"ID\":\"cattle\",\"After\":0,\"WaitSeconds\":3600}");
        assertEquals("events cattle 0 0 30000", control.calls.get(control.calls.size() - 1), "the wait is capped at 30 s");
        assertEquals("{\"Events\":[{\"Seq\":1,\"Time\":2000,\"Group\":\"cattle\",\"Type\":\"InstanceLost\",\"Message\":\"instance-1 is gone\","
                + "\"Instance\":\"instance-1\"}]}", fx.client.call(fx.socket("group"), "GroupControl.Events", "{\"ID\":\"cattle\"}"));
    }
}
