package io.infrakit.shell;

import io.infrakit.ops.StatusText;
import io.infrakit.ops.TestPacing;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.registry.PluginInfo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.infrakit.shell.Shell.fail;
import static io.infrakit.shell.Shell.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's commands against a group plugin with GroupControl (the manager), and their fallback against one
 * with Group 0.1.0 only.
 */
class GroupControlCommandsTest {

    static final GroupStatus.Member M1 = new GroupStatus.Member("instance-1", null, "Healthy", true, "sha2");
    static final GroupStatus.Member M2 = new GroupStatus.Member("instance-2", "10.0.0.2", "Unhealthy", false, "sha1");
    static final GroupStatus ROLLING = new GroupStatus("cattle", 3, 3, 2, 1, "Rolling", 2, "sha2",
            "Rolling update to configuration sha2: 2 of 3 instances still to replace", null, List.of(M1, M2));
    static final GroupStatus PETS = new GroupStatus("pets", 2, 2, 2, 2, "Converged", 0, "shaP", null, null, List.of());

    @TempDir
    Path dir;

    private final FakeGroupControl manager = new FakeGroupControl();
    private final FakeRegistry registry = new FakeRegistry().with("group", manager);
    private final TestPacing pacing = new TestPacing();

    @BeforeEach
    void groups() {
        manager.groups.groups.put("cattle", new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":3}}")));
        manager.groups.descriptions.put("cattle", new GroupDescription(List.of(
                new Description("instance-1", null, Map.of("tier", "web", "infrakit.group", "cattle")),
                new Description("instance-2", "10.0.0.2", Map.of()),
                new Description("instance-9", null, null)), false));
    }

    private <C extends GroupCommand> C wire(C command) {
        Shell.wire(command, registry);
        command.pacing = pacing;
        return command;
    }

    // ---- group-list

    @Test
    void listShowsEachGroupAtAGlance() throws Exception {
        manager.statuses.add(List.of(ROLLING, PETS));
        GroupListCommand list = wire(new GroupListCommand());
        list.noFormat = true;
        assertEquals(List.of(List.of("cattle", "3", "3", "2", "1", "2", "Rolling"), List.of("pets", "2", "2", "2", "2", "-", "Converged")),
                rows(run(list)));

        String[] lines = run(wire(new GroupListCommand())).split("\n");
        assertEquals(List.of("ID", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "REVISION", "STATUS"), cells(lines[0]));
        assertEquals(List.of("cattle", "3", "3", "2", "1", "2", "Rolling"), cells(lines[2]));
        assertEquals(List.of("status ", "status "), manager.calls);
    }

    @Test
    void listQuietAndJson() throws Exception {
        manager.statuses.add(List.of(ROLLING, PETS));
        GroupListCommand quiet = wire(new GroupListCommand());
        quiet.quiet = true;
        assertEquals("cattle\npets\n", run(quiet));

        GroupListCommand json = wire(new GroupListCommand());
        json.json = true;
        assertEquals("""
                [
                  {
                    "ID": "cattle",
                    "Desired": 3,
                    "Current": 3,
                    "Ready": 2,
                    "UpToDate": 1,
                    "Status": "Rolling",
                    "Revision": 2,
                    "ConfigSHA": "sha2",
                    "Update": "Rolling update to configuration sha2: 2 of 3 instances still to replace"
                  },
                  {
                    "ID": "pets",
                    "Desired": 2,
                    "Current": 2,
                    "Ready": 2,
                    "UpToDate": 2,
                    "Status": "Converged",
                    "Revision": 0,
                    "ConfigSHA": "shaP"
                  }
                ]
                """, run(json));
    }

    @Test
    void listWatchPrintsAgainOnlyWhenItChangesUntilCtrlC() throws Exception {
        GroupStatus converged = new GroupStatus("cattle", 3, 3, 3, 3, "Converged", 2, "sha2", null, null, null);
        manager.answering(ROLLING, ROLLING, converged, converged);
        pacing.interruptAtPause = 4;
        GroupListCommand list = wire(new GroupListCommand());
        list.noFormat = true;
        list.watch = true;
        assertEquals(List.of(List.of("cattle", "3", "3", "2", "1", "2", "Rolling"), List.of(""),
                List.of("cattle", "3", "3", "3", "3", "2", "Converged")), rows(run(list)), "printed twice, a blank line between");
        assertEquals(4, manager.statusCalls.get(), "polled every second until Ctrl-C");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), pacing.slept);
    }

    @Test
    void listFromAGoPluginBehindASocketIsTheIds() throws Exception {
        FakeGroupControl.GoPluginProxy go = new FakeGroupControl.GoPluginProxy();
        go.groups.groups.put("workers", new GroupSpec("workers", null));
        registry.with("group-go", go);
        registry.infos.add(new PluginInfo("group-go", false, List.of(GroupSpecs.GROUP), List.of(), "/tmp/plugins/group-go", null));
        GroupListCommand list = wire(new GroupListCommand());
        list.name = "group-go";
        list.noFormat = true;
        assertEquals("workers\n", run(list));
        assertEquals(1, go.controlCalls, "tried GroupControl once, then fell back");
    }

    // ---- group-describe

    @Test
    void describePutsTheSummaryAboveTheMembersWithTheirHealth() throws Exception {
        manager.answering(ROLLING);
        String[] lines = run(wire(describe())).split("\n");
        assertEquals(List.of(
                "Group:         cattle",
                "Status:        Rolling",
                "Members:       3 desired, 3 current, 2 ready, 1 up to date",
                "Revision:      2",
                "Configuration: sha2",
                "Update:        Rolling update to configuration sha2: 2 of 3 instances still to replace",
                "Error:         -",
                ""), List.of(lines).subList(0, 8));
        assertEquals(List.of("ID", "LOGICAL", "HEALTH", "UP-TO-DATE", "TAGS"), cells(lines[8]));
        assertEquals(List.of("instance-1", "-", "Healthy", "yes", "infrakit.group=cattle,tier=web"), cells(lines[10]));
        assertEquals(List.of("instance-2", "10.0.0.2", "Unhealthy", "no", ""), cells(lines[11]));
        assertEquals(List.of("instance-9", "-", "-", "-", ""), cells(lines[12]), "a member the status does not list: not known");
    }

    @Test
    void describeWithoutFormatIsTheRowsWithHealth() throws Exception {
        manager.answering(ROLLING);
        GroupDescribeCommand describe = wire(describe());
        describe.noFormat = true;
        assertEquals(List.of(List.of("instance-1", "-", "Healthy", "yes", "infrakit.group=cattle,tier=web"),
                List.of("instance-2", "10.0.0.2", "Unhealthy", "no", ""), List.of("instance-9", "-", "-", "-", "")), rows(run(describe)),
                "only the rows: no summary, no header");
    }

    @Test
    void describeAsJsonIsTheStatusWithTheInstances() throws Exception {
        manager.groups.descriptions.put("cattle", new GroupDescription(List.of(new Description("instance-1", null, Map.of("tier", "web"))), true));
        manager.answering(new GroupStatus("cattle", 1, 1, 1, 1, "Converged", 4, "sha2", null, null, List.of(M1)));
        GroupDescribeCommand describe = wire(describe());
        describe.json = true;
        assertEquals("""
                {
                  "ID": "cattle",
                  "Desired": 1,
                  "Current": 1,
                  "Ready": 1,
                  "UpToDate": 1,
                  "Status": "Converged",
                  "Revision": 4,
                  "ConfigSHA": "sha2",
                  "Members": [
                    {
                      "ID": "instance-1",
                      "Health": "Healthy",
                      "UpToDate": true,
                      "ConfigSHA": "sha2"
                    }
                  ],
                  "Instances": [
                    {
                      "ID": "instance-1",
                      "LogicalID": null,
                      "Tags": {
                        "tier": "web"
                      }
                    }
                  ]
                }
                """, run(describe));
    }

    @Test
    void describeWatchRedrawsWhenTheGroupChanges() throws Exception {
        GroupStatus paused = new GroupStatus("cattle", 3, 3, 2, 1, "Paused", 2, "sha2", "Paused", null, List.of(M1, M2));
        manager.answering(ROLLING, ROLLING, paused);
        pacing.interruptAtPause = 3;
        GroupDescribeCommand describe = wire(describe());
        describe.watch = true;
        List<String> statusLines = run(describe).lines().filter(l -> l.startsWith("Status:")).toList();
        assertEquals(List.of("Status:        Rolling", "Status:        Paused"), statusLines);
        assertEquals(3, manager.statusCalls.get());
    }

    @Test
    void describeOfAnUnknownGroupIsOneLine() {
        GroupDescribeCommand describe = wire(describe());
        describe.id = "nope";
        assertEquals("Group 'nope' is not being watched", fail(describe));
    }

    // ---- group-commit

    @Test
    void commitGoesThroughGroupControlSayingItComesFromTheShell() throws Exception {
        GroupCommitCommand commit = wire(new GroupCommitCommand());
        commit.spec = Files.writeString(dir.resolve("cattle.json"), "{\"ID\": \"cattle\", \"Properties\": {}}").toString();
        assertEquals("Committed cattle: Managing 3 instances (revision 2)\n", run(commit));
        commit.pretend = true;
        assertEquals("Committing cattle would involve: Managing 3 instances (revision 2)\n", run(commit));
        assertEquals(List.of("commit cattle pretend=false source=shell", "commit cattle pretend=true source=shell"), manager.calls);
        assertEquals(List.of(), manager.groups.calls, "not through Group.CommitGroup");
    }

    @Test
    void commitToAGoPluginBehindASocketUsesCommitGroup() throws Exception {
        FakeGroupControl.GoPluginProxy go = new FakeGroupControl.GoPluginProxy();
        registry.with("group-go", go);
        registry.infos.add(new PluginInfo("group-go", false, List.of(GroupSpecs.GROUP), List.of(), "/tmp/plugins/group-go", null));
        GroupCommitCommand commit = wire(new GroupCommitCommand());
        commit.name = "group-go";
        commit.spec = Files.writeString(dir.resolve("cattle.json"), "{\"ID\": \"cattle\", \"Properties\": {}}").toString();
        assertEquals("Committed cattle: Managing 3 instances\n", run(commit));
        assertEquals(List.of("commit cattle pretend=false"), go.groups.calls);
    }

    // ---- group-status

    @Test
    void statusPrintsTheSummary() throws Exception {
        manager.answering(ROLLING);
        assertEquals("""
                Group:         cattle
                Status:        Rolling
                Members:       3 desired, 3 current, 2 ready, 1 up to date
                Revision:      2
                Configuration: sha2
                Update:        Rolling update to configuration sha2: 2 of 3 instances still to replace
                Error:         -
                """, run(status()));
    }

    @Test
    void statusAsJsonIsTheWireStatus() throws Exception {
        manager.answering(new GroupStatus("cattle", 1, 1, 0, 1, "Error", 3, null, null, "not the leader", List.of()));
        GroupStatusCommand status = status();
        status.json = true;
        assertEquals("""
                {
                  "ID": "cattle",
                  "Desired": 1,
                  "Current": 1,
                  "Ready": 0,
                  "UpToDate": 1,
                  "Status": "Error",
                  "Revision": 3,
                  "Error": "not the leader",
                  "Members": []
                }
                """, run(status));
    }

    @Test
    void waitEndsWellWhenConvergedAfterALineForEachChange() throws Exception {
        manager.answering(rolling(1), rolling(1), rolling(2), converged());
        GroupStatusCommand status = status();
        status.wait = true;
        assertEquals("""
                Waiting for group cattle (Rolling, revision 2): 1 of 3 members up to date, 3 ready, 3 current
                Waiting for group cattle (Rolling, revision 2): 2 of 3 members up to date, 3 ready, 3 current
                Group cattle converged (revision 2): 3 of 3 members up to date, 3 ready
                """, run(status));
        assertEquals(4, manager.statusCalls.get());
        assertEquals(Duration.ofSeconds(3), pacing.total());
    }

    @Test
    void waitFailsWhenTheRolloutFailsSayingWhy() {
        manager.answering(rolling(1), new GroupStatus("cattle", 3, 3, 2, 1, "Failed", 2, "sha2",
                "The rollout to configuration sha2 failed: instance-4 stayed unhealthy", null, List.of()));
        GroupStatusCommand status = status();
        status.wait = true;
        assertEquals("Group cattle: Failed: The rollout to configuration sha2 failed: instance-4 stayed unhealthy", fail(status));
    }

    @Test
    void waitFailsWhenRolledBack() {
        manager.answering(new GroupStatus("cattle", 3, 3, 3, 3, "RolledBack", 2, "sha1", "Rolled back to configuration sha1", null, null));
        GroupStatusCommand status = status();
        status.wait = true;
        assertEquals("Group cattle: RolledBack: Rolled back to configuration sha1", fail(status));
    }

    @Test
    void waitFailsAtTheTimeoutSayingSo() {
        manager.answering(rolling(1));
        GroupStatusCommand status = status();
        status.wait = true;
        status.timeout = "90s";
        assertEquals("Timed out after 1m30s waiting for group cattle to converge; last seen: Rolling, revision 2, "
                + "1 of 3 members up to date, 3 ready, 3 current", fail(status));
        assertEquals(Duration.ofSeconds(90), pacing.total());
        assertEquals(91, manager.statusCalls.get());
    }

    @Test
    void waitEndsQuietlyOnCtrlC() throws Exception {
        manager.answering(rolling(1));
        pacing.interruptAtPause = 3;
        GroupStatusCommand status = status();
        status.wait = true;
        assertEquals("Waiting for group cattle (Rolling, revision 2): 1 of 3 members up to date, 3 ready, 3 current\n", run(status));
        assertEquals(3, manager.statusCalls.get());
    }

    @Test
    void aBadTimeoutIsOneLine() {
        GroupStatusCommand status = status();
        status.wait = true;
        status.timeout = "soon";
        assertEquals("--timeout: 'soon' is not a duration: write 90s, 5m, 1h, 1h30m or a number of seconds", fail(status));
        assertEquals(List.of(), manager.calls);
    }

    // ---- group-events

    @Test
    void eventsPrintTheJournal() throws Exception {
        manager.eventBatches.add(List.of(
                new GroupEvent(1, 1_700_000_000_000L, "cattle", "Committed", "Committed revision 2", null, "sha2", 2, "shell"),
                new GroupEvent(2, 1_700_000_061_500L, "cattle", "InstanceLost", "instance-1 is gone", "instance-1", null, 0, null)));
        GroupEventsCommand events = events();
        events.noFormat = true;
        events.limit = 5;
        assertEquals(List.of(List.of(StatusText.time(1_700_000_000_000L), "Committed", "2", "-", "Committed revision 2"),
                List.of(StatusText.time(1_700_000_061_500L), "InstanceLost", "-", "instance-1", "instance-1 is gone")), rows(run(events)));
        assertEquals(List.of("events cattle after=0 limit=5 wait=0"), manager.calls);
    }

    @Test
    void eventsAsJson() throws Exception {
        manager.eventBatches.add(List.of(new GroupEvent(7, 2000, "cattle", "InstanceLost", "instance-1 is gone", "instance-1", null, 0, null)));
        GroupEventsCommand events = events();
        events.json = true;
        assertEquals("""
                [
                  {
                    "Seq": 7,
                    "Time": 2000,
                    "Group": "cattle",
                    "Type": "InstanceLost",
                    "Message": "instance-1 is gone",
                    "Instance": "instance-1"
                  }
                ]
                """, run(events));
    }

    @Test
    void followLongPollsAfterTheLastEventUntilCtrlC() throws Exception {
        manager.eventBatches.add(List.of(new GroupEvent(1, 1_000, "cattle", "Committed", "first", null, null, 2, "shell")));
        manager.eventBatches.add(List.of());
        manager.eventBatches.add(List.of(new GroupEvent(2, 2_000, "cattle", "Converged", "second", null, null, 2, null)));
        pacing.interruptAtPause = 2;
        GroupEventsCommand events = events();
        events.follow = true;
        String[] lines = run(events).split("\n");
        assertEquals(3, lines.length);
        assertEquals("TIME                 TYPE               REVISION  INSTANCE              MESSAGE", lines[0]);
        assertEquals(StatusText.time(1_000) + "  Committed          2         -                     first", lines[1]);
        assertTrue(lines[2].endsWith("Converged          2         -                     second"), lines[2]);
        assertEquals(List.of("events cattle after=0 limit=0 wait=0", "events cattle after=1 limit=0 wait=30000",
                "events cattle after=1 limit=0 wait=30000", "events cattle after=2 limit=0 wait=30000"), manager.calls);
    }

    @Test
    void followAsJsonIsOneObjectPerLine() throws Exception {
        manager.eventBatches.add(List.of(new GroupEvent(1, 1_000, "cattle", "Committed", "first", null, null, 0, null),
                new GroupEvent(2, 2_000, "cattle", "Converged", "second", null, null, 0, null)));
        pacing.interruptAtPause = 1;
        GroupEventsCommand events = events();
        events.follow = true;
        events.json = true;
        assertEquals("""
                {"Seq":1,"Time":1000,"Group":"cattle","Type":"Committed","Message":"first"}
                {"Seq":2,"Time":2000,"Group":"cattle","Type":"Converged","Message":"second"}
                """, run(events));
    }

    // ---- group-history, group-rollback, group-pause, group-resume, group-stop

    @Test
    void historyListsTheRevisions() throws Exception {
        manager.revisions.add(new Revision(1, "sha1", 1_700_000_000_000L, "cli", null, new GroupSpec("cattle", null)));
        manager.revisions.add(new Revision(2, "sha2", 1_700_000_100_000L, "controller", "automatic rollback", new GroupSpec("cattle", null)));
        GroupHistoryCommand history = wire(new GroupHistoryCommand());
        history.id = "cattle";
        history.noFormat = true;
        assertEquals(List.of(List.of("1", "sha1", StatusText.time(1_700_000_000_000L), "cli", "-"),
                List.of("2", "sha2", StatusText.time(1_700_000_100_000L), "controller", "automatic rollback")), rows(run(history)));

        GroupHistoryCommand formatted = wire(new GroupHistoryCommand());
        formatted.id = "cattle";
        assertEquals(List.of("REVISION", "CONFIG", "TIME", "SOURCE", "REASON"), cells(run(formatted).split("\n")[0]));
    }

    @Test
    void historyAsJsonHasTheSpecs() throws Exception {
        manager.revisions.add(new Revision(1, "sha1", 1000, "shell", null, new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":1}}"))));
        GroupHistoryCommand history = wire(new GroupHistoryCommand());
        history.id = "cattle";
        history.json = true;
        assertEquals("""
                [
                  {
                    "Revision": 1,
                    "ConfigSHA": "sha1",
                    "Time": 1000,
                    "Source": "shell",
                    "Spec": {
                      "ID": "cattle",
                      "Properties": {
                        "Allocation": {
                          "Size": 1
                        }
                      }
                    }
                  }
                ]
                """, run(history));
    }

    @Test
    void historyFromTheGroupPluginIsItsMessage() {
        manager.refusals.put("history", "Revisions are kept by the manager: ask the plugin 'group'");
        GroupHistoryCommand history = wire(new GroupHistoryCommand());
        history.id = "cattle";
        assertEquals("Revisions are kept by the manager: ask the plugin 'group'", fail(history));
    }

    @Test
    void rollbackGoesToTheRevisionAskedOrTheOneBefore() throws Exception {
        GroupRollbackCommand rollback = wire(new GroupRollbackCommand());
        rollback.id = "cattle";
        assertEquals("Rolling back group cattle to revision 1 as revision 3: Performing a rolling update on 3 instances\n", run(rollback));
        rollback.revision = 4;
        run(rollback);
        assertEquals(List.of("rollback cattle 0 shell", "rollback cattle 4 shell"), manager.calls);
        manager.refusals.put("rollback", "Group 'cattle' has no revision 9");
        rollback.revision = 9;
        assertEquals("Group 'cattle' has no revision 9", fail(rollback));
    }

    @Test
    void pauseResumeAndStopPrintTheAnswerAndSayTheyComeFromTheShell() throws Exception {
        GroupPauseCommand pause = wire(new GroupPauseCommand());
        pause.id = "cattle";
        GroupResumeCommand resume = wire(new GroupResumeCommand());
        resume.id = "cattle";
        GroupStopCommand stop = wire(new GroupStopCommand());
        stop.id = "cattle";
        assertEquals("Paused the rollout of group cattle: 1 of 3 instances have configuration sha2\n", run(pause));
        assertEquals("Resumed the rollout of group cattle\n", run(resume));
        assertEquals("Stopped the rollout of group cattle: the members keep their configurations\n", run(stop));
        assertEquals(List.of("pause cattle shell", "resume cattle shell", "stop cattle shell"), manager.calls);
        manager.refusals.put("pause", "Not the leader; the leader is manager-2");
        assertEquals("Not the leader; the leader is manager-2", fail(pause));
    }

    @Test
    void verbsThatNeedGroupControlSaySoForALocalGroupPluginWithout() {
        registry.with("group-old", new FakeGroupPlugin());
        GroupPauseCommand pause = wire(new GroupPauseCommand());
        pause.name = "group-old";
        pause.id = "cattle";
        assertEquals("the group plugin 'group-old' implements Group 0.1.0 only: pause needs GroupControl 0.1.0 "
                + "(an InfraKit for OSGi manager or group plugin)", fail(pause));
    }

    @Test
    void verbsThatNeedGroupControlSaySoForAGoPluginBehindASocket() {
        registry.with("group-go", new FakeGroupControl.GoPluginProxy());
        registry.infos.add(new PluginInfo("group-go", false, List.of(GroupSpecs.GROUP), List.of(), "/tmp/plugins/group-go", null));
        GroupHistoryCommand history = wire(new GroupHistoryCommand());
        history.name = "group-go";
        history.id = "cattle";
        assertEquals("the group plugin 'group-go' implements Group 0.1.0 only: history needs GroupControl 0.1.0 "
                + "(an InfraKit for OSGi manager or group plugin)", fail(history));
    }

    @Test
    void anUnknownPluginIsNotFound() {
        GroupStatusCommand status = status();
        status.name = "nope";
        assertEquals("Plugin not found: nope (looked up using local services and /tmp/plugins/nope)", fail(status));
    }

    private GroupDescribeCommand describe() {
        GroupDescribeCommand describe = wire(new GroupDescribeCommand());
        describe.id = "cattle";
        return describe;
    }

    private GroupStatusCommand status() {
        GroupStatusCommand status = wire(new GroupStatusCommand());
        status.id = "cattle";
        return status;
    }

    private GroupEventsCommand events() {
        GroupEventsCommand events = wire(new GroupEventsCommand());
        events.id = "cattle";
        return events;
    }

    private static GroupStatus rolling(int upToDate) {
        return new GroupStatus("cattle", 3, 3, 3, upToDate, "Rolling", 2, "sha2", "Rolling update", null, List.of());
    }

    private static GroupStatus converged() {
        return new GroupStatus("cattle", 3, 3, 3, 3, "Converged", 2, "sha2", null, null, List.of());
    }

    private static List<List<String>> rows(String output) {
        return output.lines().map(GroupControlCommandsTest::cells).toList();
    }

    private static List<String> cells(String line) {
        return List.of(line.split("\\s*[|│\\t]\\s*", -1)).stream().map(String::strip).toList();
    }

    /** The interfaces of the plugins in the registry's listing. */
    static final class GroupSpecs {
        static final InterfaceSpec GROUP = new InterfaceSpec("Group", "0.1.0");

        private GroupSpecs() {
        }
    }
}
