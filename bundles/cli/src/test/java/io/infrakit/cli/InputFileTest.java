package io.infrakit.cli;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Spec files are read strictly: a mistake is one sentence with the file, the JSON path and, for a typo, the key meant. */
class InputFileTest {

    @TempDir
    Path dir;

    private String refusal(String text, Class<?> type) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.json"), text);
        String message = assertThrows(CliException.class, () -> new InputFile(file).decode(type)).getMessage();
        for (String internal : List.of("Jackson", "CoercionConfig", "Cannot construct", "Cannot deserialize", "reference chain", "io.infrakit",
                "java.", "`", "(code ")) {
            assertFalse(message.contains(internal), "'" + internal + "' in: " + message);
        }
        return message.replace(file.toString(), "spec.json");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            {"ID": "cattle", "Propertes": {}}                | Invalid spec.json: unknown key Propertes: did you mean Properties?
            {"Id": "cattle", "properties": {}, "Pretend": 1} | Invalid spec.json: unknown key Pretend (the keys there are ID, Properties)
            {"ID": 7}                                        | Invalid spec.json: ID: expected a string, got 7
            {"ID": "a", "ID": "b"}                           | Invalid spec.json: duplicate key ID
            [{"ID": "cattle"}]                               | Invalid spec.json: expected an object, got an array
            {"ID": "cattle", "Properties": {"Allocation": }} | Invalid JSON in spec.json at line 1, column 47: unexpected character '}', expected a value
            """)
    void aGroupSpecFileWithAMistakeIsRefused(String text, String message) throws Exception {
        assertEquals(message, refusal(text, GroupSpec.class));
    }

    @Test
    void anInstanceSpecFileIsReadStrictlyToo() throws Exception {
        assertEquals("Invalid spec.json: unknown key LogicalId2: did you mean LogicalID?", refusal("{\"LogicalId2\": \"a\"}", InstanceSpec.class));
        assertEquals("Invalid spec.json: Tags.tier: expected a string, got 1", refusal("{\"Tags\": {\"tier\": 1}}", InstanceSpec.class));
    }

    @Test
    void theGroupsPropertiesArePassedOnForTheGroupPluginToCheck() throws Exception {
        Path file = Files.writeString(dir.resolve("g.json"), "{\"id\": \"cattle\", \"Properties\": {\"Updte\": {}, \"Allocation\": {\"Size\": 1}}}");
        assertEquals(new GroupSpec("cattle", new RawJson("{\"Updte\": {}, \"Allocation\": {\"Size\": 1}}")), new InputFile(file).decode(GroupSpec.class));
        assertEquals(Map.of("tier", "web"), new InputFile(Files.writeString(dir.resolve("i.json"), "{\"tags\": {\"tier\": \"web\"}}"))
                .decode(InstanceSpec.class).tags());
    }
}
