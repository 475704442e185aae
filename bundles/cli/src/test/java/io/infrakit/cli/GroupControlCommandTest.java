package io.infrakit.cli;

import io.infrakit.ops.ScriptedGroupControl;
import io.infrakit.ops.StatusText;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's verbs of {@code infrakit group} against a plugin with GroupControl 0.1.0 (a manager) served on a
 * real socket, and their fallback against one with Group 0.1.0 only (a Go group plugin).
 */
class GroupControlCommandTest {

    static final GroupStatus.Member M1 = new GroupStatus.Member("instance-1", null, "Healthy", true, "sha2");
    static final GroupStatus.Member M2 = new GroupStatus.Member("instance-2", "10.0.0.2", "Unhealthy", false, "sha1");
    static final GroupStatus ROLLING = new GroupStatus("cattle", 3, 3, 2, 1, "Rolling", 2, "sha2",
            "Rolling update to configuration sha2: 2 of 3 instances still to replace", null, List.of(M1, M2));
    static final GroupStatus PETS = new GroupStatus("pets", 2, 2, 2, 2, "Converged", 0, "shaP", null, null, List.of());

    private CliFixture fx;
    private final Fakes.Groups groups = new Fakes.Groups();
    private final ScriptedGroupControl control = new ScriptedGroupControl();
    private Path cattle;

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.GROUP, "group", null, groups);
        fx.serve(Spi.GROUP_CONTROL, "group", null, control);
        cattle = fx.file("cattle.json", "{\"ID\": \"cattle\", \"Properties\": {\"Allocation\": {\"Size\": 3}}}");
        groups.groups.put("cattle", new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":3}}")));
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    // ---- ls

    @Test
    void lsShowsEachGroupAtAGlance() {
        control.statuses.add(List.of(ROLLING, PETS));
        CliFixture.Run run = fx.run("group", "ls");
        assertEquals(new CliFixture.Run(0, String.join("\n",
                row("ID", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "REVISION", "STATUS"),
                row("cattle", "3", "3", "2", "1", "2", "Rolling"),
                row("pets", "2", "2", "2", "2", "-", "Converged"), ""), ""), run);
        assertEquals(List.of("status "), control.calls, "one GroupControl.Status call for every group");
        assertEquals(new CliFixture.Run(0, "cattle\npets\n", ""), fx.run("group", "ls", "-q"));
    }

    @Test
    void lsAsJsonHasTheWireFields() {
        control.statuses.add(List.of(ROLLING, PETS));
        assertEquals(new CliFixture.Run(0, """
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
                """, ""), fx.run("group", "ls", "--json"));
    }

    @Test
    void lsWatchPrintsAgainOnlyWhenTheTableChanges() {
        GroupStatus later = new GroupStatus("cattle", 3, 3, 3, 3, "Converged", 2, "sha2", null, null, null);
        control.answering(ROLLING, ROLLING, later);
        fx.pacing.stopAfterPauses = 3;
        CliFixture.Run run = fx.run("group", "ls", "--watch");
        assertEquals(new CliFixture.Run(0, String.join("\n",
                row("ID", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "REVISION", "STATUS"),
                row("cattle", "3", "3", "2", "1", "2", "Rolling"),
                "",
                row("ID", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "REVISION", "STATUS"),
                row("cattle", "3", "3", "3", "3", "2", "Converged"), ""), ""), run);
        assertEquals(4, control.statusCalls.get(), "polled until interrupted, printed twice");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), fx.pacing.slept);
    }

    // ---- describe

    @Test
    void describePutsTheSummaryAboveTheMembersWithTheirHealth() {
        control.answering(ROLLING);
        groups.members.add(new Description("instance-1", null, Map.of("tier", "web", "infrakit.group", "cattle")));
        groups.members.add(new Description("instance-2", "10.0.0.2", null));
        groups.members.add(new Description("instance-9", null, null));
        CliFixture.Run run = fx.run("group", "describe", "cattle");
        assertEquals(new CliFixture.Run(0, """
                Group:         cattle
                Status:        Rolling
                Members:       3 desired, 3 current, 2 ready, 1 up to date
                Revision:      2
                Configuration: sha2
                Update:        Rolling update to configuration sha2: 2 of 3 instances still to replace
                Error:         -

                """ + String.join("\n",
                String.format("%-30s\t%-30s\t%-10s\t%-10s\t%s", "ID", "LOGICAL", "HEALTH", "UP-TO-DATE", "TAGS"),
                String.format("%-30s\t%-30s\t%-10s\t%-10s\t%s", "instance-1", "  -   ", "Healthy", "yes", "infrakit.group=cattle,tier=web"),
                String.format("%-30s\t%-30s\t%-10s\t%-10s\t%s", "instance-2", "10.0.0.2", "Unhealthy", "no", ""),
                String.format("%-30s\t%-30s\t%-10s\t%-10s\t%s", "instance-9", "  -   ", "-", "-", ""), ""), ""), run);
        assertEquals(List.of("status cattle"), control.calls);
    }

    @Test
    void describeQuietKeepsTheOriginalRowsForScripts() {
        control.answering(ROLLING);
        groups.members.add(new Description("instance-1", null, Map.of("tier", "web")));
        assertEquals(new CliFixture.Run(0, String.format("%-30s\t%-30s\t%s%n", "instance-1", "  -   ", "tier=web"), ""),
                fx.run("group", "describe", "-q", "cattle"));
    }

    @Test
    void describeAsJsonIsTheStatusWithTheInstances() {
        control.answering(new GroupStatus("cattle", 1, 1, 1, 1, "Converged", 4, "sha2", null, null, List.of(M1)));
        groups.members.add(new Description("instance-1", null, Map.of("tier", "web")));
        assertEquals(new CliFixture.Run(0, """
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
                """, ""), fx.run("group", "describe", "--json", "cattle"));
    }

    @Test
    void describeWatchRedrawsWhenTheGroupChanges() {
        GroupStatus paused = new GroupStatus("cattle", 3, 3, 2, 1, "Paused", 2, "sha2", "Paused: 1 of 3 instances have configuration sha2",
                null, List.of(M1, M2));
        control.answering(ROLLING, paused);
        fx.pacing.stopAfterPauses = 2;
        CliFixture.Run run = fx.run("group", "describe", "--watch", "cattle");
        assertEquals(0, run.status(), run.err());
        List<String> statusLines = run.outLines().stream().filter(l -> l.startsWith("Status:")).toList();
        assertEquals(List.of("Status:        Rolling", "Status:        Paused"), statusLines, run.out());
        assertEquals(3, control.statusCalls.get());
    }

    // ---- status

    @Test
    void statusPrintsTheSummary() {
        control.answering(ROLLING);
        CliFixture.Run run = fx.run("group", "status", "cattle");
        assertEquals(new CliFixture.Run(0, """
                Group:         cattle
                Status:        Rolling
                Members:       3 desired, 3 current, 2 ready, 1 up to date
                Revision:      2
                Configuration: sha2
                Update:        Rolling update to configuration sha2: 2 of 3 instances still to replace
                Error:         -
                """, ""), run);
    }

    @Test
    void statusAsJsonIsTheWireStatusWithItsMembers() {
        control.answering(new GroupStatus("cattle", 1, 1, 0, 1, "Error", 3, null, null, "instance-file: disk full", List.of(M1)));
        assertEquals(new CliFixture.Run(0, """
                {
                  "ID": "cattle",
                  "Desired": 1,
                  "Current": 1,
                  "Ready": 0,
                  "UpToDate": 1,
                  "Status": "Error",
                  "Revision": 3,
                  "Error": "instance-file: disk full",
                  "Members": [
                    {
                      "ID": "instance-1",
                      "Health": "Healthy",
                      "UpToDate": true,
                      "ConfigSHA": "sha2"
                    }
                  ]
                }
                """, ""), fx.run("group", "status", "cattle", "--json"));
    }

    @Test
    void statusOfAnUnknownGroupIsTheServicesMessage() {
        control.answering(ROLLING);
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Group 'nope' is not being watched\"\n"), fx.run("group", "status", "nope"));
    }

    // ---- events

    @Test
    void eventsPrintTheJournalWithLocalTimes() {
        control.eventBatches.add(List.of(
                new GroupEvent(1, 1_700_000_000_000L, "cattle", "Committed", "Committed revision 2", null, "sha2", 2, "cli"),
                new GroupEvent(2, 1_700_000_061_500L, "cattle", "InstanceLost", "instance-1 is gone", "instance-1", null, 0, null)));
        CliFixture.Run run = fx.run("group", "events", "cattle", "--limit", "5");
        assertEquals(new CliFixture.Run(0, String.join("\n",
                events("TIME", "TYPE", "REVISION", "INSTANCE", "MESSAGE"),
                events(StatusText.time(1_700_000_000_000L), "Committed", "2", "-", "Committed revision 2"),
                events(StatusText.time(1_700_000_061_500L), "InstanceLost", "-", "instance-1", "instance-1 is gone"), ""), ""), run);
        assertEquals(List.of("events cattle after=0 limit=5 wait=0"), control.calls);
        assertTrue(StatusText.time(1_700_000_061_500L).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"), "local ISO, to the second");
    }

    @Test
    void eventsAsJsonAreTheWireEvents() {
        control.eventBatches.add(List.of(
                new GroupEvent(7, 2000, "cattle", "InstanceLost", "instance-1 is gone", "instance-1", null, 0, null)));
        assertEquals(new CliFixture.Run(0, """
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
                """, ""), fx.run("group", "events", "--json", "cattle"));
    }

    @Test
    void followLongPollsAfterTheLastEventSeen() {
        GroupEvent e1 = new GroupEvent(1, 1000, "cattle", "Committed", "Committed", null, null, 2, "cli");
        GroupEvent e2 = new GroupEvent(2, 2000, "cattle", "RolloutStarted", "Rolling to sha2", null, "sha2", 2, null);
        GroupEvent e3 = new GroupEvent(3, 3000, "cattle", "InstanceCreated", "Created instance-4", "instance-4", "sha2", 2, null);
        control.eventBatches.add(List.of(e1, e2));
        control.eventBatches.add(List.of());
        control.eventBatches.add(List.of(e3));
        fx.pacing.stopAfterPauses = 2;
        CliFixture.Run run = fx.run("group", "events", "--follow", "--json", "cattle");
        assertEquals(new CliFixture.Run(0, """
                {"Seq":1,"Time":1000,"Group":"cattle","Type":"Committed","Message":"Committed","Revision":2,"Source":"cli"}
                {"Seq":2,"Time":2000,"Group":"cattle","Type":"RolloutStarted","Message":"Rolling to sha2","ConfigSHA":"sha2","Revision":2}
                {"Seq":3,"Time":3000,"Group":"cattle","Type":"InstanceCreated","Message":"Created instance-4","Instance":"instance-4","ConfigSHA":"sha2","Revision":2}
                """, ""), run);
        assertEquals(List.of("events cattle after=0 limit=0 wait=0", "events cattle after=2 limit=0 wait=30000",
                "events cattle after=2 limit=0 wait=30000", "events cattle after=3 limit=0 wait=30000"), control.calls);
    }

    @Test
    void followPrintsTheHeaderOnce() {
        control.eventBatches.add(List.of(new GroupEvent(1, 1000, "cattle", "Committed", "first", null, null, 0, null)));
        control.eventBatches.add(List.of(new GroupEvent(2, 2000, "cattle", "Converged", "second", null, null, 0, null)));
        fx.pacing.stopAfterPauses = 1;
        List<String> lines = fx.run("group", "events", "-f", "cattle").outLines();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("TIME"));
        assertTrue(lines.get(1).endsWith("\tfirst") && lines.get(2).endsWith("\tsecond"), lines.toString());
    }

    // ---- history, rollback, pause, resume, stop

    @Test
    void historyListsTheRevisions() {
        control.revisions.add(new Revision(1, "sha1", 1_700_000_000_000L, "cli", null, new GroupSpec("cattle", new RawJson("{}"))));
        control.revisions.add(new Revision(2, "sha2", 1_700_000_100_000L, "shell", "rollback to revision 1", new GroupSpec("cattle", null)));
        CliFixture.Run run = fx.run("group", "history", "cattle");
        assertEquals(new CliFixture.Run(0, String.join("\n",
                history("REVISION", "CONFIG", "TIME", "SOURCE", "REASON"),
                history("1", "sha1", StatusText.time(1_700_000_000_000L), "cli", "-"),
                history("2", "sha2", StatusText.time(1_700_000_100_000L), "shell", "rollback to revision 1"), ""), ""), run);
    }

    @Test
    void historyAsJsonHasTheSpecs() {
        control.revisions.add(new Revision(1, "sha1", 1000, "controller", "automatic rollback", new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":1}}"))));
        assertEquals(new CliFixture.Run(0, """
                [
                  {
                    "Revision": 1,
                    "ConfigSHA": "sha1",
                    "Time": 1000,
                    "Source": "controller",
                    "Reason": "automatic rollback",
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
                """, ""), fx.run("group", "history", "cattle", "--json"));
    }

    @Test
    void historyFromAPluginThatKeepsNoRevisionsIsItsMessage() {
        control.refusals.put("history", "The group plugin keeps no revisions: they are kept by the manager (use the plugin 'group')");
        assertEquals(new CliFixture.Run(1, "",
                "level=fatal msg=\"The group plugin keeps no revisions: they are kept by the manager (use the plugin 'group')\"\n"),
                fx.run("group", "history", "cattle"));
    }

    @Test
    void rollbackGoesToTheRevisionAskedOrTheOneBefore() {
        assertEquals(new CliFixture.Run(0, "Rolling back group cattle to revision 1 as revision 3: Performing a rolling update on 3 instances\n", ""),
                fx.run("group", "rollback", "cattle"));
        assertEquals(0, fx.run("group", "rollback", "cattle", "--to-revision", "4").status());
        assertEquals(List.of("rollback cattle 0 cli", "rollback cattle 4 cli"), control.calls);
        control.refusals.put("rollback", "Group 'cattle' has no revision 9 (it has revisions 1 to 3)");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Group 'cattle' has no revision 9 (it has revisions 1 to 3)\"\n"),
                fx.run("group", "rollback", "cattle", "--to-revision", "9"));
    }

    @Test
    void pauseResumeAndStopPrintTheAnswerAndSayTheyComeFromTheCli() {
        assertEquals(new CliFixture.Run(0, "Paused the rollout of group cattle: 1 of 3 instances have configuration sha2\n", ""),
                fx.run("group", "pause", "cattle"));
        assertEquals(new CliFixture.Run(0, "Resumed the rollout of group cattle\n", ""), fx.run("group", "resume", "cattle"));
        assertEquals(new CliFixture.Run(0, "Stopped the rollout of group cattle: the members keep their configurations\n", ""),
                fx.run("group", "stop", "cattle"));
        assertEquals(List.of("pause cattle cli", "resume cattle cli", "stop cattle cli"), control.calls);
    }

    @Test
    void notTheLeaderIsPassedThrough() {
        control.refusals.put("pause", "Not the leader; the leader is manager-2");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Not the leader; the leader is manager-2\"\n"), fx.run("group", "pause", "cattle"));
    }

    // ---- commit

    @Test
    void commitGoesThroughGroupControlSayingItComesFromTheCli() {
        assertEquals(new CliFixture.Run(0, "Committed cattle: Managing 3 instances (revision 2)\n", ""), fx.run("group", "commit", cattle.toString()));
        assertEquals(new CliFixture.Run(0, "Committing cattle would involve: Managing 3 instances (revision 2)\n", ""),
                fx.run("group", "commit", "--pretend", cattle.toString()));
        assertEquals(List.of("commit cattle pretend=false source=cli", "commit cattle pretend=true source=cli"), control.calls);
        assertEquals(List.of(), groups.calls, "not through Group.CommitGroup");
    }

    // ---- the first README's verbs

    @Test
    void watchUpdateAndDestroyAreTheGroupVerbs() {
        assertEquals(new CliFixture.Run(0, "Committed cattle: Managing 3 instances (revision 2)\n", ""), fx.run("watch", cattle.toString()));
        assertEquals(new CliFixture.Run(0, "Committing cattle would involve: Managing 3 instances (revision 2)\n", ""),
                fx.run("update", cattle.toString(), "--describe"));
        assertEquals(new CliFixture.Run(0, "Committed cattle: Managing 3 instances (revision 2)\n", ""), fx.run("update", cattle.toString()));
        assertEquals(List.of("commit cattle pretend=false source=cli", "commit cattle pretend=true source=cli",
                "commit cattle pretend=false source=cli"), control.calls);
        assertEquals(new CliFixture.Run(0, "destroy cattle initiated\n", ""), fx.run("destroy", "cattle"));
        assertEquals(List.of("destroy cattle"), groups.calls);
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Group 'cattle' is not being watched\"\n"), fx.run("destroy", "cattle"));
    }

    @Test
    void theFirstVerbsTakeAnotherPluginByName() {
        Fakes.Groups other = new Fakes.Groups();
        fx.serve(Spi.GROUP, "group-go", null, other);
        assertEquals(new CliFixture.Run(0, "Committed cattle: Managing 3 instances\n", ""), fx.run("watch", "--name", "group-go", cattle.toString()));
        assertEquals(new CliFixture.Run(0, "destroy cattle initiated\n", ""), fx.run("destroy", "cattle", "--name=group-go"));
        assertEquals(List.of("commit cattle", "destroy cattle"), other.calls, "Group.CommitGroup: that plugin has no GroupControl");
        assertEquals(List.of(), control.calls);
        assertEquals(2, fx.run("update").status(), "the file is required");
    }

    static String row(String... cells) {
        return String.format("%-20s\t%-8s\t%-8s\t%-8s\t%-10s\t%-8s\t%s", (Object[]) cells);
    }

    static String events(String... cells) {
        return String.format("%-20s\t%-18s\t%-8s\t%-20s\t%s", (Object[]) cells);
    }

    static String history(String... cells) {
        return String.format("%-8s\t%-32s\t%-20s\t%-10s\t%s", (Object[]) cells);
    }
}
