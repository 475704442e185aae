package io.infrakit.manager;

import io.infrakit.manager.Fakes.ManualLeadership;
import io.infrakit.manager.Fakes.MemoryStore;
import io.infrakit.manager.Fakes.Registry;
import io.infrakit.manager.Fakes.StatelessGroups;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Leadership;
import io.infrakit.spi.observe.ControllerObserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagerComponentTest {

    private final WireJsonCodec json = new WireJsonCodec();
    private final StatelessGroups proxy = new StatelessGroups();
    private final Registry registry = new Registry();
    private ManagerComponent component;

    @AfterEach
    void deactivate() {
        if (component != null) {
            component.deactivate();
        }
    }

    private static Map<String, Object> properties(long id, String backend) {
        return Map.of("service.id", id, Leadership.BACKEND_PROPERTY, backend);
    }

    private GroupSpec cattle() throws PluginException {
        return json.decode(new RawJson("{\"ID\":\"cattle\",\"Properties\":{\"Allocation\":{\"Size\":1}}}"), GroupSpec.class);
    }

    @Test
    void theManagerRunsOnTheConfiguredBackendOnlyAndStopsActingWhenItGoes() throws PluginException {
        registry.plugins.put("group-stateless", proxy);
        component = new ManagerComponent(config("zookeeper", "group-stateless"));
        component.setRegistry(registry);
        component.setJson(json);
        ManualLeadership file = new ManualLeadership(LeaderStatus.leader("group"));
        component.bindLeadership(file, properties(1, "file"));
        component.bindStore(new MemoryStore(), properties(2, "file"));

        PluginException missing = assertThrows(PluginException.class, () -> component.commitGroup(cattle(), false));
        assertEquals("The manager's zookeeper backend is not available (is the feature infrakit-manager-zookeeper installed and configured?)",
                missing.getMessage());
        assertEquals(LeaderStatus.Role.UNKNOWN, component.status().role());
        assertFalse(component.isLeader());

        ManualLeadership zookeeper = new ManualLeadership(LeaderStatus.leader("group"));
        MemoryStore store = new MemoryStore();
        component.bindLeadership(zookeeper, properties(3, "zookeeper"));
        component.bindStore(store, properties(4, "zookeeper"));
        assertEquals("Managing 3 instances", component.commitGroup(cattle(), false));
        assertTrue(store.json().contains("\"cattle\""));
        assertTrue(component.isLeader());

        component.unbindStore(store, properties(4, "zookeeper"));

        assertEquals(Set.of(), proxy.watched.keySet(), "freed at once when its backend went away");
        assertEquals(1, zookeeper.closed.get());
        assertEquals(0, file.closed.get());
        assertThrows(PluginException.class, () -> component.commitGroup(cattle(), false));
    }

    @Test
    void theObserversBoundToTheComponentAreToldOfTheStoresFailures() throws PluginException {
        registry.plugins.put("group-stateless", proxy);
        component = new ManagerComponent(config("file", "group-stateless"));
        component.setRegistry(registry);
        component.setJson(json);
        List<String> told = new CopyOnWriteArrayList<>();
        ControllerObserver observer = new ControllerObserver() {
            @Override
            public void storeFailed(String operation, String detail) {
                told.add(operation + ": " + detail);
            }
        };
        component.addObserver(observer);
        MemoryStore store = new MemoryStore();
        store.refuseSaves = "read-only file system";
        component.bindLeadership(new ManualLeadership(LeaderStatus.leader("group")), properties(1, "file"));
        component.bindStore(store, properties(2, "file"));

        assertThrows(PluginException.class, () -> component.commitGroup(cattle(), false));
        assertEquals(List.of("save: read-only file system"), told);
        component.removeObserver(observer);
        assertThrows(PluginException.class, () -> component.commitGroup(cattle(), false));
        assertEquals(1, told.size(), "an observer removed is told nothing more");
    }

    @Test
    void aManagerCannotForwardToItself() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ManagerComponent(config("file", "group")));
        assertTrue(e.getMessage().contains("cannot forward to itself"), e.getMessage());
    }

    private static ManagerComponent.Config config(String backend, String proxy) {
        return new ManagerComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ManagerComponent.Config.class;
            }

            @Override
            public String infrakit_plugin_name() {
                return "group";
            }

            @Override
            public String manager_name() {
                return "";
            }

            @Override
            public String backend() {
                return backend;
            }

            @Override
            public String proxy_for_group() {
                return proxy;
            }

            @Override
            public long call_timeout_ms() {
                return 5000;
            }

            @Override
            public long resync_interval_ms() {
                return 1000;
            }

            @Override
            public int history_limit() {
                return 10;
            }
        };
    }
}
