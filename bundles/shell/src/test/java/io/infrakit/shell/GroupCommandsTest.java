package io.infrakit.shell;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.infrakit.shell.Shell.fail;
import static io.infrakit.shell.Shell.run;
import static io.infrakit.shell.Shell.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCommandsTest {

    private static final String SPEC = """
            {"ID": "cattle", "Properties": {"Allocation": {"Size": 3}, "Instance": {"Plugin": "instance-file"}}}
            """;

    @TempDir
    Path dir;

    private final FakeGroupPlugin group = new FakeGroupPlugin();
    private final FakeRegistry registry = new FakeRegistry().with("group", group);

    @BeforeEach
    void groups() {
        group.groups.put("cattle", new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":3}}")));
        group.groups.put("pets", new GroupSpec("pets", null));
        group.descriptions.put("cattle", new GroupDescription(List.of(
                new Description("instance-2", null, Map.of("tier", "web", "infrakit.group", "cattle")),
                new Description("instance-1", "10.0.0.1", Map.of())), false, "updating 1 of 3", null));
    }

    @Test
    void commitPrintsTheGroupIdAndThePlan() throws Exception {
        GroupCommitCommand commit = wire(new GroupCommitCommand(), registry);
        commit.spec = write("cattle.json", SPEC).toString();

        assertEquals("Committed cattle: Managing 3 instances\n", run(commit));
        assertEquals(List.of("commit cattle pretend=false"), group.calls);
        assertEquals("cattle", group.committed.id());
        assertEquals("{\"Allocation\": {\"Size\": 3}, \"Instance\": {\"Plugin\": \"instance-file\"}}",
                group.committed.properties().json(), "properties are passed on as the text of the file");
    }

    @Test
    void pretendCommitSaysWhatItWouldInvolve() throws Exception {
        GroupCommitCommand commit = wire(new GroupCommitCommand(), registry);
        commit.spec = write("cattle.json", SPEC).toUri().toString();
        commit.pretend = true;

        assertEquals("Committing cattle would involve: Managing 3 instances\n", run(commit));
        assertEquals(List.of("commit cattle pretend=true"), group.calls);
    }

    @Test
    void commitReportsAPluginRefusalAsOneLine() throws Exception {
        GroupCommitCommand commit = wire(new GroupCommitCommand(), registry);
        commit.spec = write("noid.json", "{\"Properties\":{}}").toString();

        assertEquals("Group ID must not be blank", fail(commit));
    }

    @Test
    void commitRejectsAFileThatIsNotAGroupSpec() throws Exception {
        GroupCommitCommand commit = wire(new GroupCommitCommand(), registry);
        Path file = write("bad.json", "{\"ID\": 42}");
        commit.spec = file.toString();

        String error = fail(commit);
        assertTrue(error.startsWith(file + " is not a valid group spec: "), error);
        assertTrue(group.calls.isEmpty(), "nothing is committed");
    }

    @Test
    void commitRejectsAMissingFile() {
        GroupCommitCommand commit = wire(new GroupCommitCommand(), registry);
        commit.spec = dir.resolve("missing.json").toString();

        assertEquals("File not found: " + dir.resolve("missing.json"), fail(commit));
    }

    @Test
    void freeAndDestroyPrintTheGoCliLines() throws Exception {
        GroupFreeCommand free = wire(new GroupFreeCommand(), registry);
        free.id = "cattle";
        GroupDestroyCommand destroy = wire(new GroupDestroyCommand(), registry);
        destroy.id = "pets";

        assertEquals("Freed cattle\n", run(free));
        assertEquals("destroy pets initiated\n", run(destroy));
        assertEquals(List.of("free cattle", "destroy pets"), group.calls);
    }

    @Test
    void freeingAnUnknownGroupIsOneLine() {
        GroupFreeCommand free = wire(new GroupFreeCommand(), registry);
        free.id = "nope";

        assertEquals("Group 'nope' is not being watched", fail(free));
    }

    @Test
    void describeWithoutFormatPrintsOneTabSeparatedRowPerInstance() throws Exception {
        GroupDescribeCommand describe = wire(new GroupDescribeCommand(), registry);
        describe.id = "cattle";
        describe.noFormat = true;

        String[] lines = run(describe).split("\n");
        assertEquals(2, lines.length);
        assertEquals(List.of("instance-2", "-", "infrakit.group=cattle,tier=web"), cells(lines[0]));
        assertEquals(List.of("instance-1", "10.0.0.1", ""), cells(lines[1]));
    }

    @Test
    void describeFormattedHasTheIdLogicalTagsHeader() throws Exception {
        GroupDescribeCommand describe = wire(new GroupDescribeCommand(), registry);
        describe.id = "cattle";

        String[] lines = run(describe).split("\n");
        assertEquals(4, lines.length, "header, rule, two rows");
        assertEquals(List.of("ID", "LOGICAL", "TAGS"), List.of(lines[0].split("\\s*[|│]\\s*")).stream().map(String::strip).toList());
        assertTrue(lines[2].startsWith("instance-2"), lines[2]);
    }

    @Test
    void describeQuietPrintsOnlyIds() throws Exception {
        GroupDescribeCommand describe = wire(new GroupDescribeCommand(), registry);
        describe.id = "cattle";
        describe.quiet = true;

        assertEquals("instance-2\ninstance-1\n", run(describe));
    }

    @Test
    void describeAsJsonParsesBackIntoTheDescription() throws Exception {
        GroupDescribeCommand describe = wire(new GroupDescribeCommand(), registry);
        describe.id = "cattle";
        describe.json = true;

        GroupDescription parsed = Shell.CODEC.decode(new RawJson(run(describe)), GroupDescription.class);
        assertEquals(group.descriptions.get("cattle"), parsed);
    }

    @Test
    void inspectPrintsTheSpecIndented() throws Exception {
        GroupInspectCommand inspect = wire(new GroupInspectCommand(), registry);
        inspect.id = "cattle";

        assertEquals("""
                {
                  "ID": "cattle",
                  "Properties": {
                    "Allocation": {
                      "Size": 3
                    }
                  }
                }
                """, run(inspect));
    }

    @Test
    void inspectingAnUnknownGroupIsOneLine() {
        GroupInspectCommand inspect = wire(new GroupInspectCommand(), registry);
        inspect.id = "nope";

        assertEquals("Group nope is not being watched", fail(inspect));
    }

    @Test
    void listPrintsTheIds() throws Exception {
        GroupListCommand list = wire(new GroupListCommand(), registry);
        list.noFormat = true;
        assertEquals("cattle\npets\n", run(list));

        GroupListCommand formatted = wire(new GroupListCommand(), registry);
        String[] lines = run(formatted).split("\n");
        assertEquals("ID", lines[0].strip());
        assertEquals(List.of("cattle", "pets"), List.of(lines[2].strip(), lines[3].strip()));
    }

    @Test
    void listAsJsonParsesBackIntoSpecs() throws Exception {
        GroupListCommand list = wire(new GroupListCommand(), registry);
        list.json = true;

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> parsed = Shell.CODEC.decode(new RawJson(run(list)), List.class);
        assertEquals(List.of("cattle", "pets"), parsed.stream().map(m -> m.get("ID")).toList());
        assertEquals(Map.of("Allocation", Map.of("Size", 3)), parsed.get(0).get("Properties"));
    }

    @Test
    void nameChoosesAnotherGroupPlugin() throws Exception {
        FakeGroupPlugin other = new FakeGroupPlugin();
        other.groups.put("workers", new GroupSpec("workers", null));
        registry.with("group-stateless", other);
        GroupListCommand list = wire(new GroupListCommand(), registry);
        list.name = "group-stateless";
        list.quiet = true;

        assertEquals("workers\n", run(list));
        assertEquals(java.util.Set.of("group-stateless"), java.util.Set.copyOf(registry.lookups), "only the plugin named");
    }

    @Test
    void anUnknownPluginIsOneLine() {
        GroupListCommand list = wire(new GroupListCommand(), registry);
        list.name = "nothing-here";

        assertEquals("Plugin not found: nothing-here (looked up using local services and /tmp/plugins/nothing-here)", fail(list));
    }

    @Test
    void anInvalidPluginNameIsOneLine() {
        GroupListCommand list = wire(new GroupListCommand(), registry);
        list.name = "../etc";

        assertTrue(fail(list).startsWith("Invalid plugin name '..'"));
    }

    @Test
    void karafShowsUserErrorsThroughExecute() {
        GroupFreeCommand free = wire(new GroupFreeCommand(), registry);
        free.id = "nope";

        CommandException e = assertThrows(CommandException.class, free::execute);
        assertEquals("Group 'nope' is not being watched", e.getMessage());
    }

    @Test
    void aMultiLineErrorOfARemotePluginIsShownOnOneLine() {
        group.failure = "plugin failed:\n  disk full\r\n  retry later\n";
        GroupListCommand list = wire(new GroupListCommand(), registry);

        assertEquals("plugin failed: disk full retry later", fail(list));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<String> cells(String line) {
        return List.of(line.split("\t", -1)).stream().map(String::strip).toList();
    }
}
