package io.infrakit.cli;

import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code infrakit flavor --name N ...} against a flavor plugin on a socket. */
class FlavorCommandTest {

    private CliFixture fx;
    private final Fakes.Flavor flavor = new Fakes.Flavor();
    private Path props;

    @BeforeEach
    void start() throws Exception {
        fx = new CliFixture();
        fx.serve(Spi.FLAVOR, "flavor-vanilla", null, flavor);
        props = fx.file("vanilla.json", "{\"Init\": [\"line1\"], \"Tags\": {\"tier\": \"web\"}}");
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void validateWithASize() {
        assertEquals(new CliFixture.Run(0, "validate:ok\n", ""),
                fx.run("flavor", "--name", "flavor-vanilla", "validate", props.toString(), "--size", "3"));
        assertEquals(new Allocation(3, List.of()), flavor.validatedAllocation);
        assertEquals(new RawJson("{\"Init\":[\"line1\"],\"Tags\":{\"tier\":\"web\"}}"), flavor.validatedProperties);
    }

    @Test
    void validateWithLogicalIds() {
        assertEquals(new CliFixture.Run(0, "validate:ok\n", ""),
                fx.run("flavor", "--name", "flavor-vanilla", "validate", "--logical-ids", "10.0.0.1,10.0.0.2", props.toString()));
        assertEquals(new Allocation(0, List.of("10.0.0.1", "10.0.0.2")), flavor.validatedAllocation);
    }

    @Test
    void validateReportsThePluginsError() {
        assertEquals(new CliFixture.Run(1, "", "level=fatal msg=\"Allocation must not be blank\"\n"),
                fx.run("flavor", "--name", "flavor-vanilla", "validate", props.toString()));
    }

    @Test
    void sizeAndLogicalIdsExcludeEachOther() {
        CliFixture.Run run = fx.run("flavor", "--name", "flavor-vanilla", "validate", props.toString(), "--size", "3", "--logical-ids", "a");
        assertEquals(2, run.status());
        assertTrue(run.errLine().contains("mutually exclusive"), run.err());
        assertNull(flavor.validatedAllocation);
    }

    @Test
    void preparePrintsTheSpecIndentedAsTheOriginal() throws Exception {
        Path spec = fx.file("spec.json", "{\"Properties\": {\"Note\": \"x\"}, \"Tags\": {\"infrakit.group\": \"g\"}, \"Init\": \"first\"}");
        CliFixture.Run run = fx.run("flavor", "--name", "flavor-vanilla", "prepare", props.toString(), spec.toString(), "--size", "1");
        // json.MarshalIndent(spec, "  ", "  "): every line after the first carries the two-space prefix
        assertEquals(new CliFixture.Run(0, """
                {
                    "Properties": {
                      "Note": "x"
                    },
                    "Tags": {
                      "infrakit.group": "g",
                      "tier": "web"
                    },
                    "Init": "first\\nline1",
                    "LogicalID": null,
                    "Attachments": null
                  }
                """, ""), run);
    }

    @Test
    void healthyPrintsTheHealthCode() {
        assertEquals(new CliFixture.Run(0, "1\n", ""),
                fx.run("flavor", "--name", "flavor-vanilla", "healthy", props.toString(), "--id", "instance-1", "--tags", "a=b,c=d"));
        assertEquals(new Description("instance-1", null, Map.of("a", "b", "c", "d")), flavor.judged);

        flavor.health = Health.UNHEALTHY;
        assertEquals(new CliFixture.Run(0, "2\n", ""),
                fx.run("flavor", "--name", "flavor-vanilla", "healthy", props.toString(), "--logical-id", "lid-1"));
        assertEquals(new Description("", "lid-1", null), flavor.judged);

        flavor.health = Health.UNKNOWN;
        assertEquals(new CliFixture.Run(0, "0\n", ""), fx.run("flavor", "--name", "flavor-vanilla", "healthy", props.toString()));
    }

    @Test
    void aBadSizeIsAUsageError() {
        CliFixture.Run run = fx.run("flavor", "--name", "flavor-vanilla", "validate", props.toString(), "--size", "many");
        assertEquals(2, run.status());
        assertTrue(run.errLine().startsWith("Invalid value for option '--size': 'many' is not a long"), run.err());
    }
}
