package io.infrakit.cli;

import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Against a group plugin with Group 0.1.0 only (as a Go group plugin): {@code ls} and {@code describe} print what
 * the original printed, {@code commit} uses Group.CommitGroup, and the verbs that need GroupControl say so.
 */
class GroupFallbackTest {

    private CliFixture fx;
    private final Fakes.Groups groups = new Fakes.Groups();

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.GROUP, "group", null, groups);
        groups.groups.put("cattle", new GroupSpec("cattle", new RawJson("{\"Allocation\":{\"Size\":3}}")));
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void lsIsTheListOfIds() {
        assertEquals(new CliFixture.Run(0, "ID\ncattle\n", ""), fx.run("group", "ls"));
        assertEquals(new CliFixture.Run(0, """
                [
                  {
                    "ID": "cattle",
                    "Properties": {
                      "Allocation": {
                        "Size": 3
                      }
                    }
                  }
                ]
                """, ""), fx.run("group", "ls", "--json"), "the specs: what the plugin knows");
    }

    @Test
    void describeIsTheInstanceTable() {
        groups.members.add(new Description("instance-1", null, Map.of("tier", "web")));
        assertEquals(new CliFixture.Run(0, String.format("%-30s\t%-30s\t%s%n%-30s\t%-30s\t%s%n",
                "ID", "LOGICAL", "TAGS", "instance-1", "  -   ", "tier=web"), ""), fx.run("group", "describe", "cattle"));
    }

    @Test
    void commitUsesCommitGroup() throws Exception {
        Path file = fx.file("cattle.json", "{\"ID\": \"cattle\", \"Properties\": {}}");
        assertEquals(new CliFixture.Run(0, "Committed cattle: Noop\n", ""), fx.run("group", "commit", file.toString()));
        assertEquals(List.of("commit cattle"), groups.calls);
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "events", "history", "rollback", "pause", "resume", "stop"})
    void verbsThatNeedGroupControlSaySo(String verb) {
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"the group plugin 'group' implements Group 0.1.0 only: " + verb
                + " needs GroupControl 0.1.0 (an InfraKit for OSGi manager or group plugin)\"\n"), fx.run("group", verb, "cattle"));
    }

    @Test
    void aPluginThatIsNotAGroupPluginIsNamedWithWhatItIs() {
        fx.serve(Spi.INSTANCE, "instance-test", null, new Fakes.Instances("i"));
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"the group plugin 'instance-test' implements Instance 0.3.0 only: pause "
                + "needs GroupControl 0.1.0 (an InfraKit for OSGi manager or group plugin)\"\n"), fx.run("group", "pause", "--name", "instance-test", "cattle"));
    }

    @Test
    void anUnknownPluginIsNotFound() {
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Plugin not found: nope (looked up using nope in " + fx.dir + ")\"\n"),
                fx.run("group", "status", "--name", "nope", "cattle"));
    }
}
