package io.infrakit.shell;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.manager.Manager;
import io.infrakit.spi.registry.PluginInfo;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.infrakit.shell.Shell.fail;
import static io.infrakit.shell.Shell.run;
import static io.infrakit.shell.Shell.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagerCommandsTest {

    private static final List<InterfaceSpec> MANAGER = List.of(new InterfaceSpec("Group", "0.1.0"), Manager.INTERFACE);

    private static final String GROUPS = """
            [
              {"Plugin": "group", "Properties": {"ID": "workers", "Properties": {"Allocation": {"Size": 2}}}},
              {"Plugin": "group-stateless", "Properties": {"ID": "managers", "Properties": {"Allocation": {"LogicalIDs": ["a"]}}}}
            ]
            """;

    @TempDir
    Path dir;

    private final FakeRegistry registry = new FakeRegistry();
    private final FakeGroupPlugin stateless = new FakeGroupPlugin();

    /** Registers a local manager under a name, listed as implementing Group and Manager. */
    private FakeManager manager(String name, LeaderStatus status) {
        FakeManager manager = new FakeManager(status);
        plugin(name, manager, MANAGER);
        return manager;
    }

    private void plugin(String name, Object plugin, List<InterfaceSpec> interfaces) {
        registry.with(name, plugin);
        registry.infos.add(new PluginInfo(name, plugin instanceof FakeManager, interfaces, List.of(), "/p/" + name, null));
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static List<List<String>> rows(String output) {
        return output.lines().map(line -> List.of(line.split("\t", -1)).stream().map(String::strip).toList()).toList();
    }

    // ---- manager-status

    @Test
    void statusListsEveryManagerWithItsRoleLeaderAndDetail() throws Exception {
        plugin("instance-file", new FakeInstancePlugin(), List.of(new InterfaceSpec("Instance", "0.3.0")));
        manager("group", LeaderStatus.leader("group"));
        manager("group-b", LeaderStatus.follower("group"));
        manager("group-c", LeaderStatus.unknown("ZooKeeper session expired"));
        manager("group-d", LeaderStatus.follower(null)).broken = new IllegalStateException("connection reset\nby peer");
        // reached through their sockets: they only answer IsLeader
        plugin("remote-1", (Manager) () -> true, List.of(Manager.INTERFACE));
        plugin("remote-2", (Manager) () -> false, List.of(Manager.INTERFACE));
        ManagerStatusCommand status = wire(new ManagerStatusCommand(), registry);
        status.noFormat = true;

        assertEquals(List.of(
                List.of("group", "LEADER", "group", "-"),
                List.of("group-b", "FOLLOWER", "group", "-"),
                List.of("group-c", "UNKNOWN", "-", "ZooKeeper session expired"),
                List.of("group-d", "UNKNOWN", "-", "error: connection reset by peer"),
                List.of("remote-1", "LEADER", "remote-1", "-"),
                List.of("remote-2", "FOLLOWER", "-", "-")), rows(run(status)));
    }

    @Test
    void statusTableHasAHeader() throws Exception {
        manager("group", LeaderStatus.leader("group"));

        String[] lines = run(wire(new ManagerStatusCommand(), registry)).split("\n");
        assertEquals(3, lines.length, "header, rule, one row");
        assertEquals(List.of("NAME", "ROLE", "LEADER", "DETAIL"),
                List.of(lines[0].split("[|│]")).stream().map(String::strip).toList());
        assertTrue(lines[2].startsWith("group"), lines[2]);
    }

    @Test
    void statusQuietPrintsTheManagerNamesOnly() throws Exception {
        plugin("instance-file", new FakeInstancePlugin(), List.of(new InterfaceSpec("Instance", "0.3.0")));
        manager("group", LeaderStatus.leader("group"));
        manager("group-b", LeaderStatus.follower("group"));
        ManagerStatusCommand status = wire(new ManagerStatusCommand(), registry);
        status.quiet = true;

        assertEquals("group\ngroup-b\n", run(status));
    }

    @Test
    void statusAsJsonParsesBack() throws Exception {
        manager("group", LeaderStatus.follower("m2"));
        manager("group-b", LeaderStatus.follower(null)).broken = new IllegalStateException("timed out");
        ManagerStatusCommand status = wire(new ManagerStatusCommand(), registry);
        status.json = true;

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> parsed = Shell.CODEC.decode(new RawJson(run(status)), List.class);
        Map<String, Object> follower = new HashMap<>();
        follower.put("Name", "group");
        follower.put("Role", "FOLLOWER");
        follower.put("Leader", "m2");
        follower.put("Detail", null);
        follower.put("Error", null);
        Map<String, Object> broken = new HashMap<>(follower);
        broken.put("Name", "group-b");
        broken.put("Role", "UNKNOWN");
        broken.put("Leader", null);
        broken.put("Error", "timed out");
        assertEquals(List.of(follower, broken), parsed);
    }

    @Test
    void statusWithoutAManagerSaysSoInOneLine() throws Exception {
        plugin("group-stateless", stateless, List.of(new InterfaceSpec("Group", "0.1.0")));

        assertEquals("No manager plugin found: no plugin implements Manager\n", run(wire(new ManagerStatusCommand(), registry)));
        ManagerStatusCommand json = wire(new ManagerStatusCommand(), registry);
        json.json = true;
        assertEquals("[]\n", run(json));
        ManagerStatusCommand quiet = wire(new ManagerStatusCommand(), registry);
        quiet.quiet = true;
        assertEquals("", run(quiet));
    }

    // ---- manager-commit

    @Test
    void commitChecksEveryEntryWithItsPluginThenCommitsEach() throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        plugin("group-stateless", stateless, List.of(new InterfaceSpec("Group", "0.1.0")));
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = write("groups.json", GROUPS).toUri().toString();

        assertEquals("""
                Group workers with plugin group plan: Managing 3 instances
                Group managers with plugin group-stateless plan: Managing 3 instances
                """, run(commit));
        assertEquals(List.of("commit workers pretend=true", "commit workers pretend=false"), leader.groups.calls);
        assertEquals(List.of("commit managers pretend=true", "commit managers pretend=false"), stateless.calls);
        assertEquals(new GroupSpec("managers", new RawJson("{\"Allocation\": {\"LogicalIDs\": [\"a\"]}}")), stateless.committed,
                "the group properties are passed on as written");
    }

    @Test
    void pretendCommitOnlyAsksForThePlans() throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        plugin("group-stateless", stateless, List.of(new InterfaceSpec("Group", "0.1.0")));
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = write("groups.json", GROUPS).toString();
        commit.pretend = true;

        assertEquals("""
                Group workers with plugin group plan: Managing 3 instances
                Group managers with plugin group-stateless plan: Managing 3 instances
                """, run(commit));
        assertEquals(List.of("commit workers pretend=true"), leader.groups.calls);
        assertEquals(List.of("commit managers pretend=true"), stateless.calls);
    }

    @Test
    void commitNeedsALeaderAndNamesTheManagersFound() throws Exception {
        FakeManager follower = manager("group", LeaderStatus.follower("m9"));
        manager("group-b", LeaderStatus.unknown("ZooKeeper session expired"));
        manager("group-c", LeaderStatus.follower(null)).broken = new IllegalStateException("connection reset");
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = write("groups.json", GROUPS).toString();

        assertEquals("No manager is the leader; managers found: group (follower, leader is m9), "
                + "group-b (unknown: ZooKeeper session expired), group-c (error: connection reset)", fail(commit));
        assertEquals(List.of(), follower.groups.calls);
    }

    @Test
    void theLeaderIsLookedForBeforeTheFileIsRead() {
        plugin("group-stateless", stateless, List.of(new InterfaceSpec("Group", "0.1.0")));
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = dir.resolve("missing.json").toString();

        assertEquals("No manager plugin found: no plugin implements Manager", fail(commit));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "not an array        | {\"Plugin\": \"group\"}                                | $ is not a JSON array of {\"Plugin\": <group plugin>, \"Properties\": <group spec>}",
        "empty array         | []                                                   | $ holds no groups",
        "broken JSON         | [{\"Plugin\": \"group\",]                            | $ is not valid JSON: *",
        "entry not an object | [\"group\"]                                          | Entry 0 of $ is not a JSON object {\"Plugin\": .., \"Properties\": ..}",
        "null entry          | [null]                                               | Entry 0 of $ is not a JSON object {\"Plugin\": .., \"Properties\": ..}",
        "plugin not a string | [{\"Plugin\": 7, \"Properties\": {\"ID\": \"a\"}}]   | Entry 0 of $ is not valid: *",
        "no plugin           | [{\"Properties\": {\"ID\": \"a\"}}]                  | Entry 0 of $ names no Plugin",
        "bad plugin name     | [{\"Plugin\": \"a b\", \"Properties\": {\"ID\": \"a\"}}] | Entry 0 of $: Invalid plugin name 'a b'*",
        "no properties       | [{\"Plugin\": \"group\"}]                            | Entry 0 of $ has no Properties (the group spec)",
        "spec not a spec     | [{\"Plugin\": \"group\", \"Properties\": {\"ID\": 42}}] | Entry 0 of $ is not a valid group spec: *",
        "spec without ID     | [{\"Plugin\": \"group\", \"Properties\": {\"Properties\": {}}}] | Entry 0 of $: the group spec has no ID",
    })
    void aFileWithABadEntryCommitsNothing(String what, String badEntry, String expected) throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        // a good entry first, when the bad one is an entry: it must not be committed either
        boolean afterAGoodOne = badEntry.startsWith("[") && !badEntry.equals("[]");
        String content = afterAGoodOne
                ? "[{\"Plugin\": \"group\", \"Properties\": {\"ID\": \"good\"}}, " + badEntry.substring(1)
                : badEntry;
        Path file = write("groups.json", content);
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = file.toString();

        String error = fail(commit);
        String wanted = expected.replace("$", file.toString()).replace("Entry 0", afterAGoodOne ? "Entry 1" : "Entry 0");
        if (wanted.endsWith("*")) {
            assertTrue(error.startsWith(wanted.substring(0, wanted.length() - 1)), error);
        } else {
            assertEquals(wanted, error);
        }
        assertEquals(List.of(), leader.groups.calls, what);
    }

    @Test
    void twoEntriesForTheSameGroupAndPluginAreRefused() throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        Path file = write("groups.json", """
                [{"Plugin": "group", "Properties": {"ID": "a"}},
                 {"Plugin": "group", "Properties": {"ID": "b"}},
                 {"Plugin": "group", "Properties": {"ID": "a", "Properties": {"x": 1}}}]
                """);
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = file.toString();

        assertEquals("Entries 0 and 2 of " + file + " both commit group a to plugin group", fail(commit));
        assertEquals(List.of(), leader.groups.calls);
    }

    @Test
    void anEntryForAMissingPluginCommitsNothing() throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        Path file = write("groups.json", """
                [{"Plugin": "group", "Properties": {"ID": "a"}}, {"Plugin": "nope", "Properties": {"ID": "b"}}]
                """);
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = file.toString();

        assertEquals("Entry 1 of " + file + " (group b, plugin nope): Plugin not found: nope "
                + "(looked up using local services and /tmp/plugins/nope); nothing committed", fail(commit));
        assertEquals(List.of(), leader.groups.calls);
    }

    @Test
    void anEntryItsPluginRefusesCommitsNothing() throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        // a follower answers commits with an error naming the leader
        manager("group-b", LeaderStatus.follower("group"));
        Path file = write("groups.json", """
                [{"Plugin": "group", "Properties": {"ID": "a"}}, {"Plugin": "group-b", "Properties": {"ID": "b"}}]
                """);
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = file.toString();

        assertEquals("Entry 1 of " + file + " (group b, plugin group-b): Not the leader; the leader is group; nothing committed",
                fail(commit));
        assertEquals(List.of("commit a pretend=true"), leader.groups.calls, "only asked for the plan");
    }

    @Test
    void aCommitThatFailsAfterItsPlanSaysWhatWasCommitted() throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        leader.groups.failures.put("b", "store conflict");
        Path file = write("groups.json", """
                [{"Plugin": "group", "Properties": {"ID": "a"}}, {"Plugin": "group", "Properties": {"ID": "b"}}]
                """);
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = file.toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        CommandException e = assertThrows(CommandException.class,
                () -> commit.execute(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertEquals("Entry 1 of " + file + " (group b, plugin group): store conflict; the entries before it were committed",
                e.getMessage());
        assertEquals("Group a with plugin group plan: Managing 3 instances\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("commit a pretend=true", "commit b pretend=true", "commit a pretend=false", "commit b pretend=false"),
                leader.groups.calls);
    }

    // ---- manager-inspect

    @Test
    void inspectPrintsTheLeadersGroupsUnderItsName() throws Exception {
        manager("group", LeaderStatus.follower("group-b")).groups.groups.put("x", new GroupSpec("x", null));
        FakeManager leader = manager("group-b", LeaderStatus.leader("group-b"));
        leader.groups.groups.put("workers", new GroupSpec("workers", new RawJson("{\"Allocation\":{\"Size\":2}}")));
        leader.groups.groups.put("pets", new GroupSpec("pets", null));

        assertEquals("""
                [
                  {
                    "Plugin": "group-b",
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
                    "Plugin": "group-b",
                    "Properties": {
                      "ID": "pets",
                      "Properties": null
                    }
                  }
                ]
                """, run(wire(new ManagerInspectCommand(), registry)));
    }

    @Test
    void inspectOfALeaderWithoutGroupsIsAnEmptyArray() throws Exception {
        manager("group", LeaderStatus.leader("group"));

        assertEquals("[]\n", run(wire(new ManagerInspectCommand(), registry)));
    }

    @Test
    void inspectWithoutALeaderFails() {
        manager("group", LeaderStatus.follower(null));

        assertEquals("No manager is the leader; managers found: group (follower)", fail(wire(new ManagerInspectCommand(), registry)));
    }

    @Test
    void whatInspectPrintsCommitsBack() throws Exception {
        FakeManager leader = manager("group", LeaderStatus.leader("group"));
        GroupSpec workers = new GroupSpec("workers", new RawJson("{\"Allocation\":{\"Size\":2},\"Flavor\":{\"Plugin\":\"flavor-vanilla\"}}"));
        leader.groups.groups.put("workers", workers);
        Path file = write("inspected.json", run(wire(new ManagerInspectCommand(), registry)));
        leader.groups.groups.clear();
        leader.groups.calls.clear();
        ManagerCommitCommand commit = wire(new ManagerCommitCommand(), registry);
        commit.groups = file.toString();

        assertEquals("Group workers with plugin group plan: Managing 3 instances\n", run(commit));
        assertEquals(workers.id(), leader.groups.committed.id());
        assertEquals(Shell.CODEC.decode(workers.properties(), Map.class), Shell.CODEC.decode(leader.groups.committed.properties(), Map.class));
    }
}
