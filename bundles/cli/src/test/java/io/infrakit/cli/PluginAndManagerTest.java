package io.infrakit.cli;

import io.infrakit.rpc.wire.Spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code infrakit plugin ...}, {@code infrakit manager ...} and {@code infrakit info ...}: the verbs that look at every socket. */
class PluginAndManagerTest {

    private CliFixture fx;
    private final Fakes.Groups manager = new Fakes.Groups();

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.INSTANCE, "instance-file", null, new Fakes.Instances("i"));
        fx.serve(Spi.FLAVOR, "flavor-vanilla", null, new Fakes.Flavor());
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private void serveManager() {
        fx.serve(Spi.GROUP, "group", null, manager);
        fx.serve(Spi.MANAGER, "group", null, manager);
    }

    @Test
    void lsListsTheSocketsThatAnswer() throws Exception {
        // a socket file nobody listens on any more, and a plain file: neither is listed
        Path stale = fx.dir.resolve("stale");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(stale));
        }
        Files.writeString(fx.dir.resolve("flavor-vanilla.pid"), "42");

        CliFixture.Run run = fx.run("plugin", "ls");
        assertEquals(0, run.status());
        assertEquals(List.of(
                "NAME                \tLISTEN",
                "flavor-vanilla      \t" + fx.dir.resolve("flavor-vanilla"),
                "instance-file       \t" + fx.dir.resolve("instance-file")), run.outLines());
        assertTrue(run.err().startsWith("level=warning msg=\"Skipping " + stale + ": No plugin is listening on " + stale), run.err());

        assertEquals(List.of(
                "flavor-vanilla      \t" + fx.dir.resolve("flavor-vanilla"),
                "instance-file       \t" + fx.dir.resolve("instance-file")), fx.run("plugin", "ls", "-q").outLines());
    }

    @Test
    void lsOfAMissingDirectoryIsAnEmptyTable() {
        CliFixture.Run run = CliFixture.runIn(new Environment(java.util.Map.of("INFRAKIT_HOME", fx.base.resolve("nohome").toString()), "/x"),
                "plugin", "ls");
        assertEquals(new CliFixture.Run(0, "NAME                \tLISTEN\n", ""), run);
    }

    @Test
    void startAndStopAreNotSupported() {
        CliFixture.Run start = fx.run("plugin", "start", "--config-url", "file:///tmp/plugins.json", "--exec", "os", "group");
        assertEquals(1, start.status());
        assertEquals("level=fatal msg=\"plugin start is not supported: plugins run in Karaf; use feature:install / the deploy folder "
                + "to start them and feature:uninstall / bundle:stop to stop them\"", start.errLine());
        CliFixture.Run stop = fx.run("plugin", "stop", "--all");
        assertEquals(1, stop.status());
        assertTrue(stop.errLine().startsWith("level=fatal msg=\"plugin stop is not supported: plugins run in Karaf"), stop.err());
    }

    @Test
    void managerWithoutAManagerPlugin() {
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"no manager plugin found in " + fx.dir + "\"\n"), fx.run("manager", "inspect"));
    }

    @Test
    void managerThatIsNotTheLeader() {
        serveManager();
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"no manager plugin in " + fx.dir + " is the leader (found group)\"\n"),
                fx.run("manager", "inspect"));
    }

    @Test
    void managerCommitThenInspect() throws Exception {
        serveManager();
        manager.leader = true;
        Path groups = fx.file("groups.json", """
                [
                  {"Plugin": "group", "Properties": {"ID": "workers", "Properties": {"Allocation": {"Size": 2}}}},
                  {"Plugin": "group", "Properties": {"ID": "managers", "Properties": {"Allocation": {"LogicalIDs": ["a"]}}}}
                ]
                """);
        assertEquals(new CliFixture.Run(0, "Group workers with plugin group plan: Managing 3 instances\n"
                        + "Group managers with plugin group plan: Managing 3 instances\n", ""),
                fx.run("manager", "commit", "--pretend", groups.toUri().toString()));
        assertEquals(List.of("pretend workers", "pretend managers"), manager.calls);

        assertEquals(0, fx.run("manager", "commit", groups.toString()).status());
        assertEquals(new CliFixture.Run(0, """
                [
                  {
                    "Plugin": "group",
                    "Properties": {
                      "ID": "workers",
                      "Properties": {
                        "Allocation": {
                          "Size": 2
                        }
                      }
                    }
                  },
                  {
                    "Plugin": "group",
                    "Properties": {
                      "ID": "managers",
                      "Properties": {
                        "Allocation": {
                          "LogicalIDs": [
                            "a"
                          ]
                        }
                      }
                    }
                  }
                ]
                """, ""), fx.run("manager", "inspect"));
    }

    @Test
    void managerCommitOfAnEntryWithoutPlugin() throws Exception {
        serveManager();
        manager.leader = true;
        Path groups = fx.file("groups.json", "[{\"Properties\": {\"ID\": \"workers\"}}]");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Entry 0 of " + groups + " names no Plugin\"\n"),
                fx.run("manager", "commit", groups.toString()));
        assertTrue(manager.calls.isEmpty());
    }

    @Test
    void managerInspectWithNoGroupsIsAnEmptyArray() {
        serveManager();
        manager.leader = true;
        assertEquals(new CliFixture.Run(0, "[]\n", ""), fx.run("manager", "inspect"));
    }

    @Test
    void infoApiPrintsWhatThePluginImplements() {
        serveManager();
        assertEquals(new CliFixture.Run(0, """
                {
                  "Implements": [
                    {
                      "Name": "Group",
                      "Version": "0.1.0"
                    },
                    {
                      "Name": "Manager",
                      "Version": "0.1.0"
                    }
                  ]
                }
                """, ""), fx.run("info", "--name", "group", "api"));
    }
}
