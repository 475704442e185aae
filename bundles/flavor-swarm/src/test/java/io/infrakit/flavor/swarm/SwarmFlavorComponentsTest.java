package io.infrakit.flavor.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;

class SwarmFlavorComponentsTest {

    static SwarmFlavorConfig config(String host, String manager, String worker) {
        return new SwarmFlavorConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SwarmFlavorConfig.class;
            }

            @Override
            public String infrakit_plugin_name() {
                return "flavor-swarm";
            }

            @Override
            public String host() {
                return host;
            }

            @Override
            public String manager_init_template() {
                return manager;
            }

            @Override
            public String worker_init_template() {
                return worker;
            }
        };
    }

    @Test
    void theConfiguredTemplateAndHostAreUsed(@TempDir Path dir) throws Exception {
        Path template = Files.writeString(dir.resolve("w.sh"), "join {{JOIN_TOKEN}} {{MANAGER_ADDR}}\n");
        FakeEngine engine = new FakeEngine();
        SwarmFlavor worker = SwarmFlavorComponents.flavor(SwarmFlavor.Role.WORKER, config("unix:///configured.sock", "", template.toString()),
                () -> engine, WireJsonCodec::new);
        InstanceSpec out = worker.prepare(null, new InstanceSpec(null, null, "", null, null), Allocation.ofSize(1));
        assertEquals("join '" + FakeEngine.WORKER_TOKEN + "' '10.0.0.5:2377'\n", out.init());
        assertEquals("unix:///configured.sock", engine.hosts.get(0));
        // a group's own template wins
        Path own = Files.writeString(dir.resolve("own.sh"), "own {{SWARM_ID}}\n");
        assertEquals("own '" + FakeEngine.SWARM_ID + "'\n", worker.prepare(new RawJson("{\"InitScriptTemplateURL\":\"" + own.toUri() + "\"}"),
                new InstanceSpec(null, null, "", null, null), Allocation.ofSize(1)).init());
    }

    @Test
    void aBadTemplateFileStopsTheComponentNamingTheKey(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("m.sh"), "{{SPEC.SwarmJoinIP}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SwarmFlavorComponents.flavor(SwarmFlavor.Role.MANAGER,
                config("", bad.toString(), ""), FakeEngine::new, WireJsonCodec::new));
        assertEquals("manager.init.template " + bad + " of io.infrakit.flavor.swarm: unknown placeholder {{SPEC.SwarmJoinIP}} (known: "
                + "DAEMON_JSON, INFRAKIT_LINK, INFRAKIT_LINK_CONTEXT, INIT_SWARM, JOIN_TOKEN, LOGICAL_ID, MANAGER_ADDR, SWARM_ID, SWARM_JOIN_IP)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SwarmFlavorComponents.flavor(SwarmFlavor.Role.WORKER,
                config("", "", dir.resolve("missing.sh").toString()), FakeEngine::new, WireJsonCodec::new));
    }
}
