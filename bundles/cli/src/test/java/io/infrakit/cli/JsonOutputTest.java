package io.infrakit.cli;

import io.infrakit.ops.ScriptedGroupControl;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --json} on the read verbs that are not about groups: plugin ls, instance describe, manager status. */
class JsonOutputTest {

    private CliFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void pluginLsAsJsonNamesWhatEachImplements() {
        fx.serve(Spi.GROUP, "group", null, new Fakes.Groups());
        fx.serve(Spi.GROUP_CONTROL, "group", null, new ScriptedGroupControl());
        assertEquals(new CliFixture.Run(0, """
                [
                  {
                    "Name": "group",
                    "Listen": "%s",
                    "Interfaces": [
                      {
                        "Name": "Group",
                        "Version": "0.1.0"
                      },
                      {
                        "Name": "GroupControl",
                        "Version": "0.1.0"
                      }
                    ]
                  }
                ]
                """.formatted(fx.dir.resolve("group")), ""), fx.run("plugin", "ls", "--json"));
    }

    @Test
    void instanceDescribeAsJson() throws Exception {
        Fakes.Instances instances = new Fakes.Instances("i");
        instances.provision(new InstanceSpec(null, Map.of("tier", "web"), "", "10.0.0.1", null));
        fx.serve(Spi.INSTANCE, "instance-test", null, instances);
        assertEquals(new CliFixture.Run(0, """
                [
                  {
                    "ID": "i-1",
                    "LogicalID": "10.0.0.1",
                    "Tags": {
                      "tier": "web"
                    }
                  }
                ]
                """, ""), fx.run("instance", "--name", "instance-test", "describe", "--json"));
    }

    @Test
    void managerStatusAsJson() {
        Fakes.Groups manager = new Fakes.Groups();
        manager.leader = true;
        fx.serve(Spi.MANAGER, "group", null, manager);
        assertEquals(new CliFixture.Run(0, """
                [
                  {
                    "Name": "group",
                    "Role": "LEADER",
                    "Leader": "group",
                    "Detail": null
                  }
                ]
                """, ""), fx.run("manager", "status", "--json"));
    }

    @Test
    void managerStatusAsJsonWithoutManagerIsAnEmptyArray() {
        assertEquals(new CliFixture.Run(0, "[]\n", ""), fx.run("manager", "status", "--json"));
    }
}
