package io.infrakit.cli;

import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code infrakit group ...} against a group plugin on a socket. */
class GroupCommandTest {

    private static final String CATTLE = """
            {
              "ID": "cattle",
              "Properties": {
                "Allocation": {"Size": 3},
                "Instance": {"Plugin": "instance-file", "Properties": {"Note": "v1 <&>"}},
                "Flavor": {"Plugin": "flavor-vanilla", "Properties": {"Init": ["echo hi"], "Tags": {"tier": "web"}}}
              }
            }
            """;

    private CliFixture fx;
    private final Fakes.Groups groups = new Fakes.Groups();
    private Path cattle;

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.GROUP, "group", null, groups);
        cattle = fx.file("cattle.json", CATTLE);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void commitPrintsTheDetails() {
        CliFixture.Run run = fx.run("group", "commit", cattle.toString());
        assertEquals(new CliFixture.Run(0, "Committed cattle: Managing 3 instances\n", ""), run);
        assertEquals(List.of("commit cattle"), groups.calls);
        assertEquals("{\"Allocation\":{\"Size\":3},\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"v1 <&>\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hi\"],\"Tags\":{\"tier\":\"web\"}}}}",
                groups.groups.get("cattle").properties().json(), "the properties arrive compacted, key order kept");
    }

    @Test
    void pretendOnlyExplains() {
        CliFixture.Run run = fx.run("group", "commit", cattle.toString(), "--pretend");
        assertEquals(new CliFixture.Run(0, "Committing cattle would involve: Managing 3 instances\n", ""), run);
        assertEquals(List.of("pretend cattle"), groups.calls);
        assertTrue(groups.groups.isEmpty());
    }

    @Test
    void lsListsTheGroupIds() {
        fx.run("group", "commit", cattle.toString());
        assertEquals(new CliFixture.Run(0, "ID\ncattle\n", ""), fx.run("group", "ls"));
        assertEquals(new CliFixture.Run(0, "cattle\n", ""), fx.run("group", "ls", "-q"));
    }

    @Test
    void describePrintsTheInstanceTable() {
        fx.run("group", "commit", cattle.toString());
        groups.members.add(new Description("instance-1", null, Map.of("tier", "web", "infrakit.group", "cattle")));
        groups.members.add(new Description("instance-2", "10.0.0.2", null));
        CliFixture.Run run = fx.run("group", "describe", "cattle");
        assertEquals(0, run.status());
        assertEquals(List.of(
                "ID                            \tLOGICAL                       \tTAGS",
                "instance-1                    \t  -                           \tinfrakit.group=cattle,tier=web",
                "instance-2                    \t10.0.0.2                      \t"), run.outLines());
        assertEquals(List.of(
                "instance-1                    \t  -                           \tinfrakit.group=cattle,tier=web",
                "instance-2                    \t10.0.0.2                      \t"), fx.run("group", "describe", "-q", "cattle").outLines());
    }

    @Test
    void inspectPrintsTheSpecIndentedAsGoDoes() {
        fx.run("group", "commit", cattle.toString());
        CliFixture.Run run = fx.run("group", "inspect", "cattle");
        assertEquals(new CliFixture.Run(0, """
                {
                  "ID": "cattle",
                  "Properties": {
                    "Allocation": {
                      "Size": 3
                    },
                    "Instance": {
                      "Plugin": "instance-file",
                      "Properties": {
                        "Note": "v1 \\u003c\\u0026\\u003e"
                      }
                    },
                    "Flavor": {
                      "Plugin": "flavor-vanilla",
                      "Properties": {
                        "Init": [
                          "echo hi"
                        ],
                        "Tags": {
                          "tier": "web"
                        }
                      }
                    }
                  }
                }
                """, ""), run);
    }

    @Test
    void inspectOfAnUnknownGroupFails() {
        CliFixture.Run run = fx.run("group", "inspect", "pets");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Group pets is not being watched\"\n"), run);
    }

    @Test
    void freeAndDestroy() {
        fx.run("group", "commit", cattle.toString());
        assertEquals(new CliFixture.Run(0, "Freed cattle\n", ""), fx.run("group", "free", "cattle"));
        fx.run("group", "commit", cattle.toString());
        assertEquals(new CliFixture.Run(0, "destroy cattle initiated\n", ""), fx.run("group", "destroy", "cattle"));
        assertEquals(List.of("commit cattle", "free cattle", "commit cattle", "destroy cattle"), groups.calls);
    }

    @Test
    void aPluginErrorIsFatal() {
        CliFixture.Run run = fx.run("group", "free", "cattle");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Group 'cattle' is not being watched\"\n"), run);
    }

    @Test
    void nameMayComeBeforeOrAfterTheVerb() {
        Fakes.Groups other = new Fakes.Groups();
        fx.serve(Spi.GROUP, "group-other", null, other);
        assertEquals(0, fx.run("group", "--name", "group-other", "commit", cattle.toString()).status());
        assertEquals(0, fx.run("group", "commit", "--name=group-other", cattle.toString()).status());
        assertEquals(List.of("commit cattle", "commit cattle"), other.calls);
        assertTrue(groups.calls.isEmpty());
    }

    @Test
    void aMissingPluginIsFatal() {
        CliFixture.Run run = fx.run("group", "--name", "nope", "ls");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Plugin not found: nope (looked up using nope in " + fx.dir + ")\"\n"), run);
    }

    @Test
    void aPluginThatIsNotAGroupIsRefused() {
        fx.serve(Spi.INSTANCE, "instance-test", null, new Fakes.Instances("i"));
        CliFixture.Run run = fx.run("group", "--name", "instance-test", "ls");
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("level=fatal msg=\"Plugin does not support interface {Group 0.1.0}"), run.err());
    }

    @Test
    void malformedJsonIsAClearError() throws Exception {
        Path bad = fx.file("bad.json", "{\"ID\": \"cattle\", \"Properties\": {\"Allocation\": }}");
        CliFixture.Run run = fx.run("group", "commit", bad.toString());
        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertEquals("level=fatal msg=\"Invalid JSON in " + bad + " at line 1, column 47: unexpected character '}', expected a value\"\n", run.err());
        assertEquals(1, run.err().lines().count(), "one line, no stack trace");
        assertTrue(groups.calls.isEmpty());
    }

    @Test
    void jsonOfTheWrongShapeIsAClearError() throws Exception {
        Path array = fx.file("array.json", "[1, 2]");
        CliFixture.Run run = fx.run("group", "commit", array.toString());
        assertEquals(1, run.status());
        assertEquals("level=fatal msg=\"Invalid " + array + ": expected an object, got an array\"\n", run.err());
    }

    @Test
    void aMissingFileIsAClearError() {
        Path missing = fx.base.resolve("missing.json");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Cannot read " + missing + ": no such file\"\n"),
                fx.run("group", "commit", missing.toString()));
    }

    @Test
    void usageErrorsExitWith2() {
        CliFixture.Run badFlag = fx.run("group", "commit", "--bogus", cattle.toString());
        assertEquals(2, badFlag.status());
        assertEquals("Unknown option: '--bogus'", badFlag.errLine());
        CliFixture.Run missingArgument = fx.run("group", "free");
        assertEquals(2, missingArgument.status());
        assertEquals("Missing required parameter: '<group ID>'", missingArgument.errLine());
        CliFixture.Run noVerb = fx.run("group");
        assertEquals(2, noVerb.status());
        assertEquals("Missing required subcommand", noVerb.errLine());
        assertTrue(groups.calls.isEmpty());
    }
}
