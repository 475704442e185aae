package io.infrakit.cli;

import io.infrakit.rpc.wire.Spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code infrakit manager status} and the all-or-nothing checks of {@code infrakit manager commit}, over real sockets. */
class ManagerCommandTest {

    private CliFixture fx;
    private final Fakes.Groups leader = new Fakes.Groups();
    private final Fakes.Groups stateless = new Fakes.Groups();

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.INSTANCE, "instance-file", null, new Fakes.Instances("i"));
        // a group plugin that is not a manager
        fx.serve(Spi.GROUP, "group-stateless", null, stateless);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private Fakes.Groups serveManager(String name, Fakes.Groups manager) {
        fx.serve(Spi.GROUP, name, null, manager);
        fx.serve(Spi.MANAGER, name, null, manager);
        return manager;
    }

    private static String fatal(String message) {
        return "level=fatal msg=\"" + message.replace("\"", "\\\"") + "\"\n";
    }

    // ---- status

    @Test
    void statusListsEveryManagerSocketWithItsRole() throws Exception {
        leader.leader = true;
        serveManager("group", leader);
        serveManager("group-b", new Fakes.Groups());
        serveManager("group-c", new Fakes.Groups()).leaderError = "cannot read /var/run/leader";
        // a socket file nobody listens on any more: skipped with a warning, as plugin ls does
        Path stale = fx.dir.resolve("stale");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(stale));
        }

        CliFixture.Run run = fx.run("manager", "status");
        assertEquals(0, run.status(), run.err());
        assertEquals(List.of(
                "NAME                \tROLE      \tLEADER              \tDETAIL",
                "group               \tLEADER    \tgroup               \t-",
                "group-b             \tFOLLOWER  \t-                   \t-",
                "group-c             \tUNKNOWN   \t-                   \terror: cannot read /var/run/leader"), run.outLines());
        assertTrue(run.err().startsWith("level=warning msg=\"Skipping " + stale + ": "), run.err());
    }

    @Test
    void statusQuietLeavesTheHeaderOut() {
        serveManager("group", leader);

        assertEquals(new CliFixture.Run(0, "group               \tFOLLOWER  \t-                   \t-\n", ""),
                fx.run("manager", "status", "-q"));
    }

    @Test
    void statusWithoutAManagerSaysSo() {
        assertEquals(new CliFixture.Run(0, "no manager plugin found in " + fx.dir + "\n", ""), fx.run("manager", "status"));
        assertEquals(new CliFixture.Run(0, "", ""), fx.run("manager", "status", "--quiet"));
    }

    // ---- commit

    @Test
    void commitAsksEveryPluginForItsPlanBeforeCommittingAny() throws Exception {
        leader.leader = true;
        serveManager("group", leader);
        Path groups = fx.file("groups.json", """
                [{"Plugin": "group", "Properties": {"ID": "a"}}, {"Plugin": "group-stateless", "Properties": {"ID": "b"}}]
                """);

        assertEquals(new CliFixture.Run(0, "Group a with plugin group plan: Managing 3 instances\n"
                + "Group b with plugin group-stateless plan: Managing 3 instances\n", ""), fx.run("manager", "commit", groups.toString()));
        assertEquals(List.of("pretend a", "commit a"), leader.calls);
        assertEquals(List.of("pretend b", "commit b"), stateless.calls);
    }

    @Test
    void aBadEntryAfterAGoodOneCommitsNothing() throws Exception {
        leader.leader = true;
        serveManager("group", leader);
        String good = "{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"a\"}}";
        List<List<String>> cases = List.of(
                List.of("\"group\"", "Entry 1 of $ is not a JSON object {\"Plugin\": .., \"Properties\": ..}"),
                List.of("null", "Entry 1 of $ is not a JSON object {\"Plugin\": .., \"Properties\": ..}"),
                List.of("{\"Properties\": {\"ID\": \"b\"}}", "Entry 1 of $ names no Plugin"),
                List.of("{\"Plugin\": \"group\"}", "Entry 1 of $ has no Properties (the group spec)"),
                List.of("{\"Plugin\": \"group\", \"Properties\": {\"Properties\": {}}}", "Entry 1 of $: the group spec has no ID"),
                List.of("{\"Plugin\": \"a b\", \"Properties\": {\"ID\": \"b\"}}", "Entry 1 of $: Invalid plugin name 'a b': use letters, "
                        + "digits, '.', '_' and '-' (at most 100, not starting with '.' or '-')"),
                List.of(good.replace("\"a\"", "42"), "Entry 1 of $ is not a valid group spec: ID: expected a string, got 42*"),
                List.of(good, "Entries 0 and 1 of $ both commit group a to plugin group"),
                List.of("{\"Plugin\": \"nope\", \"Properties\": {\"ID\": \"b\"}}", "Entry 1 of $ (group b, plugin nope): Plugin not found: "
                        + "nope (looked up using nope in " + fx.dir + "); nothing committed"));
        for (List<String> c : cases) {
            Path groups = fx.file("groups.json", "[" + good + ", " + c.get(0) + "]");
            CliFixture.Run run = fx.run("manager", "commit", groups.toString());
            String expected = c.get(1).replace("$", groups.toString());
            assertEquals(1, run.status(), c.get(0));
            assertEquals("", run.out(), c.get(0));
            if (expected.endsWith("*")) {
                String prefix = fatal(expected.substring(0, expected.length() - 1));
                assertTrue(run.err().startsWith(prefix.substring(0, prefix.length() - 2)), run.err());
            } else {
                assertEquals(fatal(expected), run.err());
            }
            assertEquals(List.of(), leader.calls, c.get(0));
        }
    }

    @Test
    void aFileThatIsNotAnArrayOfGroupsCommitsNothing() throws Exception {
        leader.leader = true;
        serveManager("group", leader);
        Path object = fx.file("object.json", "{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"a\"}}");
        Path empty = fx.file("empty.json", "[]");

        assertEquals(new CliFixture.Run(1, "", fatal(object + " is not a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}")),
                fx.run("manager", "commit", object.toString()));
        assertEquals(new CliFixture.Run(1, "", fatal(empty + " holds no groups")), fx.run("manager", "commit", empty.toString()));
        assertEquals(List.of(), leader.calls);
    }

    @Test
    void anEntryItsPluginRefusesCommitsNothing() throws Exception {
        leader.leader = true;
        serveManager("group", leader);
        stateless.refusals.put("b", "Allocation must not be blank");
        Path groups = fx.file("groups.json", """
                [{"Plugin": "group", "Properties": {"ID": "a"}}, {"Plugin": "group-stateless", "Properties": {"ID": "b"}}]
                """);

        assertEquals(new CliFixture.Run(1, "", fatal("Entry 1 of " + groups + " (group b, plugin group-stateless): "
                + "Allocation must not be blank; nothing committed")), fx.run("manager", "commit", groups.toString()));
        assertEquals(List.of("pretend a"), leader.calls);
    }

    @Test
    void aCommitThatFailsAfterItsPlanSaysTheEarlierOnesWereCommitted() throws Exception {
        leader.leader = true;
        serveManager("group", leader);
        leader.failures.put("b", "store conflict");
        Path groups = fx.file("groups.json", """
                [{"Plugin": "group", "Properties": {"ID": "a"}}, {"Plugin": "group", "Properties": {"ID": "b"}}]
                """);

        assertEquals(new CliFixture.Run(1, "Group a with plugin group plan: Managing 3 instances\n",
                fatal("Entry 1 of " + groups + " (group b, plugin group): store conflict; the entries before it were committed")),
                fx.run("manager", "commit", groups.toString()));
        assertEquals(List.of("pretend a", "pretend b", "commit a", "commit b"), leader.calls);
    }

    @Test
    void aManagerThatFailsToAnswerIsNamedWhenNoneLeads() {
        serveManager("group", leader);
        serveManager("group-b", new Fakes.Groups()).leaderError = "cannot read /var/run/leader";

        assertEquals(new CliFixture.Run(1, "", fatal("no manager plugin in " + fx.dir
                + " is the leader (found group, group-b (error: cannot read /var/run/leader))")), fx.run("manager", "inspect"));
    }
}
