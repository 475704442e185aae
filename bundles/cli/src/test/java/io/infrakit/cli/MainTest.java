package io.infrakit.cli;

import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command as a whole, and its small parts. */
class MainTest {

    private static final Environment NO_PLUGINS = new Environment(Map.of("INFRAKIT_PLUGINS_DIR", "/nonexistent/plugins"), "/nonexistent");

    @Test
    void versionComesFromTheBuild() {
        CliFixture.Run run = CliFixture.runIn(NO_PLUGINS, "version");
        assertEquals(0, run.status());
        assertTrue(run.out().matches("Version: \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), run.out());
        assertEquals("infrakit " + VersionCommand.version() + "\n", CliFixture.runIn(NO_PLUGINS, "--version").out());
    }

    @Test
    void logLevelIsAcceptedAnywhereAndChecked() {
        assertEquals(0, CliFixture.runIn(NO_PLUGINS, "--log", "5", "version").status());
        assertEquals(0, CliFixture.runIn(NO_PLUGINS, "version", "--log", "0").status());
        CliFixture.Run tooHigh = CliFixture.runIn(NO_PLUGINS, "--log", "9", "version");
        assertEquals(2, tooHigh.status());
        assertEquals("Invalid value for option '--log': 9 is not between 0 and 5", tooHigh.errLine());
        assertEquals("", tooHigh.out());
    }

    @Test
    void unknownVerbsAreUsageErrors() {
        CliFixture.Run run = CliFixture.runIn(NO_PLUGINS, "groop", "ls");
        assertEquals(2, run.status());
        assertTrue(run.errLine().startsWith("Unmatched arguments from index 0: 'groop', 'ls'"), run.err());
        assertEquals(2, CliFixture.runIn(NO_PLUGINS).status());
    }

    @Test
    void pluginsDirectoryFollowsTheEnvironment() {
        assertEquals(Path.of("/p"), new Environment(Map.of("INFRAKIT_PLUGINS_DIR", "/p", "INFRAKIT_HOME", "/h"), "/u").pluginsDirectory());
        assertEquals(Path.of("/h/plugins"), new Environment(Map.of("INFRAKIT_HOME", "/h"), "/u").pluginsDirectory());
        assertEquals(Path.of("/u/.infrakit/plugins"), new Environment(Map.of(), "/u").pluginsDirectory());
    }

    @Test
    void fatalMessagesAreQuotedOnOneLine() {
        assertEquals("level=fatal msg=\"a \\\"b\\\"\\nc\\\\d\\te\"", LogLine.format("fatal", "a \"b\"\nc\\d\te"));
        assertEquals("level=warning msg=\"\"", LogLine.format("warning", null));
    }

    @Test
    void tagsAreParsedAsTheOriginalDid() {
        assertEquals(Map.of("a", "b", "c", "", "d", "e=f"), TagArguments.parse(List.of("a=b", "c", "d=e=f")));
        assertEquals(Map.of(), TagArguments.parse(null));
        CliException empty = assertThrows(CliException.class, () -> TagArguments.parse(List.of("=x")));
        assertEquals("Invalid tag '=x': use key=value", empty.getMessage());
        assertEquals("a=1,b=2", TagArguments.format(Map.of("b", "2", "a", "1")));
        assertEquals("", TagArguments.format(null));
    }

    @Test
    void tableCellsArePaddedByCharactersAndNeverCut() {
        StringWriter out = new StringWriter();
        Table.instances(new PrintWriter(out, true), List.of(
                new Description("ä-instance", "x".repeat(35), null)), true);
        assertEquals("ä-instance                    \t" + "x".repeat(35) + "\t\n", out.toString());
    }

    @Test
    void oversizedFilesAreRefused() throws Exception {
        Path big = java.nio.file.Files.createTempFile("ikc", ".json");
        try {
            java.nio.file.Files.write(big, new byte[InputFile.MAX_BYTES + 1]);
            CliException e = assertThrows(CliException.class, () -> new InputFile(big).raw());
            assertEquals("Cannot read " + big + ": larger than 4 MiB", e.getMessage());
        } finally {
            java.nio.file.Files.delete(big);
        }
    }
}
