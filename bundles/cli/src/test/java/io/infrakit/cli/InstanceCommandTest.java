package io.infrakit.cli;

import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.Attachment;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code infrakit instance --name N ...} against an instance plugin on a socket. */
class InstanceCommandTest {

    private CliFixture fx;
    private final Fakes.Instances instances = new Fakes.Instances("instance");

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.INSTANCE, "instance-file", null, instances);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void validatePassesThePropertiesUntouched() throws Exception {
        Path props = fx.file("props.json", "{\n  \"Note\": 1.0e0,\n  \"z\": 1, \"a\": 2\n}\n");
        assertEquals(new CliFixture.Run(0, "validate:ok\n", ""), fx.run("instance", "--name", "instance-file", "validate", props.toString()));
        assertEquals(new RawJson("{\"Note\":1.0e0,\"z\":1,\"a\":2}"), instances.validated);
    }

    @Test
    void validateReportsThePluginsError() throws Exception {
        Path props = fx.file("props.json", "[\"not\", \"an object\"]");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Invalid properties: expected a JSON object\"\n"),
                fx.run("instance", "--name", "instance-file", "validate", props.toString()));
    }

    @Test
    void provisionPrintsTheNewId() throws Exception {
        Path spec = fx.file("spec.json", """
                {"Properties": {"Note": "x"}, "Tags": {"tier": "web", "infrakit.group": "g"}, "Init": "echo hi",
                 "LogicalID": "lid-1", "Attachments": [{"ID": "vol-1", "Type": "ebs"}]}
                """);
        assertEquals(new CliFixture.Run(0, "instance-1\n", ""), fx.run("instance", "--name", "instance-file", "provision", spec.toString()));
        assertEquals(List.of(new InstanceSpec(new RawJson("{\"Note\":\"x\"}"), Map.of("tier", "web", "infrakit.group", "g"),
                "echo hi", "lid-1", List.of(new Attachment("vol-1", "ebs")))), instances.provisioned);
    }

    @Test
    void describeFiltersByTagsAndPrintsTheTable() throws Exception {
        Path web = fx.file("web.json", "{\"Tags\": {\"tier\": \"web\", \"project\": \"infrakit\"}}");
        Path db = fx.file("db.json", "{\"Tags\": {\"tier\": \"db\", \"project\": \"infrakit\"}, \"LogicalID\": \"db-1\"}");
        fx.run("instance", "--name", "instance-file", "provision", web.toString());
        fx.run("instance", "--name", "instance-file", "provision", db.toString());

        assertEquals(List.of(
                "ID                            \tLOGICAL                       \tTAGS",
                "instance-1                    \t  -                           \tproject=infrakit,tier=web",
                "instance-2                    \tdb-1                          \tproject=infrakit,tier=db"),
                fx.run("instance", "--name", "instance-file", "describe").outLines());
        assertEquals(List.of("instance-2                    \tdb-1                          \tproject=infrakit,tier=db"),
                fx.run("instance", "--name", "instance-file", "describe", "-q", "--tags", "tier=db,project=infrakit").outLines());
        assertEquals(List.of("instance-2                    \tdb-1                          \tproject=infrakit,tier=db"),
                fx.run("instance", "describe", "--tags", "tier=db", "--tags", "project=infrakit", "-q", "--name", "instance-file").outLines(),
                "--tags repeated, --name after the verb");
        assertEquals(new CliFixture.Run(0, "ID                            \tLOGICAL                       \tTAGS\n", ""),
                fx.run("instance", "--name", "instance-file", "describe", "--tags", "tier=cache"));
    }

    @Test
    void destroyRemovesTheInstance() throws Exception {
        Path spec = fx.file("spec.json", "{}");
        fx.run("instance", "--name", "instance-file", "provision", spec.toString());
        assertEquals(new CliFixture.Run(0, "destroyed instance-1\n", ""), fx.run("instance", "--name", "instance-file", "destroy", "instance-1"));
        assertTrue(instances.instances.isEmpty());
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"remove /var/run/instances/instance-1: no such file or directory\"\n"),
                fx.run("instance", "--name", "instance-file", "destroy", "instance-1"));
    }

    @Test
    void aTypedNameReachesTheSubPlugin() throws Exception {
        Fakes.Instances typed = new Fakes.Instances("typed");
        fx.serve(Spi.INSTANCE, "instance-multi", "small", typed);
        Path spec = fx.file("spec.json", "{}");
        assertEquals(new CliFixture.Run(0, "typed-1\n", ""), fx.run("instance", "--name", "instance-multi/small", "provision", spec.toString()));
        CliFixture.Run unknownType = fx.run("instance", "--name", "instance-multi/large", "provision", spec.toString());
        assertEquals(1, unknownType.status());
        assertTrue(unknownType.err().startsWith("level=fatal msg=\"no-plugin:large"), unknownType.err());
    }

    @Test
    void theNameIsRequired() {
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Missing --name: the name of the instance plugin to use (see infrakit plugin ls)\"\n"),
                fx.run("instance", "describe"));
        CliFixture.Run invalid = fx.run("instance", "--name", "../etc", "describe");
        assertEquals(1, invalid.status());
        assertTrue(invalid.err().startsWith("level=fatal msg=\"Invalid plugin name '..'"), invalid.err());
    }

    @Test
    void anEmptyFileIsAClearError() throws Exception {
        Path empty = fx.file("empty.json", "  \n");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Invalid JSON in " + empty + ": the file is empty\"\n"),
                fx.run("instance", "--name", "instance-file", "validate", empty.toString()));
        assertNull(instances.validated);
    }

    @Test
    void twoValuesInAFileAreAClearError() throws Exception {
        Path two = fx.file("two.json", "{}\n{}\n");
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Invalid JSON in " + two + ": more than one value (line 2)\"\n"),
                fx.run("instance", "--name", "instance-file", "validate", two.toString()));
    }
}
